package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/internal/inputs"
)

func newAlarmsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "alarms", Short: "Evaluate CloudWatch alarms offline, and show those in ALARM"}
	cmd.AddCommand(newAlarmsEvaluateCmd(), newAlarmsSimulateCmd(), newAlarmsStatusCmd())
	return cmd
}

func newAlarmsEvaluateCmd() *cobra.Command {
	var alarmFile, alarmName, dataFile, from, to string
	var every time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "evaluate --alarm ALARM.json [--alarm-name NAME] --data POINTS.csv",
		Short: "Evaluate a metric alarm over data points, as CloudWatch would",
		Long: `evaluate replays how CloudWatch evaluates a metric alarm (package alarms/cwalarm
documents the rules: evaluation range, TreatMissingData, premature alarms, metric
math). ALARM.json holds either
  - PutMetricAlarm request fields (EvaluationPeriods, DatapointsToAlarm,
    Threshold, ComparisonOperator, TreatMissingData, and either Period and
    Statistic for a single metric, or Metrics with MetricStat and Expression
    entries); an unknown field is an error; or
  - the output of 'aws cloudwatch describe-alarms --output json' as it is
    ({"MetricAlarms": [...], "CompositeAlarms": [...]}), or one alarm or a list
    of alarms cut out of it with --query. Fields AWS adds are ignored, and so
    is the alarm's current state: the evaluation starts from scratch.
    --alarm-name picks the alarm when the document holds several (the error
    lists their names). A composite alarm cannot be evaluated on its own data;
    evaluate its metric alarms. Percentile statistics and anomaly detection
    alarms are refused (not modelled).
POINTS.csv has timestamp,metric_id,value rows (RFC 3339; metric_id is a Metrics
Id, or m1 for a single-metric alarm); a period without a row is a missing point.
A row for a metric id the alarm does not have is an error naming the ids it has
(not silently ignored: a misnamed id would read as missing data).

The alarm starts in INSUFFICIENT_DATA and is evaluated every --every (default one
minute, CloudWatch's cadence) from --from to --to inclusive (defaults: the first
point, and the end of the last point's period); --from after --to is an error.
Each evaluation prints
"TIMESTAMP STATE", or one JSON object per line with --json.

Exit status: 0, or 2 when the alarm or the data is invalid.`,
		Example: "  alchemiser alarms evaluate --alarm errors.json --data points.csv\n" +
			"  aws cloudwatch describe-alarms --alarm-name-prefix alchemiser- --output json > alarms.json\n" +
			"  alchemiser alarms evaluate --alarm alarms.json --alarm-name alchemiser-execution-errors --data points.csv",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if alarmFile == "" || dataFile == "" {
				return usageError{errors.New("--alarm and --data are both required")}
			}
			a, err := readAlarm(alarmFile, alarmName)
			if err != nil {
				return usageError{err}
			}
			f, err := os.Open(dataFile)
			if err != nil {
				return usageError{err}
			}
			defer f.Close()
			series, err := cwalarm.ReadPoints(inputs.Reader(f, dataFile, inputs.Points), dataFile)
			if err != nil {
				return usageError{err}
			}
			if err := knownMetrics(a, series, dataFile); err != nil {
				return usageError{err}
			}
			start, end, ok := series.Span(a.PeriodOf())
			if !ok && (from == "" || to == "") {
				return usageError{fmt.Errorf("%s has no data points: give --from and --to", dataFile)}
			}
			if from != "" {
				if start, err = time.Parse(time.RFC3339, from); err != nil {
					return usageError{fmt.Errorf("--from: %w", err)}
				}
			}
			if to != "" {
				if end, err = time.Parse(time.RFC3339, to); err != nil {
					return usageError{fmt.Errorf("--to: %w", err)}
				}
			}
			if end.Before(start) {
				return usageError{fmt.Errorf("--from %s is after --to %s", start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))}
			}
			samples, err := cwalarm.Evaluate(a, series, start, end, every)
			if err != nil {
				return usageError{err}
			}
			out := cmd.OutOrStdout()
			for _, s := range samples {
				if asJSON {
					line, _ := json.Marshal(map[string]string{"timestamp": s.At.UTC().Format(time.RFC3339), "state": string(s.State)})
					fmt.Fprintln(out, string(line))
					continue
				}
				fmt.Fprintf(out, "%s %s\n", s.At.UTC().Format(time.RFC3339), s.State)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&alarmFile, "alarm", "", "PutMetricAlarm fields as JSON, or aws cloudwatch describe-alarms output")
	f.StringVar(&alarmName, "alarm-name", "", "the alarm to evaluate, when --alarm holds several")
	f.StringVar(&dataFile, "data", "", "timestamp,metric_id,value CSV")
	f.StringVar(&from, "from", "", "first evaluation (RFC 3339)")
	f.StringVar(&to, "to", "", "last evaluation (RFC 3339)")
	f.DurationVar(&every, "every", time.Minute, "time between evaluations")
	f.BoolVar(&asJSON, "json", false, "one JSON object per evaluation")
	return cmd
}

// knownMetrics refuses data rows for metric ids the alarm does not read.
func knownMetrics(a *cwalarm.MetricAlarm, series cwalarm.Series, file string) error {
	plan, err := a.Plan()
	if err != nil {
		return err
	}
	have := plan.Metrics()
	for _, id := range slices.Sorted(maps.Keys(series)) {
		if !slices.Contains(have, id) {
			return fmt.Errorf("%s has rows for metric id %q, which the alarm %s does not have (its metric ids: %s)",
				file, id, a.AlarmName, strings.Join(have, ", "))
		}
	}
	return nil
}

// readAlarm reads --alarm: PutMetricAlarm fields or describe-alarms
// output, bounded by inputs.Alarms.
func readAlarm(name, alarmName string) (*cwalarm.MetricAlarm, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return cwalarm.ReadAlarm(inputs.Reader(f, name, inputs.Alarms), name, alarmName)
}
