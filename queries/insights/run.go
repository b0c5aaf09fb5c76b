package insights

import (
	"sort"
	"strings"
	"time"
)

// Options bound a run.
type Options struct {
	Start, End time.Time // events in [Start, End]; zero: unbounded
}

// Result is a query's output: columns in order and one row of strings
// per result, as GetQueryResults returns them.
type Result struct {
	Columns []string
	Rows    [][]string
	Scanned int // events read
	Matched int // records that reached the output stage (after filters)
}

// DefaultLimit is the number of rows returned without a limit command.
const DefaultLimit = 10000

// Events yields log events to a query until yield returns false.
type Events func(yield func(*Event) bool)

// Run executes q over the events.
func (q *Query) Run(events Events, opts Options) *Result {
	want := q.wanted()
	// The commands before the first stats see one event at a time.
	first := len(q.cmds)
	for i, c := range q.cmds {
		if _, ok := c.(statsCmd); ok {
			first = i
			break
		}
		if _, ok := c.(sortCmd); ok {
			first = i
			break
		}
		if _, ok := c.(dedupCmd); ok {
			first = i
			break
		}
		if _, ok := c.(limitCmd); ok {
			first = i
			break
		}
	}
	res := &Result{}
	var recs []*record
	var grouper *grouper
	if first < len(q.cmds) {
		if st, ok := q.cmds[first].(statsCmd); ok {
			grouper = newGrouper(st)
		}
	}
	startMs, endMs := int64(-1<<62), int64(1<<62)
	if !opts.Start.IsZero() {
		startMs = opts.Start.UnixMilli()
	}
	if !opts.End.IsZero() {
		endMs = opts.End.UnixMilli()
	}
	events(func(ev *Event) bool {
		res.Scanned++
		if ev.Timestamp < startMs || ev.Timestamp > endMs {
			return true
		}
		r := &record{ev: ev, want: want}
		for _, c := range q.cmds[:first] {
			if !apply(c, r) {
				return true
			}
		}
		if grouper != nil {
			grouper.add(r)
		} else {
			recs = append(recs, r)
		}
		return true
	})
	rest := q.cmds[first:]
	if grouper != nil {
		recs, rest = grouper.records(), rest[1:]
	}
	sorted := false
	limit := DefaultLimit
	for i, c := range rest {
		switch c := c.(type) {
		case statsCmd:
			g := newGrouper(c)
			for _, r := range recs {
				g.add(r)
			}
			recs = g.records()
		case sortCmd:
			sortRecords(recs, c.keys)
			sorted = true
		case dedupCmd:
			if !sorted && !q.hasStats() {
				sortRecords(recs, defaultSort)
				sorted = true
			}
			recs = dedup(recs, c.fields)
		case limitCmd:
			limit = c.n
		default:
			kept := recs[:0]
			for _, r := range recs {
				if apply(c, r) {
					kept = append(kept, r)
				}
			}
			recs = kept
		}
		_ = i
	}
	if !sorted && !q.hasStats() {
		sortRecords(recs, defaultSort) // newest first
	}
	res.Matched = len(recs)
	if len(recs) > limit {
		recs = recs[:limit]
	}
	res.Columns = q.columns()
	for _, r := range recs {
		row := make([]string, len(res.Columns))
		for i, c := range res.Columns {
			row[i] = r.get(c).String()
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

var defaultSort = []sortKey{{x: fieldRef{"@timestamp"}, desc: true}}

func (q *Query) hasStats() bool {
	for _, c := range q.cmds {
		if _, ok := c.(statsCmd); ok {
			return true
		}
	}
	return false
}

// apply runs a per-record command; false drops the record.
func apply(c command, r *record) bool {
	switch c := c.(type) {
	case fieldsCmd:
		for _, p := range c.items {
			if _, plain := p.x.(fieldRef); plain && p.name == p.x.text() {
				continue // fields @x: nothing to compute
			}
			r.set(p.name, eval(p.x, r))
		}
	case displayCmd:
		for _, p := range c.items {
			if _, plain := p.x.(fieldRef); !plain || p.name != p.x.text() {
				r.set(p.name, eval(p.x, r))
			}
		}
	case filterCmd:
		return eval(c.cond, r).truthy()
	case parseCmd:
		src := eval(c.src, r)
		if src.k == vNull {
			return true
		}
		parseInto(c, src.String(), r)
	}
	return true
}

// parseInto extracts parse's fields; fields of a line that does not
// match are absent (the record is kept).
func parseInto(c parseCmd, s string, r *record) {
	if c.re != nil {
		m := c.re.FindStringSubmatch(s)
		if m == nil {
			return
		}
		for i, name := range c.re.SubexpNames() {
			if name != "" {
				r.set(name, str(m[i]))
			}
		}
		return
	}
	// glob: literal parts around the *s, each * matching as little as it can
	pos := strings.Index(s, c.glob[0])
	if pos < 0 {
		return
	}
	pos += len(c.glob[0])
	vals := make([]string, len(c.names))
	for i := range c.names {
		next := c.glob[i+1]
		if next == "" && i == len(c.names)-1 {
			vals[i], pos = s[pos:], len(s)
			continue
		}
		j := strings.Index(s[pos:], next)
		if j < 0 {
			return
		}
		vals[i], pos = s[pos:pos+j], pos+j+len(next)
	}
	for i, name := range c.names {
		r.set(name, str(vals[i]))
	}
}

func sortRecords(recs []*record, keys []sortKey) {
	vals := make([][]value, len(recs))
	for i, r := range recs {
		vals[i] = make([]value, len(keys))
		for k, key := range keys {
			vals[i][k] = eval(key.x, r)
		}
	}
	idx := make([]int, len(recs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for k, key := range keys {
			va, vb := vals[idx[a]][k], vals[idx[b]][k]
			c := compare(va, vb)
			if c == 0 {
				continue
			}
			if key.desc && va.k != vNull && vb.k != vNull {
				c = -c
			}
			return c < 0
		}
		return false
	})
	out := make([]*record, len(recs))
	for i, j := range idx {
		out[i] = recs[j]
	}
	copy(recs, out)
}

// dedup keeps the first record of each combination of values; a record
// with any of the fields absent is always kept (nulls are never
// duplicates).
func dedup(recs []*record, fields []string) []*record {
	seen := map[string]bool{}
	kept := recs[:0]
	for _, r := range recs {
		var b strings.Builder
		absent := false
		for _, f := range fields {
			v := r.get(f)
			if v.k == vNull {
				absent = true
				break
			}
			b.WriteString(v.String())
			b.WriteByte(0)
		}
		if absent || !seen[b.String()] {
			seen[b.String()] = !absent
			kept = append(kept, r)
		}
	}
	return kept
}

// columns are the output's: display's, else the last stats' (groups,
// then aggregates, as CloudWatch orders them), else every fields
// command's, else @timestamp and @message.
func (q *Query) columns() []string {
	var display, fields []string
	var stats *statsCmd
	for _, c := range q.cmds {
		switch c := c.(type) {
		case displayCmd:
			display = nil
			for _, p := range c.items {
				display = append(display, p.name)
			}
		case fieldsCmd:
			for _, p := range c.items {
				fields = appendUnique(fields, p.name)
			}
		case statsCmd:
			stats, display, fields = &c, nil, nil
		}
	}
	switch {
	case display != nil:
		return display
	case stats != nil && fields != nil:
		return fields // fields after stats computes over its rows and names its columns
	case stats != nil:
		var out []string
		for _, g := range stats.groups {
			out = append(out, g.name)
		}
		for _, a := range stats.aggs {
			out = append(out, a.name)
		}
		return out
	case fields != nil:
		return fields
	}
	return []string{"@timestamp", "@message"}
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// wanted lists the fields a query may read from events, so JSON messages
// are scanned for those only.
func (q *Query) wanted() *wanted {
	var names []string
	walk := func(x expr) { walkFields(x, func(name string) { names = append(names, name) }) }
	for _, c := range q.cmds {
		switch c := c.(type) {
		case fieldsCmd:
			for _, p := range c.items {
				walk(p.x)
			}
		case displayCmd:
			for _, p := range c.items {
				walk(p.x)
			}
		case filterCmd:
			walk(c.cond)
		case parseCmd:
			walk(c.src)
		case statsCmd:
			for _, p := range append(append([]projection{}, c.aggs...), c.groups...) {
				walk(p.x)
			}
		case sortCmd:
			for _, k := range c.keys {
				walk(k.x)
			}
		case dedupCmd:
			names = append(names, c.fields...)
		}
	}
	for _, n := range names {
		if strings.HasPrefix(n, "@") { // platform fields may come from JSON records
			names = append(names, "type", "record.requestId", "record.metrics.durationMs", "record.metrics.billedDurationMs",
				"record.metrics.memorySizeMB", "record.metrics.maxMemoryUsedMB", "record.metrics.initDurationMs")
			break
		}
	}
	return newWanted(names)
}
