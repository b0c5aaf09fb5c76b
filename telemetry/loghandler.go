package telemetry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// LogHandler is a slog.Handler writing the log schema: one JSON object per
// line, Lambda's JSON log keys first (timestamp, level, message, requestId)
// so Lambda's log-level filtering works, then service, function, version,
// cold_start, trace_id, span_id, xray_trace_id, correlation_id,
// causation_id, event_id, event_type from the context, then the record's
// attributes. Each record is one Write. A LogHandler is immutable; WithAttrs
// and WithGroup return clones sharing the output and pre-formatted state.
type LogHandler struct {
	core    *logCore
	pre     []byte   // formatted attributes of WithAttrs, inside opened groups
	open    int      // groups opened in pre
	pending []string // groups not opened yet: an empty group is not written
}

var _ slog.Handler = (*LogHandler)(nil)

type logCore struct {
	mu        sync.Mutex
	w         io.Writer
	level     slog.Leveler
	service   string
	function  string
	version   string
	secrets   []string
	redactKey func(string) bool
}

// LogOption configures NewLogHandler.
type LogOption func(*logCore)

// WithLogLevel sets the minimum level written (default INFO). Below it,
// DEBUG lines of an invocation are kept in a per-invocation buffer, written
// when the invocation logs an ERROR and dropped otherwise.
func WithLogLevel(l slog.Leveler) LogOption { return func(c *logCore) { c.level = l } }

// WithIdentity sets the service, function and version keys.
func WithIdentity(service, function, version string) LogOption {
	return func(c *logCore) { c.service, c.function, c.version = service, function, version }
}

// WithSecretValues replaces each value wherever it appears (messages,
// attribute values, error texts) with [REDACTED]. Values shorter than 4
// bytes are ignored: they would redact ordinary text.
func WithSecretValues(values ...string) LogOption {
	return func(c *logCore) {
		for _, v := range values {
			if len(v) >= 4 {
				c.secrets = append(c.secrets, v)
			}
		}
	}
}

// NewLogHandler returns a handler writing to w.
func NewLogHandler(w io.Writer, opts ...LogOption) *LogHandler {
	c := &logCore{w: w, level: slog.LevelInfo, redactKey: sensitiveKey}
	for _, o := range opts {
		o(c)
	}
	return &LogHandler{core: c}
}

// Enabled implements slog.Handler.
func (h *LogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if l >= h.core.level.Level() {
		return true
	}
	if l < slog.LevelDebug {
		return false
	}
	inv := InvocationFrom(ctx)
	return inv != nil && inv.debug != nil
}

// WithAttrs implements slog.Handler.
func (h *LogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	c := h.clone()
	c.pre = c.openPending(c.pre)
	for _, a := range as {
		c.pre = c.core.appendAttr(c.pre, a)
	}
	return c
}

// WithGroup implements slog.Handler.
func (h *LogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := h.clone()
	c.pending = append(c.pending, name)
	return c
}

func (h *LogHandler) clone() *LogHandler {
	return &LogHandler{core: h.core, pre: append([]byte(nil), h.pre...), open: h.open,
		pending: append([]string(nil), h.pending...)}
}

func (h *LogHandler) openPending(b []byte) []byte {
	for _, g := range h.pending {
		b = appendKey(b, g)
		b = append(b, '{')
	}
	h.open += len(h.pending)
	h.pending = nil
	return b
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Handle implements slog.Handler.
func (h *LogHandler) Handle(ctx context.Context, r slog.Record) error {
	bp := bufPool.Get().(*[]byte)
	b := h.format((*bp)[:0], ctx, r)
	err := h.write(ctx, r.Level, b)
	*bp = b
	bufPool.Put(bp)
	return err
}

func (h *LogHandler) format(b []byte, ctx context.Context, r slog.Record) []byte {
	c := h.core
	b = append(b, '{')
	if !r.Time.IsZero() {
		b = append(b, `"timestamp":"`...)
		b = appendTimestamp(b, r.Time)
		b = append(b, '"', ',')
	}
	b = append(b, `"level":"`...)
	b = append(b, LevelName(r.Level)...)
	b = append(b, `","message":`...)
	b = c.appendText(b, r.Message)
	b = c.appendContext(b, ctx, InvocationFrom(ctx))
	b = append(b, h.pre...)
	open := h.open
	if r.NumAttrs() > 0 {
		hc := *h
		b = hc.openPending(b)
		open = hc.open
		r.Attrs(func(a slog.Attr) bool {
			b = c.appendAttr(b, a)
			return true
		})
	}
	for range open {
		b = append(b, '}')
	}
	return append(b, '}', '\n')
}

// appendContext writes the keys that come from the context: requestId,
// identity, cold start, trace and workflow ids. Within an invocation they
// repeat on every line, so the formatted bytes are cached per span.
func (c *logCore) appendContext(b []byte, ctx context.Context, inv *Invocation) []byte {
	if inv == nil {
		b = c.appendIdentity(b, "")
		return appendTrace(b, ctx, nil)
	}
	span := trace.SpanContextFromContext(ctx).SpanID()
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.cacheCore == c && inv.cacheSpan == span && inv.cached != nil {
		return append(b, inv.cached...)
	}
	start := len(b)
	b = appendField(b, "requestId", inv.RequestID)
	b = c.appendIdentity(b, inv.Function)
	b = append(b, `,"cold_start":`...)
	b = strconv.AppendBool(b, inv.ColdStart)
	b = appendTrace(b, ctx, inv)
	b = appendField(b, "correlation_id", inv.CorrelationID)
	b = appendField(b, "causation_id", inv.CausationID)
	b = appendField(b, "event_id", inv.EventID)
	b = appendField(b, "event_type", inv.EventType)
	inv.cacheCore, inv.cacheSpan = c, span
	inv.cached = append(inv.cached[:0], b[start:]...)
	return b
}

func (c *logCore) appendIdentity(b []byte, fn string) []byte {
	b = appendField(b, "service", c.service)
	if fn == "" {
		fn = c.function
	}
	b = appendField(b, "function", fn)
	return appendField(b, "version", c.version)
}

func appendTrace(b []byte, ctx context.Context, inv *Invocation) []byte {
	sc := trace.SpanContextFromContext(ctx)
	if sc.IsValid() {
		b = appendField(b, "trace_id", sc.TraceID().String())
		b = appendField(b, "span_id", sc.SpanID().String())
		return appendField(b, "xray_trace_id", XRayTraceID(sc.TraceID()))
	}
	if inv != nil {
		b = appendField(b, "xray_trace_id", inv.XRayTraceID)
	}
	return b
}

// write sends one line, or buffers it when it is DEBUG below the level.
func (h *LogHandler) write(ctx context.Context, l slog.Level, line []byte) error {
	c := h.core
	inv := InvocationFrom(ctx)
	if l < c.level.Level() && inv != nil && inv.debug != nil {
		d := inv.debug
		d.mu.Lock()
		defer d.mu.Unlock()
		if !d.sampled && !d.flushed {
			if len(d.lines) < maxBufferedLines {
				d.lines = append(d.lines, append([]byte(nil), line...))
			} else {
				d.dropped++
			}
			return nil
		}
		return c.writeLine(line)
	}
	if l >= slog.LevelError && inv != nil && inv.debug != nil {
		if err := c.flushDebug(inv.debug); err != nil {
			return err
		}
	}
	return c.writeLine(line)
}

func (c *logCore) flushDebug(d *debugBuffer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.flushed = true
	for _, l := range d.lines {
		if err := c.writeLine(l); err != nil {
			return err
		}
	}
	d.lines = nil
	return nil
}

func (c *logCore) writeLine(line []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.w.Write(line)
	return err
}

func appendKey(b []byte, key string) []byte {
	if len(b) == 0 || b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = appendString(b, key)
	return append(b, ':')
}

func appendField(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = appendKey(b, key)
	return appendString(b, value)
}

func (c *logCore) appendAttr(b []byte, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return b
	}
	if a.Value.Kind() == slog.KindGroup {
		attrs := a.Value.Group()
		if len(attrs) == 0 {
			return b
		}
		if a.Key == "" { // inline the group's attributes
			for _, ga := range attrs {
				b = c.appendAttr(b, ga)
			}
			return b
		}
		b = appendKey(b, a.Key)
		b = append(b, '{')
		for _, ga := range attrs {
			b = c.appendAttr(b, ga)
		}
		return append(b, '}')
	}
	b = appendKey(b, a.Key)
	if c.redactKey(a.Key) {
		return append(b, `"[REDACTED]"`...)
	}
	return c.appendValue(b, a.Value)
}

func (c *logCore) appendValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return c.appendText(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendFloat(b, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return strconv.AppendInt(b, int64(v.Duration()), 10)
	case slog.KindTime:
		b = append(b, '"')
		b = v.Time().UTC().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	return c.appendAny(b, v.Any())
}

func (c *logCore) appendAny(b []byte, v any) []byte {
	switch x := v.(type) {
	case error:
		return c.appendText(b, x.Error())
	case fmt.Stringer:
		return c.appendText(b, x.String())
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return c.appendText(b, fmt.Sprintf("%+v", v))
	}
	if len(c.secrets) > 0 {
		return append(b, c.redact(string(raw))...)
	}
	return append(b, raw...)
}

// appendText appends s as a JSON string with secret values redacted.
func (c *logCore) appendText(b []byte, s string) []byte {
	return appendString(b, c.redact(s))
}

func (c *logCore) redact(s string) string {
	for _, secret := range c.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

// sensitiveKey reports whether an attribute key names a secret.
func sensitiveKey(key string) bool {
	k := strings.ToLower(key)
	for _, s := range []string{"authorization", "password", "passwd", "secret", "token", "api_key", "apikey", "api-key", "credential", "cookie"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
