package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/internal/console"
)

// errAlarmsFiring is alarms status --fail-on-alarm's failure.
var errAlarmsFiring = errors.New("alarms are in ALARM")

func newAlarmsStatusCmd() *cobra.Command {
	var onAWS awsOptions
	var state, expect string
	var only []string
	var asJSON, failOnAlarm bool
	cmd := &cobra.Command{
		Use:   "status [--stack NAME] [--alarm NAME]... [--state ALARM|OK|INSUFFICIENT_DATA|all] [--expect STATE] [--json] [--fail-on-alarm]",
		Short: "Show the CloudWatch alarms in ALARM: since when, why, and their runbook",
		Long: `status reads the CloudWatch alarms, metric and composite (DescribeAlarms): the
CloudFormation stack's (--stack), or every alarm of the account and region. For
each alarm in --state (ALARM by default; all for every state) it prints its state,
since when and for how long, CloudWatch's reason, and the runbook and saved query
its description links (alchemiser query NAME --stack NAME runs that query).

--alarm NAME (repeatable) shows those alarms only, in every state unless --state
is given; with --stack, NAME may leave out the stack's prefix
(event-dead-lettered for alchemiser-event-dead-lettered). --expect STATE checks
that each of them is in STATE, which is how a runbook verifies recovery:
alchemiser alarms status --stack S --alarm event-dead-lettered --expect OK.

--json prints one JSON object per alarm (name, type, state, since, for_seconds,
reason, runbook, query, console: its page in the CloudWatch console).

Exit status: 0 whether or not an alarm is in ALARM, unless --fail-on-alarm is
given (then 1 when one is) or --expect (then 1 when an alarm named by --alarm is
in another state, or does not exist); 1 when CloudWatch cannot be read; 2 on bad
usage.`,
		Example: "  alchemiser alarms status --stack alchemiser\n  alchemiser alarms status --stack alchemiser --state all --json\n" +
			"  alchemiser alarms status --stack alchemiser --alarm event-dead-lettered --expect OK",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(only) > 0 && !cmd.Flags().Changed("state") {
				state = "all"
			}
			filter, err := alarmStateFilter(state)
			if err != nil {
				return usageError{err}
			}
			if failOnAlarm && filter != "" && filter != cwtypes.StateValueAlarm {
				return usageError{fmt.Errorf("--fail-on-alarm needs --state ALARM or all, not %s", state)}
			}
			want, err := expectedState(expect, only)
			if err != nil {
				return usageError{err}
			}
			list, err := describeAlarms(cmd.Context(), &onAWS, filter)
			if err != nil {
				return err
			}
			list, missing := selectAlarms(list, only, onAWS.stack)
			firing, err := writeAlarmStatus(cmd.OutOrStdout(), list, clock.Now(), onAWS.stack, asJSON)
			if err == nil && failOnAlarm && firing > 0 {
				err = fmt.Errorf("%d %w", firing, errAlarmsFiring)
			}
			if err == nil && want != "" {
				err = checkExpected(list, missing, want)
			}
			return err
		},
	}
	f := cmd.Flags()
	onAWS.addFlags(f, "CloudFormation stack whose alarms to show (default: every alarm)")
	f.StringVar(&state, "state", "ALARM", "ALARM, OK, INSUFFICIENT_DATA or all")
	f.BoolVar(&asJSON, "json", false, "one JSON object per alarm")
	f.BoolVar(&failOnAlarm, "fail-on-alarm", false, "exit 1 when an alarm is in ALARM")
	f.StringArrayVar(&only, "alarm", nil, "show this alarm only (repeatable; the stack's prefix may be left out)")
	f.StringVar(&expect, "expect", "", "exit 1 unless every --alarm is in this state (OK, ALARM, INSUFFICIENT_DATA)")
	return cmd
}

// expectedState checks --expect: a state, and only with --alarm.
func expectedState(expect string, only []string) (string, error) {
	if expect == "" {
		return "", nil
	}
	if len(only) == 0 {
		return "", errors.New("--expect needs the alarms it is about: --alarm NAME")
	}
	v, err := alarmStateFilter(expect)
	if err != nil || v == "" {
		return "", fmt.Errorf("--expect %q: want OK, ALARM or INSUFFICIENT_DATA", expect)
	}
	return string(v), nil
}

// selectAlarms keeps the alarms named by only (all when empty), by full
// name or by the name after the stack's prefix, and returns the names
// that matched none.
func selectAlarms(list []alarmStatus, only []string, stack string) ([]alarmStatus, []string) {
	if len(only) == 0 {
		return list, nil
	}
	var kept []alarmStatus
	var missing []string
	for _, name := range only {
		found := false
		for _, a := range list {
			if a.Name == name || (stack != "" && a.Name == stack+"-"+name) {
				kept, found = append(kept, a), true
			}
		}
		if !found {
			missing = append(missing, name)
		}
	}
	return kept, missing
}

// checkExpected fails unless every selected alarm is in want.
func checkExpected(list []alarmStatus, missing []string, want string) error {
	var wrong []string
	for _, a := range list {
		if a.State != want {
			wrong = append(wrong, a.Name+" is "+a.State)
		}
	}
	for _, name := range missing {
		wrong = append(wrong, name+" does not exist (or is not in --state)")
	}
	if len(wrong) > 0 {
		return fmt.Errorf("not %s: %s", want, strings.Join(wrong, "; "))
	}
	return nil
}

// alarmStateFilter is DescribeAlarms' StateValue for --state; "" for all.
func alarmStateFilter(state string) (cwtypes.StateValue, error) {
	if strings.EqualFold(state, "all") {
		return "", nil
	}
	for _, v := range cwtypes.StateValue("").Values() {
		if strings.EqualFold(state, string(v)) {
			return v, nil
		}
	}
	return "", fmt.Errorf("--state %q: want ALARM, OK, INSUFFICIENT_DATA or all", state)
}

// alarmStatus is one alarm as status prints it.
type alarmStatus struct {
	Name       string    `json:"name"`
	Type       string    `json:"type"` // metric or composite
	State      string    `json:"state"`
	Since      time.Time `json:"since"`
	ForSeconds int64     `json:"for_seconds"`
	Reason     string    `json:"reason"`
	Runbook    string    `json:"runbook,omitempty"`
	Query      string    `json:"query,omitempty"`
	Console    string    `json:"console"`
}

// describeAlarms reads the alarms in state (all when ""): the stack's
// by name, or every alarm.
func describeAlarms(ctx context.Context, o *awsOptions, state cwtypes.StateValue) ([]alarmStatus, error) {
	cfg, err := o.config(ctx)
	if err != nil {
		return nil, err
	}
	// Without AlarmTypes DescribeAlarms returns metric alarms only, and
	// it takes at most 100 AlarmNames
	// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
	in := cloudwatch.DescribeAlarmsInput{StateValue: state, AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm}}
	batches := [][]string{nil}
	if o.stack != "" {
		st, err := o.loadStack(ctx, cfg)
		if err != nil {
			return nil, err
		}
		if len(st.Alarms) == 0 {
			return nil, fmt.Errorf("stack %s has no alarms", st.Name)
		}
		batches = nil
		for names := st.Alarms; len(names) > 0; names = names[min(100, len(names)):] {
			batches = append(batches, names[:min(100, len(names))])
		}
	}
	client := cloudwatch.NewFromConfig(cfg)
	var out []alarmStatus
	for _, names := range batches {
		in.AlarmNames = names
		p := cloudwatch.NewDescribeAlarmsPaginator(client, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, awsErr("could not describe the alarms", err)
			}
			for _, a := range page.MetricAlarms {
				out = append(out, newAlarmStatus(cfg.Region, "metric", a.AlarmName, a.StateValue, a.StateUpdatedTimestamp, a.StateReason, a.AlarmDescription))
			}
			for _, a := range page.CompositeAlarms {
				out = append(out, newAlarmStatus(cfg.Region, "composite", a.AlarmName, a.StateValue, a.StateUpdatedTimestamp, a.StateReason, a.AlarmDescription))
			}
		}
	}
	return out, nil
}

func newAlarmStatus(region, typ string, name *string, state cwtypes.StateValue, since *time.Time, reason, desc *string) alarmStatus {
	l := alarms.DescriptionLinks(aws.ToString(desc))
	return alarmStatus{Name: aws.ToString(name), Type: typ, State: string(state), Since: aws.ToTime(since).UTC(),
		Reason: aws.ToString(reason), Runbook: l.Runbook, Query: l.Query, Console: console.Alarm(region, aws.ToString(name))}
}

// writeAlarmStatus writes the alarms, those in ALARM first, then the
// latest change first, and returns how many are in ALARM.
func writeAlarmStatus(w io.Writer, list []alarmStatus, now time.Time, stack string, asJSON bool) (int, error) {
	sort.SliceStable(list, func(i, j int) bool {
		ai, aj := list[i].State == string(cwtypes.StateValueAlarm), list[j].State == string(cwtypes.StateValueAlarm)
		if ai != aj {
			return ai
		}
		return list[i].Since.After(list[j].Since)
	})
	firing := 0
	for i := range list {
		a := &list[i]
		if a.State == string(cwtypes.StateValueAlarm) {
			firing++
		}
		a.ForSeconds = int64(now.Sub(a.Since) / time.Second)
		if asJSON {
			if err := json.NewEncoder(w).Encode(a); err != nil {
				return firing, err
			}
			continue
		}
		writeAlarm(w, a, stack)
	}
	if !asJSON {
		_, err := fmt.Fprintf(w, "%d alarm(s) in ALARM of %d listed\n", firing, len(list))
		return firing, err
	}
	return firing, nil
}

func writeAlarm(w io.Writer, a *alarmStatus, stack string) {
	fmt.Fprintf(w, "%-17s %s  (%s, since %s, for %s)\n", a.State, a.Name, a.Type, a.Since.Format(time.RFC3339),
		(time.Duration(a.ForSeconds) * time.Second).String())
	if a.Reason != "" {
		fmt.Fprintf(w, "  reason:  %s\n", a.Reason)
	}
	if a.Runbook != "" {
		fmt.Fprintf(w, "  runbook: %s\n", a.Runbook)
	}
	if a.Query != "" {
		target := "--stack " + stack
		if stack == "" {
			target = "--stack STACK"
		}
		fmt.Fprintf(w, "  query:   alchemiser query %s %s\n", a.Query, target)
	}
	fmt.Fprintf(w, "  console: %s\n", a.Console)
}
