package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// fmtCount writes an integer with thousands separators: 12,345.
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fmtMs writes milliseconds at a readable scale: 0.42 ms, 4.2 ms, 123 ms,
// 1.23 s, 12.3 s, 2.5 min.
func fmtMs(ms float64) string {
	switch a := math.Abs(ms); {
	case math.IsNaN(ms) || math.IsInf(ms, 0):
		return "–"
	case a == 0:
		return "0 ms"
	case a < 0.995: // bounds where rounding moves to the next format
		return strconv.FormatFloat(ms, 'f', 2, 64) + " ms"
	case a < 9.95:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case a < 999.5:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	case a < 9995:
		return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
	case a < 59950:
		return strconv.FormatFloat(ms/1000, 'f', 1, 64) + " s"
	}
	return strconv.FormatFloat(ms/60000, 'f', 1, 64) + " min"
}

// fmtUSD writes dollars: cents from $1, else three significant digits
// ($0.0537, $0.0000537) so a small run's cost does not read $0.00.
func fmtUSD(usd float64) string {
	switch {
	case math.IsNaN(usd) || math.IsInf(usd, 0):
		return "–"
	case usd == 0:
		return "$0.00"
	case math.Abs(usd) >= 1:
		return "$" + fmtThousands(strconv.FormatFloat(usd, 'f', 2, 64))
	}
	decimals := min(12, max(2, 2-int(math.Floor(math.Log10(math.Abs(usd))))))
	return "$" + strconv.FormatFloat(usd, 'f', decimals, 64)
}

// fmtQuantity writes a cost line's quantity: whole numbers with
// separators, fractions with three significant digits.
func fmtQuantity(q float64) string {
	switch {
	case math.IsNaN(q) || math.IsInf(q, 0):
		return "–"
	case q == math.Trunc(q) && math.Abs(q) < 1e15:
		return fmtCount(int64(q))
	case math.Abs(q) >= 100:
		return fmtThousands(strconv.FormatFloat(q, 'f', 1, 64))
	}
	return strconv.FormatFloat(q, 'g', 3, 64)
}

// fmtThousands puts separators into the integer part of a formatted number.
func fmtThousands(s string) string {
	whole, frac, dot := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return s
	}
	out := fmtCount(n)
	if dot {
		out += "." + frac
	}
	return out
}

// fmtValue writes a threshold's measured value in its unit.
func fmtValue(v float64, unit string) string {
	switch unit {
	case "ms":
		return fmtMs(v)
	case "%":
		return strconv.FormatFloat(v, 'f', 2, 64) + "%"
	case "count", "":
		if v == math.Trunc(v) {
			return fmtCount(int64(v))
		}
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + " " + unit
}

// fmtTime writes a timestamp in UTC to the millisecond.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000")
}

// fmtClock writes the time of day in UTC to the millisecond.
func fmtClock(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("15:04:05.000")
}

// fmtDuration writes a run's length: 45s, 12m30s, 1h2m.
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return fmtElapsed(d)
	}
	return fmtElapsed(d.Round(time.Minute))
}

// fmtElapsed labels a time axis: 0s, 30s, 1m, 1m30s, 1h5m.
func fmtElapsed(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	s := d.Round(time.Second).String()
	s = strings.Replace(s, "m0s", "m", 1)
	return strings.Replace(s, "h0m", "h", 1)
}
