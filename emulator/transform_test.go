package emulator

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

const transformEvent = `{"version":"0","id":"e1","detail-type":"WorkflowFailed","source":"alchemiser.execution",` +
	`"detail":{"step":"execution","orders":[{"symbol":"SPY"}],"metadata":{"correlation_id":"C1"}}}`

func TestTargetInputForms(t *testing.T) {
	rule := &topology.Rule{Name: "r", ARN: "arn:aws:events:us-east-1:0:rule/bus/r"}
	for _, c := range []struct {
		name   string
		target topology.Target
		want   string
	}{
		{"whole event", topology.Target{}, transformEvent},
		{"constant Input", topology.Target{Input: `{"fixed":true}`}, `{"fixed":true}`},
		{"InputPath", topology.Target{InputPath: "$.detail.metadata"}, `{"correlation_id":"C1"}`},
		{"InputPath with an index", topology.Target{InputPath: "$.detail.orders[0].symbol"}, `"SPY"`},
		{"InputTransformer", topology.Target{Transformer: &topology.InputTransformer{
			PathsMap: map[string]string{"step": "$.detail.step", "corr": "$.detail.metadata.correlation_id", "none": "$.detail.nothing"},
			Template: `{"text": "workflow <corr> failed at <step>", "step": <step>, "rule": <aws.events.rule-name>, "missing": <none>, "kept": "<unknown>"}`}},
			`{"text": "workflow C1 failed at execution", "step": "execution", "rule": "r", "missing": null, "kept": "<unknown>"}`},
	} {
		got, err := transform(c.target, rule, []byte(transformEvent), time.Now())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		if !json.Valid(got) {
			t.Errorf("%s: not JSON: %s", c.name, got)
		}
	}
	if _, err := transform(topology.Target{InputPath: "detail"}, rule, []byte(transformEvent), time.Now()); err == nil || !strings.Contains(err.Error(), "must start with $") {
		t.Errorf("a bad InputPath: %v", err)
	}
}
