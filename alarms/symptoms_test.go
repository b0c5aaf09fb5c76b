package alarms

import (
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// The near-timeout alarms fire at 80% of each function's Timeout in
// template.yaml, whether its own or the Globals'.
func TestNearTimeoutFollowsTheTemplate(t *testing.T) {
	sp := spec(t)
	if len(sp.Functions) != 5 {
		t.Fatalf("%d functions from the template, want 5", len(sp.Functions))
	}
	thresholds := map[string]float64{}
	for _, s := range Symptoms(sp) {
		if s.MetricName == "Duration" {
			thresholds[s.Name] = s.Threshold
		}
	}
	template := map[string]time.Duration{"scheduler": time.Minute, "strategy": 2 * time.Minute, "execution": 5 * time.Minute}
	for _, f := range sp.Functions {
		name := topology.FunctionName(f.LogicalID)
		if got := thresholds[name+"-near-timeout"]; got != 0.8*float64(f.Timeout/time.Millisecond) {
			t.Errorf("%s: near-timeout threshold %v ms for a %v timeout", name, got, f.Timeout)
		}
		if d, ok := template[name]; ok && f.Timeout != d {
			t.Errorf("%s: timeout %v, template.yaml says %v", name, f.Timeout, d)
		}
	}
}
