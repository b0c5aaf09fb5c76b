package insights

import (
	"math"
	"strconv"
	"strings"
	"time"
)

type vkind uint8

const (
	vNull vkind = iota // absent
	vStr
	vNum
	vTime // epoch milliseconds, printed as a timestamp
)

// value is a field's value. Logs Insights results are strings; values
// keep their number-ness so arithmetic, comparison and sorting work.
type value struct {
	k vkind
	s string
	f float64
}

var null = value{}

func str(s string) value    { return value{k: vStr, s: s} }
func num(f float64) value   { return value{k: vNum, f: f} }
func timeMs(ms int64) value { return value{k: vTime, f: float64(ms)} }
func boolean(b bool) value {
	if b {
		return num(1)
	}
	return num(0)
}

// number reads v as a number: numbers, times, and strings that parse.
func (v value) number() (float64, bool) {
	switch v.k {
	case vNum, vTime:
		return v.f, true
	case vStr:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
		return f, err == nil
	}
	return 0, false
}

// truthy: comparisons and boolean functions give 1 or 0.
func (v value) truthy() bool {
	switch v.k {
	case vNum, vTime:
		return v.f != 0
	case vStr:
		return v.s != "" && v.s != "false"
	}
	return false
}

// TimeFormat is how @timestamp and bin() values print: CloudWatch's
// console format, UTC, milliseconds.
const TimeFormat = "2006-01-02 15:04:05.000"

// String is the value as GetQueryResults returns it. Decision: whole
// numbers print without a fraction, others in the shortest form that
// reads back exactly.
func (v value) String() string {
	switch v.k {
	case vStr:
		return v.s
	case vNum:
		if v.f == math.Trunc(v.f) && math.Abs(v.f) < 1e15 {
			return strconv.FormatInt(int64(v.f), 10)
		}
		return strconv.FormatFloat(v.f, 'f', -1, 64)
	case vTime:
		return time.UnixMilli(int64(v.f)).UTC().Format(TimeFormat)
	}
	return ""
}

// compare orders two values as Logs Insights sorts: absent values after
// everything (a decision: the documentation is silent), strings that are
// not numbers before numbers, numbers by value, strings in natural order
// (runs of digits compared as numbers).
func compare(a, b value) int {
	if a.k == vNull || b.k == vNull {
		switch {
		case a.k == b.k:
			return 0
		case a.k == vNull:
			return 1
		}
		return -1
	}
	af, aNum := a.number()
	bf, bNum := b.number()
	switch {
	case aNum && bNum:
		switch {
		case af < bf:
			return -1
		case af > bf:
			return 1
		}
		return 0
	case aNum:
		return 1
	case bNum:
		return -1
	}
	return natural(a.s, b.s)
}

// natural compares strings chunk by chunk, digit runs as numbers.
func natural(a, b string) int {
	for a != "" && b != "" {
		ad, bd := isDigit(a[0]), isDigit(b[0])
		if ad && bd {
			i, j := digits(a), digits(b)
			x, y := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
			if len(x) != len(y) {
				return cmpInt(len(x), len(y))
			}
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return cmpInt(int(a[0]), int(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	return cmpInt(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func digits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// equal is "=": numbers compare as numbers, otherwise as strings.
func equal(a, b value) bool {
	if a.k == vNull || b.k == vNull {
		return false
	}
	if af, ok := a.number(); ok {
		if bf, ok := b.number(); ok {
			return af == bf
		}
	}
	return a.String() == b.String()
}
