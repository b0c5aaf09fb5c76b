package telemetry

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendString appends s as a JSON string. encoding/json's escaping is
// reproduced without its allocations: quotes, backslashes and control
// characters are escaped, invalid UTF-8 becomes U+FFFD, and <, >, & are
// left alone (these lines are not embedded in HTML).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// appendTimestamp appends t in UTC as RFC 3339 with nanoseconds, trailing
// zeros trimmed, like time.RFC3339Nano, without time.Format's generality.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendInt(b, y, 4)
	b = append(b, '-')
	b = appendInt(b, int(mo), 2)
	b = append(b, '-')
	b = appendInt(b, d, 2)
	b = append(b, 'T')
	b = appendInt(b, h, 2)
	b = append(b, ':')
	b = appendInt(b, mi, 2)
	b = append(b, ':')
	b = appendInt(b, s, 2)
	if ns := t.Nanosecond(); ns != 0 {
		digits := 9
		for ns%10 == 0 {
			ns /= 10
			digits--
		}
		b = append(b, '.')
		b = appendInt(b, ns, digits)
	}
	return append(b, 'Z')
}

// appendInt appends n zero-padded to width digits.
func appendInt(b []byte, n, width int) []byte {
	var tmp [9]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, tmp[:width]...)
}
