package svgchart

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStep(t *testing.T) {
	for _, tc := range []struct{ raw, want float64 }{
		{1, 1}, {1.2, 2}, {2, 2}, {2.1, 5}, {4.9, 5}, {5.01, 10}, {8800, 10000}, {27.4, 50}, {0.04, 0.05},
		{0.1 * 3 / 1.5, 0.2}, // 0.20000000000000004: the tolerance keeps it at 0.2
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {math.Inf(1), 1},
	} {
		if got := Step(tc.raw); got != tc.want {
			t.Errorf("Step(%v) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 2, 5, []float64{0, 0.5, 1, 1.5, 2}},
		{0, 44000, 5, []float64{0, 10000, 20000, 30000, 40000, 50000}},
		{0, 137, 5, []float64{0, 50, 100, 150}},
		{0, 25, 5, []float64{0, 5, 10, 15, 20, 25}},
		{-3, 7, 4, []float64{-5, 0, 5, 10}},                         // from the step at or below lo
		{0.3, 0.9, 6, []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}}, // 0.3 is a tick, not 0.2
		{0, 1, 0, []float64{0, 1}},                                  // n < 1 asks for one step
		{5, 5, 4, []float64{5, 5.5, 6}},                             // hi not above lo: lo+1
		{0, math.NaN(), 2, []float64{0, 0.5, 1}},
	} {
		got := Ticks(tc.lo, tc.hi, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("Ticks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("Ticks(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
				break
			}
		}
	}
}

func TestTimeStep(t *testing.T) {
	for _, tc := range []struct {
		span time.Duration
		n    int
		want time.Duration
	}{
		{90 * time.Second, 8, 15 * time.Second},
		{10 * time.Minute, 8, 2 * time.Minute},
		{2 * time.Hour, 6, 30 * time.Minute},
		{20 * time.Hour, 8, 3 * time.Hour},
		{900 * time.Millisecond, 8, 200 * time.Millisecond},
		{0, 8, time.Millisecond},
		{90 * 24 * time.Hour, 8, 24 * time.Hour}, // the longest when none gives n
	} {
		if got := TimeStep(tc.span, tc.n); got != tc.want {
			t.Errorf("TimeStep(%v, %d) = %v, want %v", tc.span, tc.n, got, tc.want)
		}
	}
}

func TestLinear(t *testing.T) {
	a := Area{Left: 10, Top: 20, Right: 110, Bottom: 220}
	y := a.Y(0, 50)
	if got := []float64{y.At(0), y.At(25), y.At(50)}; !reflect.DeepEqual(got, []float64{220, 120, 20}) {
		t.Errorf("y: %v", got)
	}
	x := a.X(-1, 1)
	if got := []float64{x.At(-1), x.At(0), x.At(1)}; !reflect.DeepEqual(got, []float64{10, 60, 110}) {
		t.Errorf("x: %v", got)
	}
	if got := a.X(3, 3).At(7); got != 60 {
		t.Errorf("an empty range maps to the middle, got %v", got)
	}
}

func TestDrawing(t *testing.T) {
	var b strings.Builder
	a := Area{Left: 58, Top: 12, Right: 290, Bottom: 150}
	a.Frame(&b)
	st := Style{FontSize: 10, CharWidth: 6.2, YLabelDy: 3, TickLen: 3, XLabelDy: 15}
	st.YAxis(&b, a, a.Y(0, 10), []float64{0, 10}, func(v float64) string { return "<" + string(rune('0'+int(v)/10)) })
	st.XTick(&b, a, 100, "15:04", 300)
	st.XTick(&b, a, 298, "15:05", 300) // would stick out
	want := `<rect class="plot" x="52" y="6" width="244" height="150" fill="#ffffff" stroke="#c5c6c7" stroke-width="2" shape-rendering="crispEdges"/>` +
		`<line x1="58.0" y1="150.0" x2="290.0" y2="150.0" stroke="#ececec"/><text x="48.0" y="153.0" text-anchor="end" font-size="10" fill="#555555">&lt;0</text>` +
		`<line x1="58.0" y1="12.0" x2="290.0" y2="12.0" stroke="#ececec"/><text x="48.0" y="15.0" text-anchor="end" font-size="10" fill="#555555">&lt;1</text>` +
		`<line x1="100.0" y1="157.0" x2="100.0" y2="160.0" stroke="#555555"/><text x="100.0" y="171.0" text-anchor="middle" font-size="10" fill="#555555">15:04</text>`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if got := Points([]Point{{1, 2.25}, {3.5, 4}}, 1); got != "1.0,2.2 3.5,4.0" {
		t.Errorf("Points: %s", got)
	}
}
