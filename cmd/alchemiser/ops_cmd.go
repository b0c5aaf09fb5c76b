package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// newTraceCmd is the workflow-trace query under a short name.
func newTraceCmd() *cobra.Command {
	var logs, format, since, until string
	var onAWS logsQueryFlags
	cmd := &cobra.Command{
		Use:   "trace CORRELATION_ID (--logs PATH | --stack NAME)",
		Short: "Every log line of one workflow, across all functions, in time order",
		Long: `trace runs the saved query workflow-trace for one correlation id over a run
directory or a file of log events exported from AWS (the output of aws logs
filter-log-events, or JSON Lines; see alchemiser query).

With --stack instead of --logs it runs on the stack's log groups in CloudWatch
Logs, over --since (24h by default) or --from to --until; a query that fails
exits 1.

Exit status: 0, 1 when the logs cannot be read, 2 on bad usage.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (logs == "") == (onAWS.aws.stack == "") {
				return usageError{errors.New("trace needs one of --logs PATH and --stack NAME")}
			}
			if !slices.Contains([]string{"table", "json", "csv"}, format) {
				return usageError{fmt.Errorf("trace --format %q: want table, json or csv (usage: %s)", format, cmd.UseLine())}
			}
			// The query command runs as trace's engine: its errors are
			// trace's, reported once by main, never with query's usage.
			q := newQueryCmd()
			q.SetOut(cmd.OutOrStdout())
			q.SetErr(cmd.ErrOrStderr())
			q.SilenceErrors, q.SilenceUsage = true, true
			q.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
			qargs := []string{"workflow-trace", "--logs=" + logs, "--param", "correlation_id=" + args[0], "--format", format, "--since=" + since, "--until=" + until}
			q.SetArgs(append(qargs, onAWS.args()...))
			return q.ExecuteContext(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&logs, "logs", "", "run directory, or file of log events (filter-log-events output, or JSON Lines)")
	cmd.Flags().StringVar(&format, "format", "table", "table, json or csv")
	cmd.Flags().StringVar(&since, "since", "", "start of the time range (a duration back from now on CloudWatch Logs, an RFC 3339 time, or YYYY-MM-DD)")
	cmd.Flags().StringVar(&until, "until", "", "end of the time range (RFC 3339, or YYYY-MM-DD)")
	onAWS.addFlags(cmd.Flags())
	return cmd
}

// dlqMessage is a dead-lettered message, from a run directory or SQS.
type dlqMessage struct {
	ID         string            `json:"message_id"`
	Queue      string            `json:"queue"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Body       string            `json:"body"`
	// The event it holds, when it holds one: its detail-type and its
	// workflow (dlq list fills them from the body).
	EventType     string `json:"event_type,omitempty"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// withEvent fills m's event type and workflow from its body: an
// EventBridge event (a rule target's DLQ) or a Lambda on-failure record
// whose requestPayload is the event.
func withEvent(m dlqMessage) dlqMessage {
	type event struct {
		DetailType string `json:"detail-type"`
		Detail     struct {
			Metadata struct {
				CorrelationID string `json:"correlation_id"`
			} `json:"metadata"`
		} `json:"detail"`
	}
	var body struct {
		event
		RequestPayload *event `json:"requestPayload"`
	}
	if json.Unmarshal([]byte(m.Body), &body) != nil {
		return m
	}
	e := body.event
	if body.RequestPayload != nil {
		e = *body.RequestPayload
	}
	m.EventType, m.CorrelationID = e.DetailType, e.Detail.Metadata.CorrelationID
	return m
}

func newDLQCmd() *cobra.Command {
	var logs string
	var onAWS dlqSource
	var asJSON bool
	source := func(ctx context.Context) ([]dlqMessage, error) {
		switch {
		case logs != "" && onAWS.set():
			return nil, usageError{errors.New("give --logs, or --stack or --queue-url, not both")}
		case logs != "":
			return localDLQ(logs)
		case onAWS.set():
			return onAWS.messages(ctx)
		}
		return nil, usageError{errors.New("give --logs RUNDIR (local stack), --stack NAME or --queue-url URL (SQS)")}
	}
	cmd := &cobra.Command{
		Use:   "dlq",
		Short: "Inspect the dead-letter queues (events DLQ and on-failure destination)",
		Long: `dlq reads the dead-letter queues: from a local run directory (queues/*.jsonl), or
from SQS: the CloudFormation stack's (--stack, with --queue events for the rule
targets' DLQs, on-failure for the functions' on-failure destinations, or all), or
the one --queue-url names. Messages are received and given back to the queue at
once, so they stay there. list prints one line per message: its id, queue, error,
and the event it holds (detail-type and the workflow's correlation id, - when it
holds none); --json adds the body. show prints one message in full. Exit status:
0, 1 when the queue cannot be read or show finds no message with that id, 2 on
bad usage (a missing or surplus MESSAGE_ID, no source or two).`,
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List dead-lettered messages with their error attributes",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			msgs, err := source(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, m := range msgs {
				m = withEvent(m)
				if asJSON {
					line, _ := json.Marshal(m)
					fmt.Fprintln(out, string(line))
					continue
				}
				fmt.Fprintf(out, "%s  %s  %s  %s  %s\n", m.ID, m.Queue, summary(m), or(m.EventType, "-"), or(m.CorrelationID, "-"))
			}
			if !asJSON {
				fmt.Fprintf(out, "%d message(s)\n", len(msgs))
			}
			return nil
		},
	}
	show := &cobra.Command{
		Use:   "show MESSAGE_ID",
		Short: "Show one message in full",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			msgs, err := source(cmd.Context())
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if m.ID == args[0] {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					return enc.Encode(m)
				}
			}
			return fmt.Errorf("no message %s", args[0])
		},
	}
	for _, c := range []*cobra.Command{list, show} {
		c.Flags().StringVar(&logs, "logs", "", "local run directory")
		c.Flags().StringVar(&onAWS.queueURL, "queue-url", "", "SQS queue URL (instead of the stack's queues)")
		c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per message")
		onAWS.addFlags(c.Flags())
		cmd.AddCommand(c)
	}
	cmd.AddCommand(newDLQRedriveCmd())
	return cmd
}

func summary(m dlqMessage) string {
	if c := m.Attributes["ERROR_CODE"]; c != "" {
		return c + ": " + m.Attributes["ERROR_MESSAGE"]
	}
	var rec struct {
		ResponsePayload struct{ ErrorMessage string } `json:"responsePayload"`
	}
	if json.Unmarshal([]byte(m.Body), &rec) == nil && rec.ResponsePayload.ErrorMessage != "" {
		return "function error: " + rec.ResponsePayload.ErrorMessage
	}
	return "-"
}

// or is s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func localDLQ(dir string) ([]dlqMessage, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "queues", "*.jsonl"))
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("could not read %s: %w", dir, err)
	}
	var out []dlqMessage
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, inputs.LogLine)
		line := 1
		for ; sc.Scan(); line++ {
			var m dlqMessage
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			out = append(out, m)
		}
		f.Close()
		// A line past the scanner's limit must not end the file silently:
		// the messages after it would go unlisted.
		if errors.Is(sc.Err(), bufio.ErrTooLong) {
			return nil, &inputs.TooLargeError{Name: name, Line: line, Limit: inputs.LogLine}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	return out, nil
}

// listVisibility is how long dlq list holds the messages it receives
// while it pages through a queue, in seconds; it gives them back at the
// end.
const listVisibility = 30

// sqsDLQ lists queue q's messages and leaves them there, visible: each
// receive hides what it returns so that the next one pages on, and the
// messages are then given back with ChangeMessageVisibility 0, since the
// Go SDK cannot ask ReceiveMessage for a visibility timeout of 0 (its
// member is not a pointer, and 0 is not sent). Without that, a redrive
// right after a list would find the queue empty
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
func sqsDLQ(ctx context.Context, client *sqs.Client, q stackQueue) ([]dlqMessage, error) {
	url := q.URL
	seen := map[string]bool{}
	var out []dlqMessage
	var handles []string
	var err error
	for range 10 { // up to 100 messages
		var res *sqs.ReceiveMessageOutput
		res, err = client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
			VisibilityTimeout: listVisibility, MessageAttributeNames: []string{"All"}})
		if err != nil {
			err = fmt.Errorf("sqs ReceiveMessage %s: %w", url, err)
			break
		}
		added := 0
		for _, m := range res.Messages {
			handles = append(handles, aws.ToString(m.ReceiptHandle))
			id := aws.ToString(m.MessageId)
			if seen[id] {
				continue
			}
			seen[id], added = true, added+1
			out = append(out, dlqMessage{ID: id, Queue: q.Name(), Body: aws.ToString(m.Body), Attributes: attrs(m.MessageAttributes)})
		}
		if added == 0 {
			break
		}
	}
	if rerr := release(ctx, client, url, handles); rerr != nil {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// release makes the messages received with handles visible again at once.
func release(ctx context.Context, client *sqs.Client, url string, handles []string) error {
	var errs []error
	for _, h := range handles {
		_, err := client.ChangeMessageVisibility(context.WithoutCancel(ctx), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url),
			ReceiptHandle: aws.String(h), VisibilityTimeout: 0})
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("could not give %d listed message(s) of %s back to the queue (they are visible again after %d s): %w",
			len(errs), url, listVisibility, errors.Join(errs...))
	}
	return nil
}

func attrs(in map[string]sqstypes.MessageAttributeValue) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		out[k] = aws.ToString(v.StringValue)
	}
	return out
}

func newDLQRedriveCmd() *cobra.Command {
	var queueURL, busName string
	var max int
	var onAWS dlqSource
	cmd := &cobra.Command{
		Use:   "redrive (--stack NAME [--queue events|on-failure|all] | --queue-url URL --bus NAME)",
		Short: "Put dead-lettered events back on the bus, then delete them from the queue",
		Long: `redrive receives messages from SQS dead-letter queues (the rule targets' DLQs and
the functions' on-failure destinations of the CloudFormation stack --stack, or
the queue --queue-url names), puts the EventBridge event each holds back on the
bus (the stack's, or --bus) with PutEvents, and deletes the message only once the
bus accepted it. Each event goes back marked as redriven (metadata.redrive, the
message's id): its consumer starts a new trace linked to the original. Handlers
are idempotent on the event id, so redriving an event that was in fact handled
does nothing. Exit status: 0 when every message was
redriven, 1 otherwise, 2 on bad usage.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			onAWS.queueURL = queueURL
			if !onAWS.set() {
				return usageError{errors.New("give --stack NAME, or --queue-url URL and --bus NAME")}
			}
			if max < 1 {
				return usageError{fmt.Errorf("--max must be at least 1, got %d", max)}
			}
			return onAWS.redrive(cmd.Context(), busName, max, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&queueURL, "queue-url", "", "SQS dead-letter queue URL (instead of the stack's queues)")
	cmd.Flags().StringVar(&busName, "bus", "", "event bus name (default: the stack's)")
	cmd.Flags().IntVar(&max, "max", 1000, "most messages to redrive")
	onAWS.addFlags(cmd.Flags())
	return cmd
}

func newReplayCmd() *cobra.Command {
	var archive, bus, from, to, name string
	var onAWS awsOptions
	var asJSON bool
	cmd := &cobra.Command{Use: "replay", Short: "Replay archived events (EventBridge StartReplay)",
		Long: `replay start replays the bus archive's events between --from and --to onto the bus;
replayed events carry replay-name and handlers skip those they already handled.
The archive and the bus are the CloudFormation stack's (--stack), or --archive and
--bus (ARNs, which override the stack's). replay status NAME shows a replay's
state. Exit status: 0, 1 on an AWS error, 2 on bad usage.`}
	start := &cobra.Command{
		Use:  "start (--stack NAME | --archive ARN --bus ARN) --from T --to T [--name NAME]",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || to == "" || onAWS.stack == "" && (archive == "" || bus == "") {
				return usageError{errors.New("--from, --to and --stack (or --archive and --bus) are required")}
			}
			f, err1 := parseTime("--from", from)
			t, err2 := parseTime("--to", to)
			if err := errors.Join(err1, err2); err != nil || !t.After(f) {
				return usageError{fmt.Errorf("--from and --to must be RFC 3339 times, --to after --from (%v)", err)}
			}
			r := replayRequest{Name: name, Archive: archive, Bus: bus, From: f, To: t}
			return r.start(cmd, &onAWS, asJSON)
		},
	}
	status := &cobra.Command{
		Use:   "status NAME [--stack NAME]",
		Short: "Show a replay's state and how far it has replayed",
		Long: `status describes the replay NAME (DescribeReplay): its state and reason, and how
far it has replayed; --json prints it as one object. With --stack, a replay of
another archive than the stack's is noted on stderr.

Exit status: 0, 1 when the replay cannot be described (AWS fails, or there is no
such replay), 2 on bad usage (no NAME, or more than one).`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return replayStatus(cmd, &onAWS, args[0], asJSON)
		},
	}
	f := start.Flags()
	f.StringVar(&archive, "archive", "", "archive ARN (default: the stack's)")
	f.StringVar(&bus, "bus", "", "destination bus ARN (default: the stack's)")
	f.StringVar(&from, "from", "", "first event time (RFC 3339)")
	f.StringVar(&to, "to", "", "last event time (RFC 3339)")
	f.StringVar(&name, "name", "", "replay name (default: the stack's name and the time)")
	for _, c := range []*cobra.Command{start, status} {
		onAWS.addFlags(c.Flags(), "CloudFormation stack whose archive and bus to use")
		c.Flags().BoolVar(&asJSON, "json", false, "the replay as one JSON object")
	}
	cmd.AddCommand(start, status)
	return cmd
}

// replayRequest is a replay to start; Archive and Bus are ARNs, the
// stack's when empty.
type replayRequest struct {
	Name, Archive, Bus string
	From, To           time.Time
}

// start resolves what r leaves empty from the stack, and starts it.
func (r replayRequest) start(cmd *cobra.Command, o *awsOptions, asJSON bool) error {
	ctx, stdout := cmd.Context(), cmd.OutOrStdout()
	cfg, err := o.config(ctx)
	if err != nil {
		return err
	}
	if o.stack != "" && (r.Archive == "" || r.Bus == "") {
		st, err := o.loadStack(ctx, cfg)
		if err != nil {
			return err
		}
		if st.ArchiveARN == "" || st.BusARN == "" {
			return fmt.Errorf("stack %s has no event archive or bus to replay", st.Name)
		}
		if r.Archive == "" {
			r.Archive = st.ArchiveARN
		}
		if r.Bus == "" {
			r.Bus = st.BusARN
		}
	}
	if r.Name == "" {
		// Replay names are up to 64 of [.-_A-Za-z0-9]
		// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html).
		prefix := "alchemiser"
		if o.stack != "" {
			prefix = o.stack
		}
		r.Name = prefix + "-" + clock.Now().UTC().Format("20060102T150405Z")
	}
	out, err := eventbridge.NewFromConfig(cfg).StartReplay(ctx, &eventbridge.StartReplayInput{ReplayName: aws.String(r.Name),
		EventSourceArn: aws.String(r.Archive), EventStartTime: aws.Time(r.From), EventEndTime: aws.Time(r.To),
		Destination: &ebtypes.ReplayDestination{Arn: aws.String(r.Bus)}})
	if err != nil {
		return awsErr("could not start replay "+r.Name, err)
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"name": r.Name, "arn": aws.ToString(out.ReplayArn), "state": out.State,
			"archive": r.Archive, "bus": r.Bus, "from": r.From.UTC(), "to": r.To.UTC()})
	}
	_, err = fmt.Fprintf(stdout, "replay %s %s (%s to %s from %s onto %s)\n", r.Name, out.State,
		r.From.UTC().Format(time.RFC3339), r.To.UTC().Format(time.RFC3339), r.Archive, r.Bus)
	return err
}

// replayStatus prints a replay's state; with a stack, it notes a replay
// of another archive.
func replayStatus(cmd *cobra.Command, o *awsOptions, name string, asJSON bool) error {
	ctx, stdout := cmd.Context(), cmd.OutOrStdout()
	cfg, err := o.config(ctx)
	if err != nil {
		return err
	}
	out, err := eventbridge.NewFromConfig(cfg).DescribeReplay(ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String(name)})
	if err != nil {
		return awsErr("could not describe replay "+name, err)
	}
	if o.stack != "" {
		st, err := o.loadStack(ctx, cfg)
		if err != nil {
			return err
		}
		if src := aws.ToString(out.EventSourceArn); src != "" && src != st.ArchiveARN {
			fmt.Fprintf(cmd.ErrOrStderr(), "note: replay %s replays %s, not stack %s's archive %s\n", name, src, st.Name, st.ArchiveARN)
		}
	}
	if asJSON {
		return json.NewEncoder(stdout).Encode(replayJSON(out))
	}
	_, err = fmt.Fprintf(stdout, "replay %s %s %s\n", name, out.State, aws.ToString(out.StateReason))
	if err == nil && out.EventLastReplayedTime != nil {
		_, err = fmt.Fprintf(stdout, "replayed up to %s of %s to %s\n", out.EventLastReplayedTime.UTC().Format(time.RFC3339),
			aws.ToTime(out.EventStartTime).UTC().Format(time.RFC3339), aws.ToTime(out.EventEndTime).UTC().Format(time.RFC3339))
	}
	return err
}

func replayJSON(out *eventbridge.DescribeReplayOutput) map[string]any {
	m := map[string]any{"name": aws.ToString(out.ReplayName), "arn": aws.ToString(out.ReplayArn), "state": out.State,
		"reason": aws.ToString(out.StateReason), "archive": aws.ToString(out.EventSourceArn)}
	if out.Destination != nil {
		m["bus"] = aws.ToString(out.Destination.Arn)
	}
	for k, t := range map[string]*time.Time{"from": out.EventStartTime, "to": out.EventEndTime, "last_replayed": out.EventLastReplayedTime,
		"started": out.ReplayStartTime, "ended": out.ReplayEndTime} {
		if t != nil {
			m[k] = t.UTC()
		}
	}
	return m
}
