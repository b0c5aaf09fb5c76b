package execution

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

// recorder is an injected clock and sleep: sleeping advances the clock.
type recorder struct {
	now    time.Time
	sleeps []time.Duration
}

func (r *recorder) sleep(_ context.Context, d time.Duration) error {
	r.sleeps = append(r.sleeps, d)
	r.now = r.now.Add(d)
	return nil
}

func executor(t *testing.T, b broker.Broker, cfg Config) (*Executor, *recorder) {
	t.Helper()
	r := &recorder{now: time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)}
	cfg.Sleep, cfg.Now = r.sleep, func() time.Time { return r.now }
	cfg.Rand = rand.New(rand.NewPCG(1, 2))
	e, err := New(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e, r
}

func plan(items ...Intent) Request {
	return Request{CorrelationID: "01JCORRELATION", PlanID: "0123456789abcdef", Items: items}
}

func buy(sym, qty string) Intent {
	return Intent{Symbol: sym, Side: broker.Buy, Qty: d(qty), Fractionable: true, RefPrice: map[string]decimal.Decimal{"A": d("10"), "B": d("20"), "C": d("50")}[sym]}
}

func sell(sym, qty string) Intent { i := buy(sym, qty); i.Side = broker.Sell; return i }

func TestSellsBeforeBuys(t *testing.T) {
	f := newFake("1000")
	e, _ := executor(t, f, Config{})
	rep, err := e.Execute(context.Background(), plan(buy("A", "10"), sell("B", "5"), buy("C", "2"), sell("A", "1")))
	if err != nil || !rep.Succeeded() {
		t.Fatalf("report %+v, %v", rep, err)
	}
	want := "place B sell; place A sell; place A buy; place C buy"
	if got := strings.Join(f.calls, "; "); got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	if rep.Submitted != 4 || rep.Filled != 4 {
		t.Errorf("submitted %d filled %d", rep.Submitted, rep.Filled)
	}
}

func TestDuplicateExecutionPlacesNothingNew(t *testing.T) {
	f := newFake("1000")
	e, _ := executor(t, f, Config{})
	req := plan(sell("B", "1"), buy("A", "10"))
	first, _ := e.Execute(context.Background(), req)
	second, err := e.Execute(context.Background(), req)
	if err != nil || len(f.calls) != 2 {
		t.Fatalf("calls %v, %v", f.calls, err)
	}
	for i, o := range second.Orders {
		if !o.Existing || o.OrderID != first.Orders[i].OrderID || o.Err != nil {
			t.Errorf("second run order %+v", o)
		}
	}
}

func TestRetriesRetryableErrorsThenSucceeds(t *testing.T) {
	f := newFake("1000")
	f.failNext["place"] = []error{rateLimited(), unavailable()}
	e, r := executor(t, f, Config{})
	rep, err := e.Execute(context.Background(), plan(buy("A", "1")))
	if err != nil || !rep.Succeeded() || rep.Orders[0].Attempts != 1+3 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if len(r.sleeps) != 2 || r.sleeps[0] > 200*time.Millisecond || r.sleeps[1] > 400*time.Millisecond {
		t.Errorf("backoff sleeps %v, want full jitter under 200ms then 400ms", r.sleeps)
	}
}

func TestDoesNotRetryRejections(t *testing.T) {
	f := newFake("1000")
	f.failNext["place"] = []error{rejected()}
	e, r := executor(t, f, Config{})
	rep, err := e.Execute(context.Background(), plan(buy("A", "1"), buy("B", "1")))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.sleeps) != 0 || len(rep.Failed) != 1 || rep.Failed[0] != "A" || !errors.Is(rep.Orders[0].Err, broker.ErrRejected) {
		t.Errorf("report %+v sleeps %v", rep, r.sleeps)
	}
	if rep.Orders[1].Err != nil {
		t.Errorf("B should still fill: %v", rep.Orders[1].Err)
	}
}

func TestBreakerOpensAndFailsFast(t *testing.T) {
	f := newFake("1000")
	var transitions []string
	errs := make([]error, 20)
	for i := range errs {
		errs[i] = unavailable()
	}
	f.failNext["quote"] = errs
	type invocationKey struct{}
	e, _ := executor(t, f, Config{BreakerTrips: 3, MaxAttempts: 2, OnBreakerStateChange: func(ctx context.Context, from, to string) {
		// The call's context: the state-change line is the invocation's.
		transitions = append(transitions, from+"->"+to+" in "+fmt.Sprint(ctx.Value(invocationKey{})))
	}})
	// Sells go straight to the quote; no successful account read in between.
	ctx := context.WithValue(context.Background(), invocationKey{}, "inv-1")
	_, err := e.Execute(ctx, plan(sell("A", "1")))
	if !errors.Is(err, ErrRetryable) {
		t.Fatalf("first: %v", err)
	}
	_, err = e.Execute(ctx, plan(sell("A", "1")))
	if !errors.Is(err, ErrBreakerOpen) || !errors.Is(err, ErrRetryable) {
		t.Fatalf("second: %v", err)
	}
	if len(f.failNext["quote"]) != 20-3 {
		t.Errorf("broker saw %d calls, want 3 before the breaker opened", 20-len(f.failNext["quote"]))
	}
	if strings.Join(transitions, ",") != "closed->open in inv-1" {
		t.Errorf("transitions %v", transitions)
	}
}

// A broker that holds order requests open fails each attempt at
// CallTimeout: the attempt is retried, and the invocation's own deadline
// (none here) is never what ends it.
func TestHungRequestsEndAtTheCallTimeoutAndAreRetried(t *testing.T) {
	f := newFake("1000")
	f.hang = 2
	e, r := executor(t, f, Config{CallTimeout: time.Millisecond})
	rep, err := e.Execute(context.Background(), plan(buy("A", "1")))
	if err != nil || !rep.Succeeded() || rep.Orders[0].Attempts != 1+3 || len(r.sleeps) != 2 {
		t.Fatalf("report %+v, %v, sleeps %v", rep, err, r.sleeps)
	}
	f.hang = 10
	e, _ = executor(t, f, Config{CallTimeout: time.Millisecond, MaxAttempts: 2, BreakerTrips: 2})
	_, err = e.Execute(context.Background(), plan(buy("B", "1")))
	if !errors.Is(err, ErrRetryable) || !errors.Is(err, context.DeadlineExceeded) || f.hang != 10-2 {
		t.Fatalf("err %v after %d hung calls, want a retryable timeout after 2", err, 10-f.hang)
	}
}

func TestRejectionsDoNotOpenTheBreaker(t *testing.T) {
	f := newFake("1000")
	f.failNext["place"] = []error{rejected(), rejected(), rejected(), rejected(), rejected(), rejected()}
	e, _ := executor(t, f, Config{BreakerTrips: 2})
	rep, _ := e.Execute(context.Background(), plan(buy("A", "1"), buy("B", "1"), buy("C", "1"), sell("A", "0")))
	for _, o := range rep.Orders {
		if errors.Is(o.Err, ErrBreakerOpen) {
			t.Fatalf("breaker opened on rejections: %+v", rep.Orders)
		}
	}
}

func TestBackoffStopsBeforeTheDeadline(t *testing.T) {
	f := newFake("1000")
	f.failNext["quote"] = []error{unavailable(), unavailable(), unavailable()}
	e, r := executor(t, f, Config{BaseBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second, DeadlineMargin: 2 * time.Second})
	start := r.now
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(2500*time.Millisecond))
	defer cancel()
	_, err := e.Execute(ctx, plan(sell("A", "1")))
	if !errors.Is(err, ErrDeadline) || !errors.Is(err, ErrRetryable) {
		t.Fatalf("err = %v, want ErrDeadline", err)
	}
	if limit := start.Add(500 * time.Millisecond); r.now.After(limit) {
		t.Errorf("slept %v, past the deadline minus the margin", r.sleeps)
	}
}

// TestOpenOrdersAreCanceledAtTheDeadline: the wait for fills ends at the
// deadline minus the margin, the open order is cancelled (a partial fill
// kept), and no order is placed after it.
func TestOpenOrdersAreCanceledAtTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		status broker.OrderStatus
		filled string
	}{{broker.StatusNew, "0"}, {broker.StatusPartiallyFilled, "2"}} {
		t.Run(string(tc.status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake("1000")
				f.status["A"] = tc.status
				e, err := New(f, Config{DeadlineMargin: 2 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				start := time.Now()
				rep, err := e.Execute(ctx, plan(buy("A", "4"), buy("B", "1")))
				if err != nil {
					t.Fatal(err)
				}
				if waited := time.Since(start); waited != time.Minute-2*time.Second {
					t.Errorf("waited %s for fills, want until the deadline minus the margin", waited)
				}
				a, b := rep.Orders[0], rep.Orders[1]
				if a.Status != broker.StatusCanceled || !a.Canceled || !a.FilledQty.Equal(d(tc.filled)) || !errors.Is(a.Err, ErrCanceled) {
					t.Errorf("open order %+v, want canceled with %s filled", a, tc.filled)
				}
				if b.OrderID != "" || !errors.Is(b.Err, ErrDeadline) {
					t.Errorf("order after the deadline %+v, want not placed", b)
				}
				if want := []string{"place A buy", "cancel A"}; !slices.Equal(f.calls, want) {
					t.Errorf("calls %v, want %v", f.calls, want)
				}
				if rep.Submitted != 1 || rep.Filled != 0 || len(rep.Failed) != 2 {
					t.Errorf("report %+v", rep)
				}
			})
		})
	}
}

func TestACancelThatLosesToAFillReportsTheFill(t *testing.T) {
	f := newFake("1000")
	f.status["A"] = broker.StatusNew
	f.failNext["cancel"] = []error{rejected()}
	e, _ := executor(t, f, Config{DeadlineMargin: time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	f.mu.Lock()
	f.onCancelFail = func(o *broker.Order) { o.Status, o.FilledQty = broker.StatusFilled, o.Qty }
	f.mu.Unlock()
	rep, err := e.Execute(ctx, plan(buy("A", "1")))
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Orders[0]; o.Status != broker.StatusFilled || o.Canceled || o.Err != nil || rep.Filled != 1 {
		t.Errorf("order %+v, want the fill that came before the cancel", o)
	}
}

func TestBuysScaleToBuyingPower(t *testing.T) {
	f := newFake("100")
	e, _ := executor(t, f, Config{SlippageBps: 1})
	// Needs 10 x 10 + 5 x 20 = 200 (plus 1 bps) with 100 available.
	rep, err := e.Execute(context.Background(), plan(buy("A", "10"), buy("B", "5")))
	if err != nil {
		t.Fatal(err)
	}
	spent := decimal.Zero
	for _, o := range rep.Orders {
		spent = spent.Add(o.FilledQty.Mul(o.FilledAvgPrice))
	}
	if spent.GreaterThan(d("100")) || spent.LessThan(d("99.9")) || f.cash.IsNegative() {
		t.Errorf("spent %s of 100: %+v", spent, rep.Orders)
	}
}

func TestBuyScaledToNothingIsReported(t *testing.T) {
	f := newFake("5")
	e, _ := executor(t, f, Config{})
	in := buy("C", "1")
	in.Fractionable = false
	rep, err := e.Execute(context.Background(), plan(in))
	if err != nil || len(rep.Failed) != 1 || !errors.Is(rep.Orders[0].Err, ErrNoBuyingPower) || len(f.calls) != 0 {
		t.Errorf("report %+v %v calls %v", rep, err, f.calls)
	}
}

func TestLimitPrice(t *testing.T) {
	q := func(bid, ask string) marketdata.Quote { return marketdata.Quote{BidPrice: d(bid), AskPrice: d(ask)} }
	cases := []struct {
		side  broker.Side
		quote marketdata.Quote
		bps   int
		want  string
	}{
		{broker.Buy, q("99.98", "100.02"), 50, "100.52"}, // 100.5201 down to the cent
		{broker.Sell, q("99.98", "100.02"), 50, "99.49"}, // 99.4801 up to the cent
		{broker.Buy, q("0.5", "0.5012"), 50, "0.5037"},   // sub-dollar: 4 places
		{broker.Sell, q("0.5", "0.5012"), 50, "0.4975"},
		{broker.Buy, q("10", "10"), 0, "10"},
	}
	for _, c := range cases {
		if got := LimitPrice(c.side, c.quote, c.bps); !got.Equal(d(c.want)) {
			t.Errorf("%s %v %d bps = %s, want %s", c.side, c.quote, c.bps, got, c.want)
		}
	}
}

var idShape = regexp.MustCompile(`^alc-[A-Za-z0-9]{1,8}-[A-Za-z0-9]{1,10}-[bs]-[0-9a-f]{12}$`)

func TestClientOrderID(t *testing.T) {
	a := ClientOrderID("01JC", "0123456789abcdef", "SPY", broker.Buy)
	if a != ClientOrderID("01JC", "0123456789abcdef", "SPY", broker.Buy) || !idShape.MatchString(a) {
		t.Errorf("id %s", a)
	}
	others := []string{
		ClientOrderID("01JD", "0123456789abcdef", "SPY", broker.Buy),
		ClientOrderID("01JC", "0123456789abcdeX", "SPY", broker.Buy),
		ClientOrderID("01JC", "0123456789abcdef", "SPYX", broker.Buy),
		ClientOrderID("01JC", "0123456789abcdef", "SPY", broker.Sell),
	}
	for _, o := range others {
		if o == a {
			t.Errorf("collision %s", o)
		}
	}
}

func FuzzClientOrderID(f *testing.F) {
	f.Add("01JC", "plan", "SPY", true)
	f.Add("", "", "", false)
	f.Add("ü\x00", "../..", "BRK.B", true)
	f.Fuzz(func(t *testing.T, corr, plan, sym string, isBuy bool) {
		side := broker.Sell
		if isBuy {
			side = broker.Buy
		}
		id := ClientOrderID(corr, plan, sym, side)
		if len(id) > 48 || !idShape.MatchString(id) {
			t.Fatalf("invalid id %q", id)
		}
	})
}

// BenchmarkClientOrderID compares the readable id with the bare hash it
// contains.
func BenchmarkClientOrderID(b *testing.B) {
	b.Run("impl=client_order_id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ClientOrderID("01JCQ6Z8Y3V0V3S7S3K2W5R9QX", "0123456789abcdef", "SPY", broker.Buy)
		}
	})
	b.Run("impl=sha256_hex", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sum := sha256.Sum256([]byte("01JCQ6Z8Y3V0V3S7S3K2W5R9QX\x000123456789abcdef\x00SPY\x00buy"))
			_ = hex.EncodeToString(sum[:6])
		}
	})
}
