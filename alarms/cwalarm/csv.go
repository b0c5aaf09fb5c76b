package cwalarm

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// ReadPoints reads timestamp,metric_id,value rows (RFC 3339 timestamps;
// a header row is allowed; values finite, as CloudWatch accepts no NaN or
// infinity). Errors name the record's line.
func ReadPoints(r io.Reader, name string) (Series, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	s := Series{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0) // a quoted field may span lines
		if first && strings.EqualFold(rec[0], "timestamp") {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, rec[0])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: timestamp %q is not RFC 3339", name, line, rec[0])
		}
		v, err := strconv.ParseFloat(rec[2], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s:%d: value %q is not a finite number", name, line, rec[2])
		}
		if rec[1] == "" {
			return nil, fmt.Errorf("%s:%d: no metric_id", name, line)
		}
		s[rec[1]] = append(s[rec[1]], Point{At: at, Value: v})
	}
}

// Span is the first point's time and the end of the last point's period.
func (s Series) Span(period time.Duration) (time.Time, time.Time, bool) {
	var first, last time.Time
	for _, pts := range s {
		for _, p := range pts {
			if first.IsZero() || p.At.Before(first) {
				first = p.At
			}
			if p.At.After(last) {
				last = p.At
			}
		}
	}
	if first.IsZero() {
		return first, last, false
	}
	return first, last.Truncate(period).Add(period), true
}

// PeriodOf is the alarm's period.
func (a *MetricAlarm) PeriodOf() time.Duration { return time.Duration(a.period()) * time.Second }
