package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/app/broker/alpaca"
	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// The known secrets of these tests: an Alpaca key pair as the functions
// read it from Secrets Manager and pass to WithSecrets.
const (
	secretKeyID = "PKREDACT0TEST0KEY0ID"
	secretValue = "sk-redact-test-0123456789abcdefABCDEF"
)

type redactFixture struct {
	tel   *Telemetry
	spans *tracetest.InMemoryExporter
	out   *bytes.Buffer
}

func redactSetup(t *testing.T) redactFixture {
	t.Helper()
	env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "execution", "AWS_REGION": "us-east-1", "AWS_LAMBDA_LOG_LEVEL": "INFO"}
	f := redactFixture{spans: tracetest.NewInMemoryExporter(), out: &bytes.Buffer{}}
	tel, err := Init(context.Background(), nil, WithEnv(func(k string) string { return env[k] }),
		WithOutput(f.out), WithSpanExporter(f.spans), WithSecrets(secretKeyID, secretValue))
	if err != nil {
		t.Fatal(err)
	}
	f.tel = tel
	return f
}

// leaked reports which secrets text holds.
func leaked(text string) []string {
	var out []string
	for _, s := range []string{secretKeyID, secretValue} {
		if strings.Contains(text, s) {
			out = append(out, s)
		}
	}
	return out
}

func assertClean(t *testing.T, where, text string) {
	t.Helper()
	if l := leaked(text); l != nil {
		t.Errorf("%s leaks %q:\n%s", where, l, text)
	}
}

// stringer is a value logged through fmt.Stringer.
type stringer struct{ s string }

func (s stringer) String() string { return "creds " + s.s }

func TestSecretsNeverReachLogLines(t *testing.T) {
	f := redactSetup(t)
	log := f.tel.Logger()
	ctx := context.Background()
	err := fmt.Errorf("could not place order: %w", errors.New("401 for key "+secretKeyID))
	log.InfoContext(ctx, "using key "+secretKeyID+" and "+secretValue)
	log.InfoContext(ctx, "attr", "detail", "secret is "+secretValue, "harmless", secretKeyID)
	log.InfoContext(ctx, "nested", slog.Group("broker", slog.Group("auth", "key_id", secretKeyID, "value", secretValue)))
	log.ErrorContext(ctx, "error value", "error", err, "err_any", slog.AnyValue(err))
	log.InfoContext(ctx, "struct", "config", map[string]any{"inner": []string{secretValue}})
	log.InfoContext(ctx, "stringer", "s", stringer{secretKeyID})
	log.With("preset", secretValue).WithGroup("g").InfoContext(ctx, "with", "k", secretKeyID)
	log.InfoContext(ctx, "sensitive keys", "api_key", "plain-but-named", "Authorization", "Bearer abc")
	out := f.out.String()
	assertClean(t, "log lines", out)
	if n := strings.Count(out, "[REDACTED]"); n < 10 {
		t.Errorf("only %d redactions in:\n%s", n, out)
	}
}

// Buffered DEBUG lines are formatted when logged and written when the
// invocation fails: they must be redacted too.
func TestSecretsNeverReachBufferedDebugLines(t *testing.T) {
	f := redactSetup(t)
	_ = Invoke(lambdaCtx(), f.tel.Wrap(func(ctx context.Context, _ json.RawMessage) error {
		f.tel.Logger().DebugContext(ctx, "request", "headers", map[string]string{"APCA-API-SECRET-KEY": secretValue})
		f.tel.Logger().ErrorContext(ctx, "flush the buffer")
		return nil
	}), event(t, true, nil))
	if !strings.Contains(f.out.String(), `"message":"request"`) {
		t.Fatalf("the buffered DEBUG line was not written:\n%s", f.out)
	}
	assertClean(t, "buffered debug lines", f.out.String())
}

// A handler's error and a panic go through the wrapper's logging; what
// the wrapper hands back to the Lambda runtime, aws-lambda-go logs with
// log.Printf and posts to the Runtime API (the on-failure destination's
// record and the X-Ray cause): see lambda/invoke_loop.go reportFailure.
func TestSecretsNeverReachTheWrappersErrorPaths(t *testing.T) {
	t.Run("error", func(t *testing.T) {
		f := redactSetup(t)
		err := Invoke(lambdaCtx(), f.tel.Wrap(func(context.Context, json.RawMessage) error {
			return fmt.Errorf("could not authenticate with %s/%s", secretKeyID, secretValue)
		}), event(t, true, nil))
		if err == nil {
			t.Fatal("no error")
		}
		assertClean(t, "wrapper logs", f.out.String())
		assertClean(t, "the error Invoke returns to the local stack", err.Error())
		_, err = f.tel.Wrap(func(context.Context, json.RawMessage) error {
			return fmt.Errorf("could not authenticate with %s/%s", secretKeyID, secretValue)
		}).Invoke(lambdaCtx(), event(t, true, nil))
		assertClean(t, "the error the wrapper returns to the Lambda runtime", fmt.Sprintf("%+v", err))
	})
	t.Run("panic", func(t *testing.T) {
		f := redactSetup(t)
		var p any
		func() {
			defer func() { p = recover() }()
			_ = Invoke(lambdaCtx(), f.tel.Wrap(func(context.Context, json.RawMessage) error {
				panic("bad credentials " + secretValue)
			}), event(t, true, nil))
		}()
		if p == nil {
			t.Fatal("the panic did not reach the runtime")
		}
		out := f.out.String()
		if !strings.Contains(out, `"invocation panicked"`) || !strings.Contains(out, `"stack":`) {
			t.Fatalf("no panic line with a stack:\n%s", out)
		}
		assertClean(t, "wrapper panic log", out)
		assertClean(t, "the panic value the wrapper re-raises to the Lambda runtime", fmt.Sprint(p))
	})
}

// An Alpaca API error whose body echoes the request's key headers, as an
// error from a proxy or a misconfigured gateway can.
func TestSecretsNeverReachLogsFromAlpacaErrors(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, secret := r.Header.Get("APCA-API-KEY-ID"), r.Header.Get("APCA-API-SECRET-KEY")
		if strings.HasSuffix(r.URL.Path, "/positions") { // not JSON: the client's "(HTTP nnn)" path
			http.Error(w, "forbidden: "+key+":"+secret, http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 40310000, "message": "key " + key + " secret " + secret + " rejected"})
	}))
	defer echo.Close()
	f := redactSetup(t)
	broker := alpaca.New(alpaca.Config{BaseURL: echo.URL, DataURL: echo.URL, KeyID: secretKeyID, Secret: secretValue})
	var apiErrs []error
	_ = Invoke(lambdaCtx(), f.tel.Wrap(func(ctx context.Context, _ json.RawMessage) error {
		_, errAccount := broker.Account(ctx)
		_, errPositions := broker.Positions(ctx)
		apiErrs = []error{errAccount, errPositions}
		f.tel.Logger().ErrorContext(ctx, "broker call failed", "error", errAccount, "positions_error", errPositions.Error())
		return errors.Join(apiErrs...)
	}), event(t, true, nil))
	for _, err := range apiErrs {
		if err == nil || leaked(err.Error()) == nil {
			t.Fatalf("the echo server did not put the key in the client's error: %v", err)
		}
	}
	assertClean(t, "logs of Alpaca errors", f.out.String())
}

// spanOfFailedInvocation runs an invocation whose code sets secrets on
// its span and returns an error holding one; it returns the exported
// spans as JSON.
func spanOfFailedInvocation(t *testing.T, f redactFixture) string {
	t.Helper()
	_ = Invoke(lambdaCtx(), f.tel.Wrap(func(ctx context.Context, _ json.RawMessage) error {
		span := trace.SpanFromContext(ctx)
		span.SetAttributes(attribute.String("url.full", "https://paper-api.alpaca.markets/v2/account?key="+secretKeyID),
			attribute.StringSlice("headers", []string{"APCA-API-SECRET-KEY: " + secretValue}))
		span.AddEvent("retry", trace.WithAttributes(attribute.String("reason", "401 for "+secretValue)))
		return errors.New("rejected key " + secretKeyID)
	}), event(t, true, nil))
	spans := f.spans.GetSpans()
	if len(spans) == 0 {
		t.Fatal("no span exported")
	}
	raw, err := json.Marshal(spans)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// Spans carry the handler's error (status and exception event) and what
// the code sets; they leave through the span exporter.
func TestSecretsNeverReachExportedSpans(t *testing.T) {
	t.Run("through RedactSpans", func(t *testing.T) {
		f := redactFixture{spans: tracetest.NewInMemoryExporter(), out: &bytes.Buffer{}}
		tel, err := Init(context.Background(), nil, WithEnv(func(k string) string {
			return map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "execution"}[k]
		}), WithOutput(f.out), WithSpanExporter(RedactSpans(f.spans, secretKeyID, secretValue)), WithSecrets(secretKeyID, secretValue))
		if err != nil {
			t.Fatal(err)
		}
		f.tel = tel
		raw := spanOfFailedInvocation(t, f)
		assertClean(t, "spans exported through RedactSpans", raw)
		if !strings.Contains(raw, "rejected key [REDACTED]") || !strings.Contains(raw, "exception") {
			t.Errorf("the error is not on the span, redacted: %s", raw)
		}
	})
	t.Run("Init's exporter", func(t *testing.T) {
		assertClean(t, "exported spans (status, exception event, attributes)", spanOfFailedInvocation(t, redactSetup(t)))
	})
}

// EMF lines are log lines: what the wrapper writes for a failed
// invocation names the error's type, never its text.
func TestSecretsNeverReachEMFLines(t *testing.T) {
	f := redactSetup(t)
	_ = Invoke(lambdaCtx(), f.tel.Wrap(func(context.Context, json.RawMessage) error {
		return errors.New("rejected key " + secretKeyID)
	}), event(t, true, map[string]any{"detail-type": "RebalancePlanned"}))
	var emf []string
	for _, l := range strings.Split(f.out.String(), "\n") {
		if telemetrytest.IsEMF([]byte(l)) {
			emf = append(emf, l)
		}
	}
	if len(emf) == 0 {
		t.Fatalf("no EMF line:\n%s", f.out)
	}
	assertClean(t, "EMF lines", strings.Join(emf, "\n"))

	t.Run("attribute values of the code's metrics", func(t *testing.T) {
		f := redactSetup(t)
		c, err := f.tel.MeterProvider().Meter("test").Int64Counter("BrokerCalls")
		if err != nil {
			t.Fatal(err)
		}
		c.Add(context.Background(), 1, metric.WithAttributes(attribute.String("endpoint", "/v2/account?key="+secretKeyID)))
		if err := f.tel.ForceFlush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(f.out.String(), "BrokerCalls") {
			t.Fatalf("no EMF line for the counter:\n%s", f.out)
		}
		assertClean(t, "EMF dimension values", f.out.String())
	})
}
