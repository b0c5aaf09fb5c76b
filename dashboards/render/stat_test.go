package render

import (
	"errors"
	"math"
	"testing"
)

func TestAggregate(t *testing.T) {
	vals := []float64{5, 1, 4, 2, 3, 10, 6, 7, 9, 8} // 1..10, shuffled
	tests := []struct {
		stat string
		want float64
	}{
		{"Sum", 55}, {"sum", 55}, {"", 55},
		{"Average", 5.5}, {"avg", 5.5},
		{"Minimum", 1}, {"Maximum", 10},
		{"SampleCount", 10},
		{"p50", 5}, {"p90", 9}, {"p99", 10}, {"p10", 1}, {"p0", 1}, {"p100", 10}, {"p99.9", 10}, {"P25", 3},
		{"TC(2:4)", 3}, {"TC(:3)", 3}, {"TC(8:)", 3},
		{"PR(:5)", 50}, {"PR(1:10)", 100},
	}
	for _, tt := range tests {
		got, ok, err := aggregate(tt.stat, vals)
		if err != nil || !ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("aggregate(%q) = %v, %v, %v; want %v", tt.stat, got, ok, err, tt.want)
		}
	}
}

func TestAggregateNoValues(t *testing.T) {
	if _, ok, err := aggregate("Sum", nil); ok || err != nil {
		t.Errorf("no values: ok %v, err %v; want no value and no error", ok, err)
	}
}

func TestAggregateUnsupported(t *testing.T) {
	for _, stat := range []string{"TM(10%:90%)", "TC(10%:90%)", "IQM", "p101", "pX", "TC(a:b)", "TC(5)"} {
		if _, _, err := aggregate(stat, []float64{1}); !errors.Is(err, errStat) {
			t.Errorf("aggregate(%q): err %v, want errStat", stat, err)
		}
	}
}

// A value recorded with a count is that many values (cwalarm.Points
// expands them), so percentiles weigh it.
func TestPercentileWeighsRepeatedValues(t *testing.T) {
	vals := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 100} // 1 with count 9, 100 once
	for stat, want := range map[string]float64{"p50": 1, "p90": 1, "p91": 100, "Average": 10.9} {
		if got, _, _ := aggregate(stat, vals); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", stat, got, want)
		}
	}
}
