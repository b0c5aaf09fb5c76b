package strategy

import (
	"errors"
	"fmt"
	"math"
)

// indicatorSpec describes one indicator: whether it takes a window, and how
// many closes it needs at least for a window.
type indicatorSpec struct {
	windowed bool
	need     func(window int) int
	compute  func(closes []float64, window int) float64
}

var indicators = map[string]indicatorSpec{
	"current-price":                    {false, func(int) int { return 1 }, currentPrice},
	"moving-average-price":             {true, func(w int) int { return w }, movingAverage},
	"exponential-moving-average-price": {true, func(w int) int { return w }, ema},
	"rsi":                              {true, func(w int) int { return w + 1 }, rsi},
	"cumulative-return":                {true, func(w int) int { return w + 1 }, cumulativeReturn},
	"stdev-return":                     {true, func(w int) int { return w + 1 }, stdevReturn},
	"max-drawdown":                     {true, func(w int) int { return w }, maxDrawdown},
}

// Warmup is how many sessions beyond the longest window are fetched, for
// indicators whose value depends on where their recursion starts.
const Warmup = 250

// maxWindow bounds windows to what a daily data set can serve.
const maxWindow = 1000

// ErrNotEnoughHistory means a symbol has fewer closes than an indicator needs.
var ErrNotEnoughHistory = errors.New("not enough price history")

// parseIndicator reads (name "TICKER" {:window N}); in a filter the ticker
// is omitted (withSymbol false).
func parseIndicator(f form, withSymbol bool) (Indicator, error) {
	name := head(f)
	spec, ok := indicators[name]
	if !ok {
		if name == "" {
			return Indicator{}, errorf(f.Pos, "want an indicator such as (rsi \"SPY\" {:window 10}), got %s", describe(f))
		}
		return Indicator{}, errorf(f.Pos, "unknown indicator %q", name)
	}
	ind := Indicator{Pos: f.Pos, Name: name}
	args := f.Items[1:]
	if withSymbol {
		if len(args) == 0 || args[0].Kind != kString || args[0].Text == "" {
			return ind, errorf(f.Pos, "%s: want a ticker string first", name)
		}
		ind.Symbol, args = args[0].Text, args[1:]
	}
	if !spec.windowed {
		if len(args) > 0 && !(len(args) == 1 && args[0].Kind == kMap && len(args[0].Items) == 0) {
			return ind, errorf(args[0].Pos, "%s takes no window", name)
		}
		return ind, nil
	}
	if len(args) != 1 || args[0].Kind != kMap {
		return ind, errorf(f.Pos, "%s: want options {:window N}", name)
	}
	w, err := windowOf(args[0], name)
	ind.Window = w
	return ind, err
}

// windowOf reads the options map of a windowed indicator. :window is the
// only option and must appear once; any other key is an error at its own
// position, wherever it stands in the map.
func windowOf(m form, name string) (int, error) {
	window := 0
	for i := 0; i < len(m.Items); i += 2 {
		k, v := m.Items[i], m.Items[i+1]
		if k.Kind != kKeyword || k.Text != "window" {
			return 0, errorf(k.Pos, "%s: unknown option %s", name, k.Text)
		}
		if window != 0 {
			return 0, errorf(k.Pos, "%s: duplicate option :window", name)
		}
		if v.Kind != kNumber || v.Num != math.Trunc(v.Num) || v.Num < 1 || v.Num > maxWindow {
			return 0, errorf(v.Pos, "%s: window must be a whole number from 1 to %d, got %s", name, maxWindow, v.Text)
		}
		window = int(v.Num)
	}
	if window == 0 {
		return 0, errorf(m.Pos, "%s: missing :window", name)
	}
	return window, nil
}

func parseFilter(f form) (Node, error) {
	if err := expectHead(f, "filter", 3); err != nil {
		return nil, err
	}
	ind, err := parseIndicator(f.Items[1], false)
	if err != nil {
		return nil, err
	}
	sel := f.Items[2]
	top := head(sel) == "select-top"
	if !top && head(sel) != "select-bottom" {
		return nil, errorf(sel.Pos, "filter: want (select-top N) or (select-bottom N), got %s", describe(sel))
	}
	if len(sel.Items) != 2 || sel.Items[1].Kind != kNumber || sel.Items[1].Num < 1 || sel.Items[1].Num != math.Trunc(sel.Items[1].Num) {
		return nil, errorf(sel.Pos, "%s takes one whole number >= 1", sel.Items[0].Text)
	}
	children, err := parseVector(f.Items[3], "filter")
	if err != nil {
		return nil, err
	}
	flt := Filter{Pos: f.Pos, Indicator: ind, Top: top, N: int(sel.Items[1].Num)}
	for _, c := range children {
		a, ok := c.(Asset)
		if !ok {
			return nil, errorf(f.Items[3].Pos, "filter: only (asset ...) children can be ranked")
		}
		flt.Assets = append(flt.Assets, a)
	}
	return flt, nil
}

// Value computes the indicator over closes (oldest first).
func (ind Indicator) Value(closes []float64) (float64, error) {
	spec := indicators[ind.Name]
	if need := spec.need(ind.Window); len(closes) < need {
		return 0, fmt.Errorf("%w: %s of %s needs %d closes, have %d", ErrNotEnoughHistory, ind.Name, ind.Symbol, need, len(closes))
	}
	return spec.compute(closes, ind.Window), nil
}

func currentPrice(c []float64, _ int) float64 { return c[len(c)-1] }

func movingAverage(c []float64, w int) float64 {
	sum := 0.0
	for _, x := range c[len(c)-w:] {
		sum += x
	}
	return sum / float64(w)
}

func ema(c []float64, w int) float64 {
	alpha := 2 / float64(w+1)
	v := movingAverage(c[:w], w)
	for _, x := range c[w:] {
		v = alpha*x + (1-alpha)*v
	}
	return v
}

func rsi(c []float64, w int) float64 {
	var gain, loss float64
	for i := 1; i <= w; i++ {
		d := c[i] - c[i-1]
		gain, loss = gain+math.Max(d, 0), loss+math.Max(-d, 0)
	}
	gain, loss = gain/float64(w), loss/float64(w)
	for i := w + 1; i < len(c); i++ {
		d := c[i] - c[i-1]
		gain = (gain*float64(w-1) + math.Max(d, 0)) / float64(w)
		loss = (loss*float64(w-1) + math.Max(-d, 0)) / float64(w)
	}
	if loss == 0 {
		if gain == 0 {
			return 50 // no movement at all: neutral
		}
		return 100
	}
	return 100 - 100/(1+gain/loss)
}

func cumulativeReturn(c []float64, w int) float64 {
	return (c[len(c)-1]/c[len(c)-1-w] - 1) * 100
}

func stdevReturn(c []float64, w int) float64 {
	r := make([]float64, w)
	base := len(c) - w - 1
	mean := 0.0
	for i := range r {
		r[i] = c[base+i+1]/c[base+i] - 1
		mean += r[i]
	}
	mean /= float64(w)
	ss := 0.0
	for _, x := range r {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss/float64(w)) * 100
}

func maxDrawdown(c []float64, w int) float64 {
	peak, worst := 0.0, 0.0
	for _, x := range c[len(c)-w:] {
		peak = math.Max(peak, x)
		worst = math.Max(worst, (peak-x)/peak)
	}
	return worst * 100
}
