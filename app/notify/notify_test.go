package notify

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite golden files")

var d = decimal.RequireFromString

var t0 = time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)

func completed() Summary {
	return Summary{
		CorrelationID: "01JCQ6Z8Y3V0V3S7S3K2W5R9QX", Status: "completed", Outcome: "rebalanced", Trading: "enabled",
		TradingDate: "2026-11-20", StartedAt: t0, EndedAt: t0.Add(1234 * time.Millisecond),
		Allocations: []Allocation{{"SPY", d("0.6")}, {"TLT", d("0.4")}},
		Plan: []PlanLine{{Symbol: "TLT", Action: "SELL", Qty: d("10"), Price: d("85.31"), TradeValue: d("-853.10"), CurrentValue: d("1706.2"), TargetValue: d("853.1")},
			{Symbol: "SPY", Action: "BUY", Qty: d("1.5"), Price: d("502.10"), TradeValue: d("753.15"), CurrentValue: d("0"), TargetValue: d("753.15")}},
		Orders: []OrderLine{{Symbol: "TLT", Side: "sell", ClientOrderID: "alc-01234567-TLT-s-a1b2c3d4e5f6", Status: "filled", Qty: d("10"), FilledQty: d("10"), FilledAvgPrice: d("85.29")},
			{Symbol: "SPY", Side: "buy", ClientOrderID: "alc-01234567-SPY-b-0a1b2c3d4e5f", Status: "filled", Qty: d("1.5"), FilledQty: d("1.5"), FilledAvgPrice: d("502.2")}},
		Before:      &Portfolio{Equity: d("10000"), Cash: d("8293.8"), Positions: []Holding{{"TLT", d("20"), d("1706.2")}}},
		After:       &Portfolio{Equity: d("10000.1"), Cash: d("8393.6"), Positions: []Holding{{"SPY", d("1.5"), d("753.15")}, {"TLT", d("10"), d("853.1")}}},
		LogLocation: "runs/20261120T143500Z/logs",
	}
}

func failed() Summary {
	s := completed()
	s.Status, s.Outcome, s.FailedStep = "failed", "", "execution"
	s.Reason, s.ErrorType = "1 of 2 orders did not fill: SPY", "OrdersNotFilled"
	s.Orders[1].Status, s.Orders[1].FilledQty = "canceled", d("0.5")
	s.Orders[1].Error = "order canceled at the execution deadline: buy SPY with 0.5 of 1.5 filled"
	s.Runbook = "https://example.com/runbooks/workflow-failed.md"
	s.Dashboard = "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/Alchemiser-alchemiser?start=2026-11-20T14:20:00.000Z&end=2026-11-20T14:50:01.234Z"
	s.After = nil
	s.Budgets = testBudgets()
	return s
}

// halted is a day the kill switch halted: the plan, no order.
func halted() Summary {
	s := completed()
	s.Outcome, s.Trading, s.Orders = "halted", "halted", nil
	s.After = s.Before
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file:\n%s", name, got)
	}
}

func TestRenderGolden(t *testing.T) {
	for name, s := range map[string]Summary{"completed": completed(), "failed": failed(), "halted": halted()} {
		golden(t, name+".txt.golden", RenderText(s))
		html, err := RenderHTML(s)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name+".html.golden", html)
	}
}

func TestHTMLEscapesEverything(t *testing.T) {
	s := failed()
	s.Reason = `<script>alert("x")</script>`
	s.Orders[0].Symbol = `"><img src=x onerror=alert(1)>`
	html, err := RenderHTML(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "<img") {
		t.Errorf("unescaped input in HTML:\n%s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("reason missing")
	}
}

func TestSubjectFollowsSNSRules(t *testing.T) {
	s := failed()
	s.FailedStep = strings.Repeat("é\nx", 80)
	m, err := NewMessage(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Subject) > 100 || strings.ContainsAny(m.Subject, "\n\r") {
		t.Errorf("subject %q", m.Subject)
	}
	for _, c := range m.Subject {
		if c < 0x20 || c >= 0x7f {
			t.Fatalf("non-ASCII subject %q", m.Subject)
		}
	}
	if m.Key != s.CorrelationID+"-failed" {
		t.Errorf("key %q", m.Key)
	}
}

func TestOutboxIsIdempotentAndComplete(t *testing.T) {
	o := &Outbox{Dir: t.TempDir()}
	m, _ := NewMessage(completed())
	if err := o.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := o.Notify(context.Background(), m); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second delivery: %v", err)
	}
	entries, _ := os.ReadDir(o.Dir)
	if len(entries) != 3 {
		t.Errorf("outbox has %d files, want 3 (no temporaries left)", len(entries))
	}
	text, _ := os.ReadFile(filepath.Join(o.Dir, safeName(m.Key)+".txt"))
	if string(text) != m.Text {
		t.Errorf("text body differs")
	}
	err := Multi{o, o}.Notify(context.Background(), m)
	if err != nil {
		t.Errorf("Multi treats duplicates as errors: %v", err)
	}
}

func TestSlack(t *testing.T) {
	var payload string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		payload = string(b)
		w.WriteHeader(status)
		io.WriteString(w, "no_text")
	}))
	defer srv.Close()
	s := &Slack{WebhookURL: srv.URL}
	m, _ := NewMessage(failed())
	if err := s.Notify(context.Background(), m); err != nil || !strings.Contains(payload, "FAILED at execution") {
		t.Fatalf("%v %s", err, payload)
	}
	status = http.StatusBadRequest
	if err := s.Notify(context.Background(), m); err == nil || !strings.Contains(err.Error(), "status 400: no_text") {
		t.Errorf("err = %v", err)
	}
	// The webhook URL is a credential: a transport error must not print it.
	srv.Close()
	s.WebhookURL = srv.URL + "/services/T000/B000/secret-token-xyz"
	if err := s.Notify(context.Background(), m); err == nil || strings.Contains(err.Error(), "secret-token-xyz") {
		t.Errorf("transport error leaks the webhook URL: %v", err)
	}
}
