package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/spf13/cobra"
)

func newAlarmsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "alarms", Short: "Evaluate CloudWatch alarms offline"}
	cmd.AddCommand(newAlarmsEvaluateCmd())
	return cmd
}

func newAlarmsEvaluateCmd() *cobra.Command {
	var alarmFile, dataFile, from, to string
	var every time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "evaluate --alarm ALARM.json --data POINTS.csv",
		Short: "Evaluate a metric alarm over data points, as CloudWatch would",
		Long: `evaluate replays how CloudWatch evaluates a metric alarm (the alarms package
documents the rules: evaluation range, TreatMissingData, premature alarms, metric
math). ALARM.json holds PutMetricAlarm request fields (EvaluationPeriods,
DatapointsToAlarm, Threshold, ComparisonOperator, TreatMissingData, and either
Period and Statistic for a single metric, or Metrics with MetricStat and
Expression entries). POINTS.csv has timestamp,metric_id,value rows (RFC 3339;
metric_id is a Metrics Id, or m1 for a single-metric alarm); a period without a
row is a missing point.

The alarm starts in INSUFFICIENT_DATA and is evaluated every --every (default one
minute, CloudWatch's cadence) from --from to --to inclusive (defaults: the first
point, and the end of the last point's period). Each evaluation prints
"TIMESTAMP STATE", or one JSON object per line with --json.

Exit status: 0, or 2 when the alarm or the data is invalid.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if alarmFile == "" || dataFile == "" {
				return usageError{errors.New("--alarm and --data are both required")}
			}
			b, err := os.ReadFile(alarmFile)
			if err != nil {
				return usageError{err}
			}
			var a alarms.MetricAlarm
			dec := json.NewDecoder(bytesReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&a); err != nil {
				return usageError{fmt.Errorf("%s: %w", alarmFile, err)}
			}
			if err := a.Validate(); err != nil {
				return usageError{fmt.Errorf("%s: %w", alarmFile, err)}
			}
			f, err := os.Open(dataFile)
			if err != nil {
				return usageError{err}
			}
			defer f.Close()
			series, err := alarms.ReadPoints(f, dataFile)
			if err != nil {
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
			samples, err := alarms.Evaluate(&a, series, start, end, every)
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
	f.StringVar(&alarmFile, "alarm", "", "PutMetricAlarm fields as JSON")
	f.StringVar(&dataFile, "data", "", "timestamp,metric_id,value CSV")
	f.StringVar(&from, "from", "", "first evaluation (RFC 3339)")
	f.StringVar(&to, "to", "", "last evaluation (RFC 3339)")
	f.DurationVar(&every, "every", time.Minute, "time between evaluations")
	f.BoolVar(&asJSON, "json", false, "one JSON object per evaluation")
	return cmd
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
