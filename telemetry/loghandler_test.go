package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"
	"time"

	"go.opentelemetry.io/otel/trace"
)

func TestLogHandlerConformsToSlogtest(t *testing.T) {
	var buf bytes.Buffer
	newHandler := func(*testing.T) slog.Handler {
		buf.Reset()
		return NewLogHandler(&buf, WithLogLevel(slog.LevelDebug))
	}
	result := func(t *testing.T) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatalf("%v: %s", err, buf.String())
		}
		// slogtest checks slog's built-in keys; ours are Lambda's.
		if v, ok := m["timestamp"]; ok {
			m[slog.TimeKey] = v
			delete(m, "timestamp")
		}
		m[slog.MessageKey] = m["message"]
		delete(m, "message")
		return m
	}
	slogtest.Run(t, newHandler, result)
}

func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func invocationCtx() (context.Context, *Invocation) {
	inv := &Invocation{RequestID: "req-1", Function: "execution", ColdStart: true, CorrelationID: "corr",
		CausationID: "cause", EventID: "evt", EventType: "RebalancePlanned", debug: &debugBuffer{}}
	tid, _ := trace.TraceIDFromHex("6751c3a5b3b8e2b4f1d2c3a4b5c6d7e8")
	sid, _ := trace.SpanIDFromHex("0102030405060708")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	return trace.ContextWithSpanContext(ContextWithInvocation(context.Background(), inv), sc), inv
}

func TestSchemaKeysInOrder(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewLogHandler(&buf, WithIdentity("alchemiser", "fallback", "v1")))
	ctx, _ := invocationCtx()
	log.InfoContext(ctx, "order placed", "symbol", "SPY", "qty", 1.5)
	line := buf.String()
	order := []string{`"timestamp"`, `"level":"INFO"`, `"message":"order placed"`, `"requestId":"req-1"`, `"service":"alchemiser"`,
		`"function":"execution"`, `"version":"v1"`, `"cold_start":true`, `"trace_id":"6751c3a5b3b8e2b4f1d2c3a4b5c6d7e8"`,
		`"span_id":"0102030405060708"`, `"xray_trace_id":"1-6751c3a5-b3b8e2b4f1d2c3a4b5c6d7e8"`, `"correlation_id":"corr"`,
		`"causation_id":"cause"`, `"event_id":"evt"`, `"event_type":"RebalancePlanned"`, `"symbol":"SPY"`, `"qty":1.5`}
	at := 0
	for _, want := range order {
		i := strings.Index(line[at:], want)
		if i < 0 {
			t.Fatalf("%s missing or out of order in %s", want, line)
		}
		at += i
	}
	m := lines(t, &buf)[0]
	if _, err := time.Parse(time.RFC3339Nano, m["timestamp"].(string)); err != nil {
		t.Errorf("timestamp: %v", err)
	}
}

func TestDebugLinesAreBufferedUntilAnError(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewLogHandler(&buf))
	ctx, _ := invocationCtx()
	log.DebugContext(ctx, "quote", "n", 1)
	log.DebugContext(ctx, "quote", "n", 2)
	log.InfoContext(ctx, "step")
	if got := len(lines(t, &buf)); got != 1 {
		t.Fatalf("%d lines before the error, want only INFO", got)
	}
	log.ErrorContext(ctx, "order failed", "error", errors.New("rejected"))
	log.DebugContext(ctx, "after")
	var levels []string
	for _, m := range lines(t, &buf) {
		levels = append(levels, m["level"].(string))
	}
	if strings.Join(levels, ",") != "INFO,DEBUG,DEBUG,ERROR,DEBUG" {
		t.Errorf("levels %v", levels)
	}
	// Without an error, an invocation's DEBUG lines never appear.
	buf.Reset()
	ctx2, inv2 := invocationCtx()
	log.DebugContext(ctx2, "quiet")
	if buf.Len() != 0 || len(inv2.debug.lines) != 1 {
		t.Errorf("wrote %q", buf.String())
	}
	// Outside an invocation, DEBUG below the level is simply off.
	if log.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("DEBUG enabled outside an invocation")
	}
}

func TestSampledInvocationWritesDebug(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewLogHandler(&buf))
	ctx, inv := invocationCtx()
	inv.debug.sampled = true
	log.DebugContext(ctx, "sampled")
	if len(lines(t, &buf)) != 1 {
		t.Errorf("sampled DEBUG not written: %q", buf.String())
	}
}

func TestRedaction(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewLogHandler(&buf, WithSecretValues("PKTEST1234SECRET", "abc")))
	log.Info("calling https://x?key=PKTEST1234SECRET", "Authorization", "Bearer xyz", "api_key", "k",
		"err", errors.New("401 for key PKTEST1234SECRET"), slog.Group("req", "password", "hunter2"),
		"headers", map[string]string{"x": "PKTEST1234SECRET"}, "abc", "abc is short")
	out := buf.String()
	for _, leak := range []string{"PKTEST1234SECRET", "Bearer xyz", "hunter2", `"k"`} {
		if strings.Contains(out, leak) {
			t.Errorf("leaked %q in %s", leak, out)
		}
	}
	if !strings.Contains(out, "abc is short") {
		t.Error("short secret values must not be redacted")
	}
}

func TestLevelsFromEnv(t *testing.T) {
	env := map[string]string{"AWS_LAMBDA_LOG_LEVEL": "warn", "LOG_LEVEL": "DEBUG"}
	l, err := LevelFromEnv(func(k string) string { return env[k] })
	if err != nil || l != slog.LevelWarn {
		t.Errorf("level %v %v", l, err)
	}
	delete(env, "AWS_LAMBDA_LOG_LEVEL")
	if l, _ := LevelFromEnv(func(k string) string { return env[k] }); l != slog.LevelDebug {
		t.Errorf("LOG_LEVEL ignored: %v", l)
	}
	if _, err := ParseLevel("verbose"); err == nil {
		t.Error("bad level accepted")
	}
	for l, want := range map[slog.Level]string{LevelTrace: "TRACE", slog.LevelWarn: "WARN", LevelFatal: "FATAL"} {
		if LevelName(l) != want {
			t.Errorf("%v = %s", l, LevelName(l))
		}
	}
}

func TestXRayHeaderRoundTrip(t *testing.T) {
	ctx, _ := invocationCtx()
	sc := trace.SpanContextFromContext(ctx)
	h := XRayHeader(sc)
	if h != "Root=1-6751c3a5-b3b8e2b4f1d2c3a4b5c6d7e8;Parent=0102030405060708;Sampled=1" {
		t.Errorf("header %s", h)
	}
	back, ok := ParseXRayHeader(h)
	if !ok || back.TraceID() != sc.TraceID() || back.SpanID() != sc.SpanID() || !back.IsSampled() || !back.IsRemote() {
		t.Errorf("parsed %v %v", back, ok)
	}
	for _, bad := range []string{"", "Root=1-x-y", "Root=1-6751c3a5-b3b8e2b4f1d2c3a4b5c6d7e8", "Parent=0102030405060708"} {
		if _, ok := ParseXRayHeader(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"plain", "q\"b\\s", "ctl\x00\x1f\n\t", "bad\xffutf8", "uni ✓ \u2028"} {
		var back string
		if err := json.Unmarshal(appendString(nil, s), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back != want {
			t.Errorf("%q round-tripped to %q", s, back)
		}
	}
}

func BenchmarkLogHandler(b *testing.B) {
	ctx, _ := invocationCtx()
	b.Run("impl=telemetry", func(b *testing.B) {
		log := slog.New(NewLogHandler(discard{}))
		b.ReportAllocs()
		for b.Loop() {
			log.InfoContext(ctx, "order placed", "symbol", "SPY", "qty", 1.5, "status", "filled")
		}
	})
	b.Run("impl=slog_json", func(b *testing.B) {
		log := slog.New(slog.NewJSONHandler(discard{}, nil))
		b.ReportAllocs()
		for b.Loop() {
			log.InfoContext(ctx, "order placed", "symbol", "SPY", "qty", 1.5, "status", "filled")
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestAppendTimestampMatchesRFC3339Nano(t *testing.T) {
	for _, ts := range []time.Time{
		time.Date(2026, 11, 24, 3, 4, 5, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC),
		time.Date(999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600)),
		time.Date(2026, 6, 1, 0, 0, 0, 1, time.UTC),
	} {
		if got, want := string(appendTimestamp(nil, ts)), ts.UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("%s, want %s", got, want)
		}
	}
}
