// Package telemetrytest is the telemetry layer's test kit: validation of
// CloudWatch Embedded Metric Format lines and of log-schema lines, for the
// tests of any function wrapped by package telemetry.
package telemetrytest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
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

// MaxEMFValues is the EMF limit on values per metric array.
const MaxEMFValues = 100

// IsEMF reports whether a log line is an EMF document.
func IsEMF(line []byte) bool { return bytes.HasPrefix(line, []byte(`{"_aws":`)) }

// ValidateEMF checks one line against the EMF specification's schema and
// the rules a schema cannot express: every dimension and metric named in a
// directive is a top-level member of the right type, and arrays hold at
// most 100 values.
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
	for _, set := range dir["Dimensions"].([]any) {
		for _, k := range set.([]any) {
			if _, ok := m[k.(string)].(string); !ok {
				return fmt.Errorf("dimension %v has no string member", k)
			}
		}
	}
	for _, md := range dir["Metrics"].([]any) {
		name := md.(map[string]any)["Name"].(string)
		switch v := m[name].(type) {
		case float64:
		case []any:
			if len(v) > MaxEMFValues {
				return fmt.Errorf("metric %s has %d values", name, len(v))
			}
		case map[string]any:
			vs, _ := v["Values"].([]any)
			cs, _ := v["Counts"].([]any)
			if len(vs) != len(cs) || len(vs) > MaxEMFValues {
				return fmt.Errorf("metric %s: bad distribution", name)
			}
		default:
			return fmt.Errorf("metric %s has no value member", name)
		}
	}
	return nil
}
