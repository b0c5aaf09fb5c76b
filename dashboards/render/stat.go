package render

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// errStat marks a statistic the preview does not compute.
var errStat = errors.New("statistic not computed locally")

// aggregate applies a CloudWatch statistic to one period's values (a
// value recorded with a count of n is n values, as cwalarm.Points gives
// them): Sum, Average, Minimum, Maximum, SampleCount, pNN (nearest rank),
// TC(lo:hi) and PR(lo:hi) with absolute bounds. Names are case-insensitive. ok is
// false when there is no value.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
func aggregate(stat string, values []float64) (v float64, ok bool, err error) {
	f, err := statFunc(stat)
	if err != nil || len(values) == 0 {
		return 0, false, err
	}
	return f(values), true, nil
}

// statFunc returns the function computing stat over a non-empty slice.
func statFunc(stat string) (func([]float64) float64, error) {
	switch strings.ToLower(stat) {
	case "sum", "":
		return sum, nil
	case "average", "avg":
		return func(v []float64) float64 { return sum(v) / float64(len(v)) }, nil
	case "minimum", "min":
		return slices.Min[[]float64], nil
	case "maximum", "max":
		return slices.Max[[]float64], nil
	case "samplecount":
		return func(v []float64) float64 { return float64(len(v)) }, nil
	}
	if p, ok := percentile(stat); ok {
		return func(v []float64) float64 { return nearestRank(v, p) }, nil
	}
	if kind, lo, hi, ok := bounded(stat); ok {
		return func(v []float64) float64 {
			n := 0
			for _, x := range v {
				if x >= lo && x <= hi {
					n++
				}
			}
			if kind == "PR" {
				return 100 * float64(n) / float64(len(v))
			}
			return float64(n)
		}, nil
	}
	return nil, fmt.Errorf("%w: %q (Sum, Average, Minimum, Maximum, SampleCount, pNN, TC(lo:hi), PR(lo:hi))", errStat, stat)
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// percentile reads pNN or pNN.N.
func percentile(stat string) (float64, bool) {
	if len(stat) < 2 || (stat[0] != 'p' && stat[0] != 'P') {
		return 0, false
	}
	p, err := strconv.ParseFloat(stat[1:], 64)
	if err != nil || p < 0 || p > 100 || math.IsNaN(p) {
		return 0, false
	}
	return p, true
}

// nearestRank is the smallest value with at least p% of the values at or
// below it.
func nearestRank(v []float64, p float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// bounded reads TC(lo:hi), the count of values in [lo, hi], or
// PR(lo:hi), their percentage, with absolute bounds (either may be
// empty); percentage bounds are not supported.
func bounded(stat string) (kind string, lo, hi float64, ok bool) {
	up := strings.ToUpper(stat)
	kind = up[:min(2, len(up))]
	if kind != "TC" && kind != "PR" || !strings.HasPrefix(up[2:], "(") || !strings.HasSuffix(up, ")") || strings.Contains(up, "%") {
		return "", 0, 0, false
	}
	a, b, ok := strings.Cut(stat[3:len(stat)-1], ":")
	if !ok {
		return "", 0, 0, false
	}
	lo, hi = math.Inf(-1), math.Inf(1)
	var err error
	if a = strings.TrimSpace(a); a != "" {
		if lo, err = strconv.ParseFloat(a, 64); err != nil {
			return "", 0, 0, false
		}
	}
	if b = strings.TrimSpace(b); b != "" {
		if hi, err = strconv.ParseFloat(b, 64); err != nil {
			return "", 0, 0, false
		}
	}
	return kind, lo, hi, true
}
