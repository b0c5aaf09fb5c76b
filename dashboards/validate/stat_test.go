package validate

import (
	"strings"
	"testing"
)

func TestCheckStat(t *testing.T) {
	for _, s := range []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum", "IQM", "p0", "p50", "p99.9", "p100",
		"p99.1234567890", "tm99", "wm98", "tc90", "ts90", "TM(10%:90%)", "TM(:95%)", "TS(80%:)", "TM(150:1000)",
		"TC(0.005:0.030)", "PR(:300)", "PR(100:2000)", "WM(10%:90%)"} {
		if msg := checkStat(s); msg != "" {
			t.Errorf("%s: %s", s, msg)
		}
	}
	for s, want := range map[string]string{
		"Averag":          "did you mean Average?",
		"average":         "did you mean Average?",
		"P99":             "lowercase: p99",
		"TM99":            "lowercase: tm99",
		"tm(10%:90%)":     "uppercase: TM(10%:90%)",
		"p101":            "101 is over 100",
		"p99.12345678901": "more than 10 decimal places",
		"TM(:)":           "needs a lower or an upper bound",
		"TM(10%:500)":     "mixes a percentage and a value",
		"TM(90%:10%)":     "not below the upper bound",
		"TM(10%:120%)":    "percentages are 0% to 100%",
		"PR(10%:20%)":     "percentile rank takes values",
		"TM(a:b)":         `bound "a" is not a number`,
		"p":               "is not a CloudWatch statistic",
	} {
		if msg := checkStat(s); !strings.Contains(msg, want) {
			t.Errorf("%s: %q, want it to say %q", s, msg, want)
		}
	}
}

func TestCheckPeriod(t *testing.T) {
	for p, ok := range map[int]bool{1: true, 5: true, 10: true, 30: true, 60: true, 300: true, 86400: true, 2592000: true,
		0: false, -60: false, 2: false, 45: false, 90: false, 61: false} {
		if got := checkPeriod(p) == ""; got != ok {
			t.Errorf("period %d: valid %v, want %v", p, got, ok)
		}
	}
}
