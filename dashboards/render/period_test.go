package render

import (
	"testing"
	"time"
)

func TestChoosePeriod(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name            string
		requested, span time.Duration
		min             int
		want            time.Duration
	}{
		{"a local run of 401 ms", 300 * time.Second, 401 * ms, 20, 20 * ms},
		{"a local run of 2 s", 300 * time.Second, 2 * time.Second, 20, 100 * ms},
		{"five days hold 5-minute periods", 300 * time.Second, 5 * 24 * time.Hour, 20, 300 * time.Second},
		{"exactly the minimum", 30 * time.Second, 10 * time.Minute, 20, 30 * time.Second},
		{"one short of it", 60 * time.Second, 19 * time.Minute, 20, 30 * time.Second},
		{"shorter than any step", 300 * time.Second, 5 * ms, 20, ms},
		{"a single instant keeps the request", 300 * time.Second, 0, 20, 300 * time.Second},
		{"no request: 300 s", 0, 10 * 24 * time.Hour, 20, 300 * time.Second},
		{"no minimum: the default", 300 * time.Second, 401 * ms, 0, 20 * ms},
		{"never longer than asked", 10 * ms, time.Hour, 20, 10 * ms},
		{"a fine request is shortened too", 1 * time.Second, 401 * ms, 20, 20 * ms},
	}
	for _, tt := range tests {
		if got := choosePeriod(tt.requested, tt.span, tt.min); got != tt.want {
			t.Errorf("%s: choosePeriod(%v, %v, %d) = %v, want %v", tt.name, tt.requested, tt.span, tt.min, got, tt.want)
		}
	}
}

// Over spans from milliseconds to days the rule gives at least the
// minimum number of periods, with the longest step that does.
func TestPeriodRuleHoldsMinPoints(t *testing.T) {
	for span := 3 * time.Millisecond; span < 48*time.Hour; span = span*3/2 + time.Millisecond {
		p := choosePeriod(DefaultPeriod, span, DefaultMinPoints)
		if p > steps[0] && span/p < DefaultMinPoints {
			t.Errorf("span %v: period %v gives %d periods, want at least %d", span, p, span/p, DefaultMinPoints)
		}
		for _, s := range steps {
			if s > p && s < DefaultPeriod && span/s >= DefaultMinPoints {
				t.Errorf("span %v: period %v, but the longer %v also gives %d periods", span, p, s, DefaultMinPoints)
			}
		}
	}
}

func TestFmtDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{300 * time.Second: "5m", 20 * time.Millisecond: "20ms", time.Hour: "1h",
		30 * time.Second: "30s", 1500 * time.Microsecond: "1.5ms", 0: "0s"} {
		if got := fmtDuration(d); got != want {
			t.Errorf("fmtDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
