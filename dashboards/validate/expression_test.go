package validate

import (
	"slices"
	"testing"
)

func TestMathIDs(t *testing.T) {
	for expr, want := range map[string][]string{
		"100 * completed / started":          {"completed", "started"},
		"SUM(METRICS())":                     nil,
		"FILL(m1, REPEAT) + m1 * 1e-3 + 2E5": {"m1"},
		`SEARCH('{AWS/EC2,InstanceId} MetricName="CPUUtilization"', 'Average', 300)`: nil,
		"IF(errors > 0, errors / invocations_total, 0)":                              {"errors", "invocations_total"},
		"perWorkflow2 + _x": {"perWorkflow2"},
		"'unclosed m1":      nil,
	} {
		if got := mathIDs(expr); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", expr, got, want)
		}
	}
}

func TestFindCycle(t *testing.T) {
	deps := map[string][]string{"a": {"b"}, "b": {"c", "m1"}, "c": {"a"}, "d": {"m1"}}
	if got := findCycle("a", deps); !slices.Equal(got, []string{"a", "b", "c", "a"}) {
		t.Errorf("a: %v", got)
	}
	if got := findCycle("d", deps); got != nil {
		t.Errorf("d: %v, want no cycle", got)
	}
}
