package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/alchemiser/alchemiser/app/bus/dlq"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// newTraceCmd is the workflow-trace query under a short name.
func newTraceCmd() *cobra.Command {
	var logs, format string
	cmd := &cobra.Command{
		Use:   "trace CORRELATION_ID --logs PATH",
		Short: "Every log line of one workflow, across all functions, in time order",
		Long: `trace runs the saved query workflow-trace for one correlation id over a run
directory or a file of log events exported from AWS (the output of aws logs
filter-log-events, or JSON Lines; see alchemiser query).

Exit status: 0, 1 when the logs cannot be read, 2 on bad usage.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := newQueryCmd()
			q.SetOut(cmd.OutOrStdout())
			q.SetErr(cmd.ErrOrStderr())
			q.SetArgs([]string{"workflow-trace", "--logs", logs, "--param", "correlation_id=" + args[0], "--format", format})
			return q.ExecuteContext(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&logs, "logs", "", "run directory, or file of log events (filter-log-events output, or JSON Lines)")
	cmd.Flags().StringVar(&format, "format", "table", "table, json or csv")
	_ = cmd.MarkFlagRequired("logs")
	return cmd
}

// dlqMessage is a dead-lettered message, from a run directory or SQS.
type dlqMessage struct {
	ID         string            `json:"message_id"`
	Queue      string            `json:"queue"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Body       string            `json:"body"`
}

func newDLQCmd() *cobra.Command {
	var logs, queueURL string
	var asJSON bool
	source := func(ctx context.Context) ([]dlqMessage, error) {
		switch {
		case logs != "" && queueURL != "":
			return nil, usageError{errors.New("give --logs or --queue-url, not both")}
		case logs != "":
			return localDLQ(logs)
		case queueURL != "":
			return sqsDLQ(ctx, queueURL)
		}
		return nil, usageError{errors.New("give --logs RUNDIR (local stack) or --queue-url URL (SQS)")}
	}
	cmd := &cobra.Command{
		Use:   "dlq",
		Short: "Inspect the dead-letter queues (events DLQ and on-failure destination)",
		Long: `dlq reads the dead-letter queues: from a local run directory (queues/*.jsonl), or
from SQS (--queue-url; messages are received with a zero visibility timeout, so
they stay in the queue). Exit status: 0, 1 when the queue cannot be read, 2 on bad
usage.`,
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
				if asJSON {
					line, _ := json.Marshal(m)
					fmt.Fprintln(out, string(line))
					continue
				}
				fmt.Fprintf(out, "%s  %s  %s  %s\n", m.ID, m.Queue, summary(m), truncate(m.Body, 80))
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
		Args:  cobra.ExactArgs(1),
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
		c.Flags().StringVar(&queueURL, "queue-url", "", "SQS queue URL")
		c.Flags().BoolVar(&asJSON, "json", false, "one JSON object per message")
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

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
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

func sqsDLQ(ctx context.Context, url string) ([]dlqMessage, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	client := sqs.NewFromConfig(cfg)
	seen := map[string]bool{}
	var out []dlqMessage
	for range 10 { // up to 100 messages
		res, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
			VisibilityTimeout: 0, MessageAttributeNames: []string{"All"}})
		if err != nil {
			return nil, fmt.Errorf("sqs ReceiveMessage %s: %w", url, err)
		}
		added := 0
		for _, m := range res.Messages {
			id := aws.ToString(m.MessageId)
			if seen[id] {
				continue
			}
			seen[id], added = true, added+1
			out = append(out, dlqMessage{ID: id, Queue: url, Body: aws.ToString(m.Body), Attributes: attrs(m.MessageAttributes)})
		}
		if added == 0 {
			break
		}
	}
	return out, nil
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
	cmd := &cobra.Command{
		Use:   "redrive --queue-url URL --bus NAME",
		Short: "Put dead-lettered events back on the bus, then delete them from the queue",
		Long: `redrive receives messages from an SQS dead-letter queue (the rule DLQ or a
function's on-failure destination), puts the EventBridge event each holds back on
the bus with PutEvents, and deletes the message only once the bus accepted it.
Handlers are idempotent on the event id, so redriving an event that was in fact
handled does nothing. Exit status: 0 when every message was redriven, 1 otherwise,
2 on bad usage.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if queueURL == "" || busName == "" {
				return usageError{errors.New("--queue-url and --bus are required")}
			}
			cfg, err := config.LoadDefaultConfig(cmd.Context())
			if err != nil {
				return err
			}
			q := dlq.SQS{Client: sqs.NewFromConfig(cfg), URL: queueURL}
			sum, err := dlq.Redrive(cmd.Context(), q, eventbridge.NewFromConfig(cfg), busName, dlq.WithMax(max),
				dlq.WithReport(func(o dlq.Outcome) {
					if o.Err != nil {
						fmt.Fprintf(cmd.ErrOrStderr(), "message %s: %v\n", o.Message.ID, o.Err)
						return
					}
					fmt.Fprintf(cmd.OutOrStdout(), "redriven %s\n", o.Message.ID)
				}))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d redriven, %d failed\n", sum.Redriven, sum.Failed)
			if sum.Failed > 0 {
				return fmt.Errorf("%d message(s) could not be redriven; they stay in the queue", sum.Failed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&queueURL, "queue-url", "", "SQS dead-letter queue URL")
	cmd.Flags().StringVar(&busName, "bus", "", "event bus name")
	cmd.Flags().IntVar(&max, "max", 1000, "most messages to redrive")
	return cmd
}

func newReplayCmd() *cobra.Command {
	var archive, bus, from, to, name string
	cmd := &cobra.Command{Use: "replay", Short: "Replay archived events (EventBridge StartReplay)",
		Long: `replay start replays the bus archive's events between --from and --to onto the bus;
replayed events carry replay-name and handlers skip those they already handled.
replay status NAME shows a replay's state. Exit status: 0, 1 on an AWS error, 2 on
bad usage.`}
	start := &cobra.Command{
		Use:  "start --archive ARN --bus ARN --from T --to T [--name NAME]",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if archive == "" || bus == "" || from == "" || to == "" {
				return usageError{errors.New("--archive, --bus, --from and --to are required")}
			}
			f, err1 := time.Parse(time.RFC3339, from)
			t, err2 := time.Parse(time.RFC3339, to)
			if err := errors.Join(err1, err2); err != nil || !t.After(f) {
				return usageError{fmt.Errorf("--from and --to must be RFC 3339 times, --to after --from (%v)", err)}
			}
			if name == "" {
				name = "alchemiser-" + time.Now().UTC().Format("20060102T150405Z")
			}
			cfg, err := config.LoadDefaultConfig(cmd.Context())
			if err != nil {
				return err
			}
			out, err := eventbridge.NewFromConfig(cfg).StartReplay(cmd.Context(), &eventbridge.StartReplayInput{ReplayName: aws.String(name),
				EventSourceArn: aws.String(archive), EventStartTime: aws.Time(f), EventEndTime: aws.Time(t),
				Destination: &ebtypes.ReplayDestination{Arn: aws.String(bus)}})
			if err != nil {
				return fmt.Errorf("StartReplay: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "replay %s %s\n", name, out.State)
			return err
		},
	}
	status := &cobra.Command{
		Use:  "status NAME",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.LoadDefaultConfig(cmd.Context())
			if err != nil {
				return err
			}
			out, err := eventbridge.NewFromConfig(cfg).DescribeReplay(cmd.Context(), &eventbridge.DescribeReplayInput{ReplayName: aws.String(args[0])})
			if err != nil {
				return fmt.Errorf("DescribeReplay: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "replay %s %s %s\n", args[0], out.State, aws.ToString(out.StateReason))
			return err
		},
	}
	f := start.Flags()
	f.StringVar(&archive, "archive", "", "archive ARN")
	f.StringVar(&bus, "bus", "", "destination bus ARN")
	f.StringVar(&from, "from", "", "first event time (RFC 3339)")
	f.StringVar(&to, "to", "", "last event time (RFC 3339)")
	f.StringVar(&name, "name", "", "replay name")
	cmd.AddCommand(start, status)
	return cmd
}
