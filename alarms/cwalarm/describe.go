package cwalarm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// DescribeAlarmsOutput is DescribeAlarms' response as the AWS CLI prints
// it (aws cloudwatch describe-alarms --output json): the metric alarms,
// the composite alarms, and a NextToken when the CLI stopped early
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
// It is AWS's output, read leniently: a field AWS adds is ignored.
type DescribeAlarmsOutput struct {
	MetricAlarms    []DescribedMetricAlarm
	CompositeAlarms []DescribedCompositeAlarm
	NextToken       string `json:",omitempty"`
}

// DescribedMetricAlarm is a metric alarm as DescribeAlarms returns it
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html):
// its configuration, which MetricAlarm converts for the evaluator, and its
// state, which the evaluator does not use.
type DescribedMetricAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string
	AlarmConfigurationUpdatedTimestamp *Timestamp
	ActionsEnabled                     *bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         State
	StateReason                        string
	StateReasonData                    string // JSON, as a string
	StateUpdatedTimestamp              *Timestamp
	StateTransitionedTimestamp         *Timestamp
	EvaluationState                    string // PARTIAL_DATA when too many metrics matched
	MetricName                         string
	Namespace                          string
	Statistic                          string
	ExtendedStatistic                  string
	Dimensions                         []Dimension
	Period                             int
	Unit                               string
	EvaluationPeriods                  int
	DatapointsToAlarm                  int
	Threshold                          *float64
	ComparisonOperator                 string
	TreatMissingData                   string
	EvaluateLowSampleCountPercentile   string
	Metrics                            []DescribedMetricQuery
	ThresholdMetricId                  string // an anomaly detection band's id
}

// DescribedMetricQuery is an entry of a metric alarm's Metrics
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html).
type DescribedMetricQuery struct {
	Id         string
	MetricStat *DescribedMetricStat
	Expression string
	Label      string
	ReturnData *bool
	Period     int
	AccountId  string
}

// DescribedMetricStat is a DescribedMetricQuery's metric, statistic and
// period.
type DescribedMetricStat struct {
	Metric struct {
		Namespace  string
		MetricName string
		Dimensions []Dimension
	}
	Period int
	Stat   string
	Unit   string
}

// Dimension is a metric dimension.
type Dimension struct {
	Name, Value string
}

// DescribedCompositeAlarm is a composite alarm as DescribeAlarms returns
// it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html).
type DescribedCompositeAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string
	AlarmRule                          string
	AlarmConfigurationUpdatedTimestamp *Timestamp
	ActionsEnabled                     *bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         State
	StateReason                        string
	StateReasonData                    string
	StateUpdatedTimestamp              *Timestamp
	StateTransitionedTimestamp         *Timestamp
	ActionsSuppressedBy                string // WaitPeriod, ExtensionPeriod or Alarm
	ActionsSuppressedReason            string
	ActionsSuppressor                  string
	ActionsSuppressorWaitPeriod        int
	ActionsSuppressorExtensionPeriod   int
}

// Rule parses the composite alarm's AlarmRule.
func (c *DescribedCompositeAlarm) Rule() (*Rule, error) {
	r, err := ParseRule(c.AlarmRule)
	if err != nil {
		return nil, fmt.Errorf("alarm %s: %w", c.AlarmName, err)
	}
	return r, nil
}

// Timestamp is a time the AWS CLI prints: ISO 8601 text (its default,
// cli_timestamp_format iso8601, and the wire format of the query
// protocol), or epoch seconds (cli_timestamp_format none with a JSON
// protocol).
type Timestamp struct{ time.Time }

// UnmarshalJSON reads either form.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("timestamp %s is neither ISO 8601 text nor epoch seconds", b)
		}
		t.Time = time.UnixMilli(int64(f * 1000)).UTC()
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp %q is not ISO 8601 (RFC 3339)", s)
	}
	t.Time = v
	return nil
}

// MetricAlarm converts the alarm for the evaluator, or says what in it the
// evaluator does not model (anomaly detection, percentiles).
func (d *DescribedMetricAlarm) MetricAlarm() (*MetricAlarm, error) {
	if d.ThresholdMetricId != "" {
		return nil, fmt.Errorf("alarm %s: an anomaly detection alarm (ThresholdMetricId %s) is not modelled", d.AlarmName, d.ThresholdMetricId)
	}
	a := &MetricAlarm{AlarmName: d.AlarmName, Period: d.Period, EvaluationPeriods: d.EvaluationPeriods,
		DatapointsToAlarm: d.DatapointsToAlarm, ComparisonOperator: d.ComparisonOperator,
		TreatMissingData: d.TreatMissingData, Namespace: d.Namespace, MetricName: d.MetricName, Statistic: d.Statistic}
	if d.Threshold != nil {
		a.Threshold = *d.Threshold
	}
	if d.ExtendedStatistic != "" {
		a.Statistic = d.ExtendedStatistic // a TC(lo:hi) is evaluated; Validate refuses percentiles
	}
	for _, q := range d.Metrics {
		m := MetricQuery{Id: q.Id, Expression: q.Expression, ReturnData: q.ReturnData, Period: q.Period}
		if s := q.MetricStat; s != nil {
			m.MetricStat = &MetricStat{Period: s.Period, Stat: s.Stat}
			m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName = s.Metric.Namespace, s.Metric.MetricName
		}
		a.Metrics = append(a.Metrics, m)
	}
	return a, nil
}

// Names lists the alarms, metric alarms first, in the document's order.
func (o *DescribeAlarmsOutput) Names() []string {
	var names []string
	for _, a := range o.MetricAlarms {
		names = append(names, a.AlarmName)
	}
	for _, a := range o.CompositeAlarms {
		names = append(names, a.AlarmName)
	}
	return names
}

// ErrNoSuchAlarm is Find's error when no alarm has the name, or when the
// document holds several and no name was given.
var ErrNoSuchAlarm = errors.New("no such alarm")

// Find returns the alarm named name: a metric alarm or a composite one. An
// empty name finds the only alarm of a document that holds one. Any other
// case is an ErrNoSuchAlarm error that lists the names.
func (o *DescribeAlarmsOutput) Find(name string) (*DescribedMetricAlarm, *DescribedCompositeAlarm, error) {
	names := o.Names()
	switch {
	case name == "" && len(names) == 1 && len(o.MetricAlarms) == 1:
		return &o.MetricAlarms[0], nil, nil
	case name == "" && len(names) == 1:
		return nil, &o.CompositeAlarms[0], nil
	case name == "" && len(names) == 0:
		return nil, nil, fmt.Errorf("%w: the document holds no alarm", ErrNoSuchAlarm)
	case name == "":
		return nil, nil, fmt.Errorf("%w: the document holds %d alarms, name one: %s", ErrNoSuchAlarm, len(names), listNames(names))
	}
	for i := range o.MetricAlarms {
		if o.MetricAlarms[i].AlarmName == name {
			return &o.MetricAlarms[i], nil, nil
		}
	}
	for i := range o.CompositeAlarms {
		if o.CompositeAlarms[i].AlarmName == name {
			return nil, &o.CompositeAlarms[i], nil
		}
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%w: no alarm named %q: the document holds none", ErrNoSuchAlarm, name)
	}
	return nil, nil, fmt.Errorf("%w: no alarm named %q; the document holds %s", ErrNoSuchAlarm, name, listNames(names))
}

// listNames quotes the names, the first 20 of them.
func listNames(names []string) string {
	const most = 20
	q := make([]string, 0, min(len(names), most))
	for _, n := range names[:min(len(names), most)] {
		q = append(q, strconv.Quote(n))
	}
	s := strings.Join(q, ", ")
	if len(names) > most {
		s += fmt.Sprintf(" and %d more", len(names)-most)
	}
	return s
}

// describedKeys are keys only DescribeAlarms' output has: an object with
// one of them is an alarm as AWS returns it.
var describedKeys = []string{"AlarmArn", "StateValue", "StateUpdatedTimestamp", "AlarmConfigurationUpdatedTimestamp"}

// ReadDescribeAlarms reads what aws cloudwatch describe-alarms --output
// json prints: the whole document, or a part of it a --query selected (one
// alarm, or a list of alarms). Fields AWS adds are ignored. Input that is
// none of these, or an alarm without AlarmName, is an error naming the
// file (name) and, for malformed JSON, the line and column.
func ReadDescribeAlarms(r io.Reader, name string) (*DescribeAlarmsOutput, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", name, err)
	}
	out, ok, err := decodeDescribed(name, b)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%s: not the output of aws cloudwatch describe-alarms (an object with MetricAlarms and CompositeAlarms, or alarms with AlarmArn)", name)
	}
	return out, nil
}

// decodeDescribed reads b as describe-alarms output; ok is false when it
// is not that (but is JSON).
func decodeDescribed(name string, b []byte) (out *DescribeAlarmsOutput, ok bool, err error) {
	out = &DescribeAlarmsOutput{}
	switch top := bytes.TrimLeft(b, " \t\r\n"); {
	case len(top) > 0 && top[0] == '{':
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return nil, false, jsonError(name, b, err)
		}
		switch {
		case fields["MetricAlarms"] != nil || fields["CompositeAlarms"] != nil:
			err = json.Unmarshal(b, out)
		case hasAny(fields, describedKeys):
			err = addAlarm(out, fields, b)
		default:
			return nil, false, nil
		}
		if err != nil {
			return nil, true, jsonError(name, b, err)
		}
	case len(top) > 0 && top[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, false, jsonError(name, b, err)
		}
		for i, e := range list {
			var fields map[string]json.RawMessage
			if json.Unmarshal(e, &fields) != nil || !hasAny(fields, describedKeys) {
				return nil, false, nil
			}
			if err := addAlarm(out, fields, e); err != nil {
				return nil, true, fmt.Errorf("%s: alarm %d of the list: %w", name, i+1, err)
			}
		}
	default:
		if !json.Valid(b) {
			var v any
			return nil, false, jsonError(name, b, json.Unmarshal(b, &v))
		}
		return nil, false, nil
	}
	return out, true, out.check(name)
}

// addAlarm appends the alarm b holds (its fields): composite when it has
// an AlarmRule.
func addAlarm(out *DescribeAlarmsOutput, fields map[string]json.RawMessage, b []byte) error {
	if _, composite := fields["AlarmRule"]; composite {
		out.CompositeAlarms = append(out.CompositeAlarms, DescribedCompositeAlarm{})
		return json.Unmarshal(b, &out.CompositeAlarms[len(out.CompositeAlarms)-1])
	}
	out.MetricAlarms = append(out.MetricAlarms, DescribedMetricAlarm{})
	return json.Unmarshal(b, &out.MetricAlarms[len(out.MetricAlarms)-1])
}

// check refuses alarms without a name: AWS always returns one.
func (o *DescribeAlarmsOutput) check(name string) error {
	for i, a := range o.MetricAlarms {
		if a.AlarmName == "" {
			return fmt.Errorf("%s: MetricAlarms[%d] has no AlarmName: not the output of aws cloudwatch describe-alarms", name, i)
		}
	}
	for i, a := range o.CompositeAlarms {
		if a.AlarmName == "" {
			return fmt.Errorf("%s: CompositeAlarms[%d] has no AlarmName: not the output of aws cloudwatch describe-alarms", name, i)
		}
	}
	return nil
}

func hasAny(m map[string]json.RawMessage, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// ReadAlarm reads one metric alarm for Evaluate: the fields of a
// PutMetricAlarm request as JSON (strictly: an unknown field is an error,
// as in any configuration we write), or describe-alarms output as
// ReadDescribeAlarms reads it (leniently: it is AWS's), from which
// alarmName selects the alarm (it may be empty when there is one). The
// alarm is validated. A composite alarm is an error: it has no data of
// its own.
func ReadAlarm(r io.Reader, name, alarmName string) (*MetricAlarm, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", name, err)
	}
	out, described, err := decodeDescribed(name, b)
	if err != nil {
		return nil, err
	}
	if !described {
		return readPutMetricAlarm(name, b, alarmName)
	}
	m, c, err := out.Find(alarmName)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if c != nil {
		return nil, fmt.Errorf("%s: alarm %s is a composite alarm (%s): evaluate its metric alarms", name, c.AlarmName, c.AlarmRule)
	}
	a, err := m.MetricAlarm()
	if err == nil {
		err = a.Validate()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

func readPutMetricAlarm(name string, b []byte, alarmName string) (*MetricAlarm, error) {
	var a MetricAlarm
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("%w (want PutMetricAlarm fields, or the output of aws cloudwatch describe-alarms)", jsonError(name, b, err))
	}
	if alarmName != "" && a.AlarmName != alarmName {
		return nil, fmt.Errorf("%s: %w: no alarm named %q; the file holds %q", name, ErrNoSuchAlarm, alarmName, a.AlarmName)
	}
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &a, nil
}

// jsonError names the file, and the line and column when encoding/json
// gives an offset into b.
func jsonError(name string, b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // the offending byte
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return fmt.Errorf("%s: %w", name, err)
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
}
