package loadtest

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseThreshold(t *testing.T) {
	for _, tc := range []struct {
		expr, metric, op string
		value            float64
		unit             string
	}{
		{"p(99) < 60s", "p(99)", "<", 60000, "ms"},
		{"p(95) <= 2500ms", "p(95)", "<=", 2500, "ms"},
		{"p(99.9)<1m30s", "p(99.9)", "<", 90000, "ms"},
		{"p(99.0) < 1s", "p(99)", "<", 1000, "ms"},
		{"avg < 1s", "avg", "<", 1000, "ms"},
		{"max < 2m", "max", "<", 120000, "ms"},
		{"max >= 250µs", "max", ">=", 0.25, "ms"},
		{"error_rate < 1%", "error_rate", "<", 1, "%"},
		{"error_rate <= 0.5%", "error_rate", "<=", 0.5, "%"},
		{"dlq == 0", "dlq", "==", 0, "count"},
		{"duplicate_orders == 0", "duplicate_orders", "==", 0, "count"},
		{"duplicate_notifications != 1", "duplicate_notifications", "!=", 1, "count"},
		{"dropped == 0", "dropped", "==", 0, "count"},
		{"  lost > 2 ", "lost", ">", 2, "count"},
	} {
		got, err := ParseThreshold(tc.expr)
		if err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		if got.Metric != tc.metric || got.Op != tc.op || got.Value != tc.value || got.Unit != tc.unit || got.Expr != tc.expr {
			t.Errorf("%q: got %+v", tc.expr, got)
		}
	}
}

func TestParseThresholdErrors(t *testing.T) {
	for _, tc := range []struct {
		expr string
		pos  int
		msg  string
	}{
		{"latency < 1s", 0, `unknown metric "latency"`},
		{"", 0, `unknown metric ""`},
		{"p99 < 1s", 1, "want p(N)"},
		{"p(0) < 1s", 2, `percentile "0": want a number in (0, 100]`},
		{"p(101) < 1s", 2, `percentile "101"`},
		{"p(99 < 1s", 4, "want ) after p(99"},
		{"p(99) 1s", 6, "want an operator"},
		{"p(99) = 1s", 6, "= is not an operator: want =="},
		{"p(99) <", 7, "want a value after the operator"},
		{"p(99) < 60", 8, "p(99) needs a duration with a unit, e.g. 60ms or 60s"},
		{"p(99) < 60x", 8, `"60x" is not a duration`},
		{"avg < 1s and more", 9, `unexpected "and more" after the value`},
		{"error_rate < 0.01", 13, "error_rate needs a percentage in [0, 100], e.g. 1%"},
		{"error_rate < 101%", 13, "percentage"},
		{"dlq == none", 7, `dlq needs a count, e.g. 0; got "none"`},
		{"dlq == -1", 7, "dlq needs a count"},
	} {
		_, err := ParseThreshold(tc.expr)
		var te *ThresholdError
		if !errors.As(err, &te) {
			t.Errorf("%q: want a *ThresholdError, got %v", tc.expr, err)
			continue
		}
		if te.Pos != tc.pos || !strings.Contains(te.Msg, tc.msg) || te.Expr != tc.expr {
			t.Errorf("%q: got position %d, %q; want %d, %q", tc.expr, te.Pos, te.Msg, tc.pos, tc.msg)
		}
		if !strings.Contains(err.Error(), tc.expr) {
			t.Errorf("%q: the error does not name the expression: %v", tc.expr, err)
		}
	}
}

// result is a Result with the given counts and latency summary.
func result() *Result {
	return &Result{
		Valid: true, Scheduled: 200, Started: 200, Completed: 196, Failed: 2, Lost: 2,
		Latency: Summary{Count: 196, Mean: 800, P50: 700, P90: 1100, P95: 1500, P99: 2400, P999: 3000, Max: 3100},
		Stats:   TargetStats{DeadLettered: 1, DuplicateOrders: 0, DuplicateNotifications: 3},
	}
}

func TestThresholdEval(t *testing.T) {
	for _, tc := range []struct {
		expr  string
		value float64
		pass  bool
	}{
		{"p(99) < 2500ms", 2400, true},
		{"p(99) < 2400ms", 2400, false},
		{"p(99) <= 2400ms", 2400, true},
		{"p(95) < 1s", 1500, false},
		{"p(50) > 500ms", 700, true},
		{"p(99.9) < 3s", 3000, false},
		{"avg < 1s", 800, true},
		{"max < 3s", 3100, false},
		{"error_rate < 1%", 2, false}, // (2 failed + 2 lost) / 200
		{"error_rate < 2.5%", 2, true},
		{"dlq == 0", 1, false},
		{"duplicate_orders == 0", 0, true},
		{"duplicate_notifications <= 3", 3, true},
		{"dropped == 0", 0, true},
		{"lost == 0", 2, false},
		{"lost != 0", 2, true},
	} {
		th, err := ParseThreshold(tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		th.Source = SourceProfile
		got, err := th.Eval(result())
		if err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		want := ThresholdResult{Expr: tc.expr, Value: tc.value, Unit: th.Unit, Pass: tc.pass, Source: SourceProfile}
		if got != want {
			t.Errorf("%q: got %+v, want %+v", tc.expr, got, want)
		}
	}
}

func TestErrorRate(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want float64
	}{
		{Result{Started: 100, Failed: 1}, 1},
		{Result{Started: 100, Lost: 3}, 3},
		{Result{Started: 90, StartErrs: 10, Failed: 5}, 15}, // a refused start is a failure
		{Result{}, 100}, // nothing attempted: nothing shown to work
	} {
		if got := errorRate(&tc.r); got != tc.want {
			t.Errorf("%+v: error rate %v, want %v", tc.r, got, tc.want)
		}
	}
}

// Any percentile is evaluated on the run's histogram; a result read back
// has only the Summary's.
func TestThresholdEvalPercentiles(t *testing.T) {
	th, err := ParseThreshold("p(97) < 1s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := th.Eval(result()); err == nil || !strings.Contains(err.Error(), "has no p(97)") {
		t.Errorf("want an error for a percentile the summary lacks, got %v", err)
	}
	h := newHistogram()
	for i := 1; i <= 100; i++ {
		h.record(time.Duration(i) * 10 * time.Millisecond)
	}
	got, err := th.eval(&measured{r: result(), latency: h})
	if err != nil || math.Abs(got.Value-970) > 970*0.001 || !got.Pass { // HDR: 3 significant digits
		t.Errorf("p(97) of 10..1000 ms: %+v, %v", got, err)
	}
}

func TestDefaultThresholdsFromSLOs(t *testing.T) {
	ds, err := LoadDefaultThresholds("../alarms/slos.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Expr)
		if d.Source != SourceSLOs {
			t.Errorf("%q: source %q", d.Expr, d.Source)
		}
	}
	// workflow-latency: objective 99, threshold_ms 120000; workflow-success: objective 99.
	want := []string{"p(99) < 120s", "error_rate < 1%", "dlq == 0", "duplicate_orders == 0"}
	if !slices.Equal(got, want) {
		t.Errorf("defaults %q, want %q", got, want)
	}
	if _, err := LoadDefaultThresholds("testdata/missing-slos.yaml"); err == nil {
		t.Error("a missing SLO file gave defaults")
	}
}

func TestMergeThresholds(t *testing.T) {
	ds, err := LoadDefaultThresholds("../alarms/slos.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := mustProfile(t, validPhases+"thresholds: [\"p(99) < 60s\", \"lost == 0\", \"p(95) < 30s\"]\n")
	var got []string
	for _, th := range MergeThresholds(ds, p.Thresholds) {
		got = append(got, th.Source+": "+th.Expr)
	}
	want := []string{
		"slos.yaml: error_rate < 1%", "slos.yaml: dlq == 0", "slos.yaml: duplicate_orders == 0",
		"profile: p(99) < 60s", "profile: lost == 0", "profile: p(95) < 30s",
	}
	if !slices.Equal(got, want) {
		t.Errorf("merged\n%q\nwant\n%q", got, want)
	}
}

func TestPassed(t *testing.T) {
	r := result()
	r.Thresholds = []ThresholdResult{{Pass: true}, {Pass: true}}
	if !r.Passed() {
		t.Error("valid, all passing: not passed")
	}
	r.Thresholds[1].Pass = false
	if r.Passed() {
		t.Error("a failing threshold passed")
	}
	r.Thresholds[1].Pass, r.Valid = true, false
	if r.Passed() {
		t.Error("an invalid run passed")
	}
}

func TestEvaluate(t *testing.T) {
	ts := []Threshold{}
	for _, e := range []string{"lost == 0", "p(97) < 1s", "dlq == 0"} {
		th, err := ParseThreshold(e)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, th)
	}
	got, err := Evaluate(result(), ts)
	if err == nil || len(got) != 2 || got[0].Expr != "lost == 0" || got[1].Expr != "dlq == 0" {
		t.Errorf("want the two that evaluate and an error for p(97): %+v, %v", got, err)
	}
}

func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"p(99) < 60s", "error_rate < 1%", "dlq == 0", "avg<=1m30s", "p(99.9) != 5ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		th, err := ParseThreshold(expr)
		var te *ThresholdError
		switch {
		case errors.As(err, &te):
			if te.Pos < 0 || te.Pos > len(expr) {
				t.Fatalf("%q: position %d outside the expression", expr, te.Pos)
			}
		case err != nil:
			t.Fatalf("%q: not a *ThresholdError: %v", expr, err)
		default:
			if _, err := th.eval(&measured{r: result(), latency: newHistogram()}); err != nil {
				t.Fatalf("%q parses but does not evaluate: %v", expr, err)
			}
		}
	})
}
