package insights

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Event is one log event, as CloudWatch Logs stores it.
type Event struct {
	Timestamp     int64 // epoch milliseconds
	IngestionTime int64 // epoch milliseconds
	Message       string
	LogStream     string
	LogGroup      string
}

// maxDiscovered is how many fields Logs Insights discovers in one JSON
// event; later ones are not fields.
const maxDiscovered = 200

// record is one row: an event's fields, and those the query computed.
type record struct {
	ev         *Event
	own        map[string]value
	disc       map[string]value
	discovered bool
	want       *wanted
	aggs       map[string]value // results of aggregate calls, by their text (stats output)
}

// wanted is the set of discovered field names a query reads: JSON
// messages are only scanned for these (and their parents).
type wanted struct {
	names    map[string]bool
	prefixes map[string]bool // every proper prefix "a", "a.b" of a wanted "a.b.c"
	all      bool            // discover everything (a query that reads every field)
}

func newWanted(names []string) *wanted {
	w := &wanted{names: map[string]bool{}, prefixes: map[string]bool{}}
	for _, n := range names {
		w.names[n] = true
		for i := range len(n) {
			if n[i] == '.' {
				w.prefixes[n[:i]] = true
			}
		}
	}
	return w
}

func (r *record) set(name string, v value) {
	if r.own == nil {
		r.own = map[string]value{}
	}
	r.own[name] = v
}

func (r *record) get(name string) value {
	if v, ok := r.own[name]; ok {
		return v
	}
	if r.ev == nil {
		return null
	}
	switch name {
	case "@timestamp":
		return timeMs(r.ev.Timestamp)
	case "@message":
		return str(r.ev.Message)
	case "@logStream":
		return str(r.ev.LogStream)
	case "@log":
		return str(r.ev.LogGroup)
	case "@ingestionTime":
		return timeMs(r.ev.IngestionTime)
	}
	if !r.discovered {
		r.discover()
	}
	return r.disc[name]
}

// discover finds the fields of the message: JSON members flattened with
// dots (array elements by index), and the fields of Lambda's platform
// lines.
func (r *record) discover() {
	r.discovered = true
	m := r.ev.Message
	switch {
	case strings.HasPrefix(m, "{"):
		r.disc = map[string]value{}
		d := jsonDiscoverer{want: r.want, out: r.disc}
		d.scan(m)
		if t, ok := r.disc["type"]; ok && strings.HasPrefix(t.s, "platform.") {
			r.platformJSON()
		}
	case strings.HasPrefix(m, "REPORT ") || strings.HasPrefix(m, "START ") || strings.HasPrefix(m, "END "):
		r.disc = platformText(m)
	}
}

// platformText reads Lambda's text platform lines:
// REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 2 ms\t...
func platformText(m string) map[string]value {
	out := map[string]value{}
	typ, rest, _ := strings.Cut(m, " ")
	out["@type"] = str(typ)
	for _, part := range strings.Split(rest, "\t") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), ": ")
		if !ok {
			continue
		}
		num := func() value {
			f, err := strconv.ParseFloat(strings.Fields(v)[0], 64)
			if err != nil {
				return null
			}
			return value{k: vNum, f: f}
		}
		switch k {
		case "RequestId":
			out["@requestId"] = str(strings.Fields(v)[0])
		case "Duration":
			out["@duration"] = num()
		case "Billed Duration":
			out["@billedDuration"] = num()
		case "Memory Size":
			out["@memorySize"] = num()
		case "Max Memory Used":
			out["@maxMemoryUsed"] = num()
		case "Init Duration":
			out["@initDuration"] = num()
		}
	}
	return out
}

// platformJSON maps Lambda's JSON platform records (LogFormat JSON) to
// the same @ fields as the text lines, so one query reads both formats.
// Decision: the documentation lists the @ fields for REPORT lines only.
func (r *record) platformJSON() {
	d := r.disc
	kinds := map[string]string{"platform.start": "START", "platform.report": "REPORT", "platform.runtimeDone": "END"}
	if t, ok := kinds[d["type"].s]; ok {
		d["@type"] = str(t)
	}
	alias := map[string]string{"record.requestId": "@requestId", "record.metrics.durationMs": "@duration",
		"record.metrics.billedDurationMs": "@billedDuration", "record.metrics.memorySizeMB": "@memorySize",
		"record.metrics.maxMemoryUsedMB": "@maxMemoryUsed", "record.metrics.initDurationMs": "@initDuration"}
	for from, to := range alias {
		if v, ok := d[from]; ok {
			d[to] = v
		}
	}
}

// jsonDiscoverer flattens a JSON message into fields, descending only
// where a wanted field can be.
type jsonDiscoverer struct {
	want   *wanted
	out    map[string]value
	s      string
	i      int
	leaves int // scalar fields seen so far, kept or skipped: the discovery limit counts them all
}

func (d *jsonDiscoverer) scan(s string) {
	d.s, d.i = s, 0
	d.ws()
	if d.peek() != '{' {
		return
	}
	_ = d.value("")
}

func (d *jsonDiscoverer) peek() byte {
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

func (d *jsonDiscoverer) ws() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

// interesting reports whether path or a field under it is wanted.
func (d *jsonDiscoverer) interesting(path string) bool {
	return d.want == nil || d.want.all || d.want.names[path] || d.want.prefixes[path]
}

func (d *jsonDiscoverer) keep(path string, v value) {
	if d.leaves++; d.leaves > maxDiscovered {
		return
	}
	if d.want == nil || d.want.all || d.want.names[path] {
		d.out[path] = v
	}
}

// value reads the value at d.i; path is its field name ("" at the top).
func (d *jsonDiscoverer) value(path string) bool {
	d.ws()
	switch c := d.peek(); {
	case c == '{':
		d.i++
		for {
			d.ws()
			if d.peek() == '}' {
				d.i++
				return true
			}
			key, ok := d.str()
			if !ok {
				return false
			}
			d.ws()
			if d.peek() != ':' {
				return false
			}
			d.i++
			var child string
			if path == "" {
				child = key
			} else if d.interesting(path) {
				child = path + "." + key
			}
			if child != "" && d.interesting(child) {
				if !d.value(child) {
					return false
				}
			} else if !d.skip() {
				return false
			}
			if more, ok := d.more('}'); !more {
				return ok
			}
		}
	case c == '[':
		d.i++
		for n := 0; ; n++ {
			d.ws()
			if d.peek() == ']' {
				d.i++
				return true
			}
			child := path + "." + strconv.Itoa(n)
			if d.interesting(child) {
				if !d.value(child) {
					return false
				}
			} else if !d.skip() {
				return false
			}
			if more, ok := d.more(']'); !more {
				return ok
			}
		}
	case c == '"':
		s, ok := d.str()
		if ok {
			d.keep(path, str(s))
		}
		return ok
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(d.s[d.i:], lit) {
				d.i += len(lit)
				if lit != "null" {
					d.keep(path, str(lit))
				} else {
					d.leaves++
				}
				return true
			}
		}
		return false
	default:
		start := d.i
		for d.i < len(d.s) && strings.IndexByte("+-0123456789.eE", d.s[d.i]) >= 0 {
			d.i++
		}
		f, err := strconv.ParseFloat(d.s[start:d.i], 64)
		if err != nil {
			return false
		}
		d.keep(path, num(f))
		return true
	}
}

// str reads a JSON string (unescaping only when needed).
func (d *jsonDiscoverer) str() (string, bool) {
	start := d.i
	d.i++
	esc := false
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case '\\':
			esc = true
			d.i += 2
			continue
		case '"':
			d.i++
			if !esc {
				return d.s[start+1 : d.i-1], true
			}
			return unescape(d.s[start+1 : d.i-1])
		}
		d.i++
	}
	return "", false
}

// skip passes over one value.
func (d *jsonDiscoverer) skip() bool {
	depth := 0
	for {
		d.ws()
		switch c := d.peek(); {
		case c == 0:
			return false
		case c == '{' || c == '[':
			depth++
			d.i++
			continue
		case c == '}' || c == ']':
			depth--
			d.i++
		case c == '"':
			if _, ok := d.rawStr(); !ok {
				return false
			}
			if d.ws(); d.peek() != ':' { // a value, not a key
				d.leaves++
			}
		case c == ',' || c == ':':
			d.i++
			continue
		default:
			for d.i < len(d.s) && strings.IndexByte(",:}] \t\n\r", d.s[d.i]) < 0 {
				d.i++
			}
			d.leaves++
		}
		if depth <= 0 {
			return depth == 0
		}
	}
}

func (d *jsonDiscoverer) rawStr() (int, bool) {
	d.i++
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case '\\':
			d.i += 2
			continue
		case '"':
			d.i++
			return d.i, true
		}
		d.i++
	}
	return 0, false
}

// unescape decodes the escapes of a JSON string's content (written here
// because encoding/json offers no string-only decoder, and it dominated
// reading exported logs).
func unescape(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf { // invalid UTF-8 becomes U+FFFD, as encoding/json does
			r, size := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += size - 1
			continue
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", false
		}
		i++
		switch s[i] {
		case '"', '\\', '/':
			b.WriteByte(s[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+3); ok && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r, i = d, i+6
					}
				}
			}
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), true
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i:i+4], 16, 32)
	return rune(v), err == nil
}
