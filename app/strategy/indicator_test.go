package strategy

import (
	"errors"
	"math"
	"testing"
)

// stockChartsCloses is the worked example of StockCharts ChartSchool's
// "Relative Strength Index (RSI)" page (Wilder's 14-day RSI); the expected
// values are the RSI column of its spreadsheet, rounded to 2 decimals.
var stockChartsCloses = []float64{
	44.3389, 44.0902, 44.1497, 43.6124, 44.2778, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826,
	45.8931, 46.0328, 45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439,
	46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672,
	43.4205, 42.6628, 43.1314,
}

var stockChartsRSI = []float64{
	70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46,
	41.87, 45.46, 37.30, 33.08, 37.77,
}

func TestRSIMatchesStockChartsWorkedExample(t *testing.T) {
	for i, want := range stockChartsRSI {
		closes := stockChartsCloses[:15+i]
		got := rsi(closes, 14)
		if math.Abs(got-want) > 0.005 {
			t.Errorf("RSI after %d closes = %.4f, want %.2f", len(closes), got, want)
		}
	}
}

func TestIndicatorsAgainstHandComputedValues(t *testing.T) {
	cases := []struct {
		name   string
		closes []float64
		window int
		want   float64
	}{
		// Changes +1 +1 -1 +1; seed gain 1 loss 0; then 0.5/0.5; then 0.75/0.25: RS 3.
		{"rsi", []float64{1, 2, 3, 2, 3}, 2, 75},
		{"rsi", []float64{5, 5, 5}, 2, 50},
		{"rsi", []float64{1, 2, 3}, 2, 100},
		{"current-price", []float64{3, 4, 7.5}, 0, 7.5},
		{"moving-average-price", []float64{100, 1, 2, 3, 6}, 4, 3},
		// alpha 2/3, seed (1+2)/2 = 1.5, then 2.5, 3.5, 4.5.
		{"exponential-moving-average-price", []float64{1, 2, 3, 4, 5}, 2, 4.5},
		{"cumulative-return", []float64{999, 80, 90, 100}, 2, 25},
		// Returns +10% and -10%: mean 0, population sd 10%.
		{"stdev-return", []float64{7, 100, 110, 99}, 2, 10},
		// Peak 120 then 90: 25%; the earlier 200 is outside the window.
		{"max-drawdown", []float64{200, 100, 120, 90, 110}, 4, 25},
		{"max-drawdown", []float64{1, 2, 3}, 3, 0},
	}
	for _, c := range cases {
		got, err := Indicator{Name: c.name, Window: c.window}.Value(c.closes)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s(%v, %d) = %v, want %v", c.name, c.closes, c.window, got, c.want)
		}
	}
}

// The EMA's recursion equals a weighted sum with geometric weights; this
// computes it that way, independently of the implementation's loop.
func TestEMAEqualsClosedForm(t *testing.T) {
	closes := []float64{10, 11, 12, 11.5, 13, 12.2, 14, 13.1, 15}
	w := 3
	alpha := 2.0 / float64(w+1)
	seed := (10 + 11 + 12) / 3.0
	rest := closes[w:]
	want := math.Pow(1-alpha, float64(len(rest))) * seed
	for i, x := range rest {
		want += alpha * math.Pow(1-alpha, float64(len(rest)-1-i)) * x
	}
	if got := ema(closes, w); math.Abs(got-want) > 1e-9 {
		t.Errorf("ema = %v, want %v", got, want)
	}
}

func TestIndicatorNeedsEnoughHistory(t *testing.T) {
	_, err := Indicator{Name: "rsi", Symbol: "SPY", Window: 14}.Value(make([]float64, 14))
	if !errors.Is(err, ErrNotEnoughHistory) {
		t.Errorf("err = %v", err)
	}
}
