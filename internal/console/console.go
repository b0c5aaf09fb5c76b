// Package console builds links into the AWS Management Console's
// CloudWatch pages: an alarm, a dashboard over a time range, and Logs
// Insights with a query and its log groups preloaded. The console
// documents no URL scheme for these; the forms here are those the
// console itself writes in its address bar and that public tools link
// to (the alarm's #alarmsV2:alarm/NAME, the dashboard's
// #dashboards/dashboard/NAME?start=&end=, and Logs Insights'
// #logsV2:logs-insights$3FqueryDetail$3D followed by the query detail in
// JSURL, with the fragment's own ? and = escaped as $3F and $3D).
package console

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Home is the CloudWatch console's home in region.
func Home(region string) string {
	return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region
}

// Alarm is the page of the alarm named name.
func Alarm(region, name string) string {
	return Home(region) + "#alarmsV2:alarm/" + url.PathEscape(name)
}

// Dashboard is the dashboard named name; with start and end set, over
// that time range (ISO 8601, UTC).
func Dashboard(region, name string, start, end time.Time) string {
	link := Home(region) + "#dashboards/dashboard/" + url.PathEscape(name)
	if !start.IsZero() && !end.IsZero() {
		link += "?start=" + iso(start) + "&end=" + iso(end)
	}
	return link
}

// Range is a Logs Insights time range: absolute (Start and End) or, when
// they are zero, the Last before now.
type Range struct {
	Start, End time.Time
	Last       time.Duration
}

// LogsInsights opens Logs Insights with query in its editor, run over
// groups in r.
func LogsInsights(region, query string, groups []string, r Range) string {
	detail := Object{}
	if !r.Start.IsZero() && !r.End.IsZero() {
		detail = append(detail, Field{"end", iso(r.End)}, Field{"start", iso(r.Start)}, Field{"timeType", "ABSOLUTE"}, Field{"tz", "UTC"})
	} else {
		last := r.Last
		if last <= 0 {
			last = time.Hour
		}
		detail = append(detail, Field{"end", 0}, Field{"start", -int64(last / time.Second)}, Field{"timeType", "RELATIVE"}, Field{"unit", "seconds"})
	}
	sources := make([]any, len(groups))
	for i, g := range groups {
		sources[i] = g
	}
	detail = append(detail, Field{"editorString", query}, Field{"source", sources})
	return Home(region) + "#logsV2:logs-insights$3FqueryDetail$3D" + JSURL(detail)
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Object is a JSURL object whose fields keep their order.
type Object []Field

// Field is one member of an Object.
type Field struct {
	Key   string
	Value any
}

// JSURL writes v in JSURL, the compact JSON notation the console uses in
// its URLs: ~(key~value...) for objects, ~(~item...) for arrays, 'text
// for strings (every character but letters, digits, _ - . as *hh or
// **hhhh, $ as !), numbers and booleans as written. It takes Object,
// []any, string, bool, int, int64 and float64. No Go library for JSURL
// is to be had; the notation is small.
func JSURL(v any) string {
	var b strings.Builder
	writeJSURL(&b, v)
	return b.String()
}

func writeJSURL(b *strings.Builder, v any) {
	switch v := v.(type) {
	case Object:
		b.WriteString("~(")
		for i, f := range v {
			if i > 0 {
				b.WriteByte('~')
			}
			b.WriteString(jsurlText(f.Key))
			writeJSURL(b, f.Value)
		}
		b.WriteByte(')')
	case []any:
		b.WriteString("~(")
		for _, item := range v {
			writeJSURL(b, item)
		}
		b.WriteByte(')')
	case string:
		b.WriteString("~'" + jsurlText(v))
	case bool:
		b.WriteString("~" + strconv.FormatBool(v))
	case int:
		b.WriteString("~" + strconv.Itoa(v))
	case int64:
		b.WriteString("~" + strconv.FormatInt(v, 10))
	case float64:
		b.WriteString("~" + strconv.FormatFloat(v, 'f', -1, 64))
	default:
		b.WriteString("~null")
	}
}

func jsurlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		case r == '$':
			b.WriteByte('!')
		case r < 0x100:
			b.WriteString("*" + hex(int(r), 2))
		default:
			for _, u := range utf16(r) {
				b.WriteString("**" + hex(int(u), 4))
			}
		}
	}
	return b.String()
}

func hex(n, width int) string {
	s := strconv.FormatInt(int64(n), 16)
	return strings.Repeat("0", max(0, width-len(s))) + s
}

// utf16 is r's UTF-16 code units: JSURL escapes JavaScript's characters.
func utf16(r rune) []rune {
	if r < 0x10000 {
		return []rune{r}
	}
	r -= 0x10000
	return []rune{0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff}
}
