// Package telemetrytest is the telemetry layer's test kit: validation of
// CloudWatch Embedded Metric Format lines and of log-schema lines, for the
// tests of any function wrapped by package telemetry.
package telemetrytest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed emf.schema.json
var emfSchemaJSON []byte

var emfSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(emfSchemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("emf.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("emf.json")
})

// Limits of an EMF document that its JSON schema cannot express, from the
// specification
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
// and the CloudWatch API it feeds (API_Dimension, API_MetricDatum).
const (
	// MaxEMFValues is the EMF limit on values per metric array.
	MaxEMFValues = 100
	// MaxDimensionValue is a dimension value's limit in characters.
	MaxDimensionValue = 1024
)

// maxValue bounds a metric value: CloudWatch refuses values beyond ±2^360
// (API_MetricDatum).
var maxValue = math.Ldexp(1, 360)

// IsEMF reports whether a log line is an EMF document.
func IsEMF(line []byte) bool { return bytes.HasPrefix(line, []byte(`{"_aws":`)) }

// ValidateEMF checks one line against the EMF specification's schema
// (emf.schema.json: the specification's, with metric names of 1 to 255
// characters, units from CloudWatch's list and dimension sets of at most
// 30 keys) and the rules a schema cannot express:
//
//   - every dimension named in a directive is a top-level string member of
//     1 to 1024 printable ASCII characters, not all whitespace
//     (API_Dimension), and no name is both a dimension and a metric;
//   - every metric is a top-level member: a number, an array of at most
//     100 numbers, or a distribution in the form the collector's
//     awsemfexporter writes, {"Values", "Counts", "Max", "Min", "Count",
//     "Sum"}: as many counts as values (at most 100), counts not
//     negative, Count their sum, Min <= every value <= Max;
//   - every number is finite and within ±2^360 (API_MetricDatum).
func ValidateEMF(line []byte) (map[string]any, error) {
	schema, err := emfSchema()
	if err != nil {
		return nil, fmt.Errorf("could not compile the EMF schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if err := schema.Validate(inst); err != nil {
		return nil, fmt.Errorf("invalid EMF: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, err
	}
	for _, d := range m["_aws"].(map[string]any)["CloudWatchMetrics"].([]any) {
		if err := checkDirective(m, d.(map[string]any)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func checkDirective(m, dir map[string]any) error {
	dims := map[string]bool{}
	for _, set := range dir["Dimensions"].([]any) {
		for _, k := range set.([]any) {
			name := k.(string)
			dims[name] = true
			if err := checkDimensionValue(name, m[name]); err != nil {
				return err
			}
		}
	}
	for _, md := range dir["Metrics"].([]any) {
		name := md.(map[string]any)["Name"].(string)
		if dims[name] {
			return fmt.Errorf("%s is both a dimension and a metric", name)
		}
		if err := checkMetricValue(name, m[name]); err != nil {
			return err
		}
	}
	return nil
}

func checkDimensionValue(name string, v any) error {
	s, ok := v.(string)
	switch {
	case !ok:
		return fmt.Errorf("dimension %s has no string member", name)
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("dimension %s has an empty or blank value %q", name, s)
	case len(s) > MaxDimensionValue:
		return fmt.Errorf("dimension %s has a value of %d characters (at most %d)", name, len(s), MaxDimensionValue)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return fmt.Errorf("dimension %s has a value with a control or non-ASCII character: %q", name, s)
		}
	}
	return nil
}

func checkMetricValue(name string, v any) error {
	switch v := v.(type) {
	case float64:
		return checkNumbers(name, v)
	case []any:
		if len(v) > MaxEMFValues {
			return fmt.Errorf("metric %s has %d values (at most %d)", name, len(v), MaxEMFValues)
		}
		return checkNumbers(name, v...)
	case map[string]any:
		return checkDistribution(name, v)
	}
	return fmt.Errorf("metric %s has no value member", name)
}

func checkNumbers(name string, vs ...any) error {
	for _, x := range vs {
		f, ok := x.(float64)
		if !ok {
			return fmt.Errorf("metric %s has a value that is not a number: %v", name, x)
		}
		if math.Abs(f) > maxValue {
			return fmt.Errorf("metric %s has a value beyond ±2^360: %v", name, f)
		}
	}
	return nil
}

// checkDistribution checks the awsemfexporter's form (cWMetricHistogram
// in opentelemetry-collector-contrib, exporter/awsemfexporter).
func checkDistribution(name string, d map[string]any) error {
	for _, k := range []string{"Values", "Counts", "Max", "Min", "Count", "Sum"} {
		if _, ok := d[k]; !ok {
			return fmt.Errorf("metric %s: distribution without %s", name, k)
		}
	}
	vs, okv := d["Values"].([]any)
	cs, okc := d["Counts"].([]any)
	if !okv || !okc || len(vs) != len(cs) || len(vs) > MaxEMFValues {
		return fmt.Errorf("metric %s: Values and Counts must be arrays of the same length, at most %d", name, MaxEMFValues)
	}
	if err := checkNumbers(name, append(append([]any{d["Max"], d["Min"], d["Count"], d["Sum"]}, vs...), cs...)...); err != nil {
		return err
	}
	lo, hi, total := d["Min"].(float64), d["Max"].(float64), 0.0
	for i, c := range cs {
		if c.(float64) < 0 {
			return fmt.Errorf("metric %s: negative count %v", name, c)
		}
		total += c.(float64)
		if x := vs[i].(float64); x < lo || x > hi {
			return fmt.Errorf("metric %s: value %v outside [Min %v, Max %v]", name, x, lo, hi)
		}
	}
	if total != d["Count"].(float64) {
		return fmt.Errorf("metric %s: Count %v is not the sum of Counts (%v)", name, d["Count"], total)
	}
	return nil
}
