package alpaca

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

var d = decimal.RequireFromString

func ptr(s string) *decimal.Decimal { v := d(s); return &v }

type fixture struct {
	x   *paper.Exchange
	a   *Adapter
	now *time.Time
}

func setup(t testing.TB, delay time.Duration) fixture {
	t.Helper()
	ds, err := marketdata.Synthetic()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)
	x, err := paper.New(paper.Config{Dataset: ds, Clock: func() time.Time { return now }, FillDelay: delay, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.AddAccount("KEY", "SECRET", paper.AccountConfig{Cash: d("10000"), Positions: map[string]decimal.Decimal{"SPY": d("2")}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(x)
	t.Cleanup(srv.Close)
	a := New(Config{BaseURL: srv.URL, DataURL: srv.URL, KeyID: "KEY", Secret: "SECRET",
		Sleep: func(context.Context, time.Duration) error { now = now.Add(time.Second); return nil }})
	return fixture{x, a, &now}
}

func TestAccountPositionsAssetQuote(t *testing.T) {
	f := setup(t, 0)
	ctx := context.Background()
	acct, err := f.a.Account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := f.a.Positions(ctx)
	if err != nil || len(ps) != 1 || ps[0].Symbol != "SPY" || !ps[0].Qty.Equal(d("2")) {
		t.Fatalf("positions %+v %v", ps, err)
	}
	if !acct.Cash.Equal(d("10000")) || !acct.Equity.Equal(acct.Cash.Add(ps[0].MarketValue)) {
		t.Errorf("account %+v, position value %s", acct, ps[0].MarketValue)
	}
	as, err := f.a.Asset(ctx, "BIL")
	if err != nil || as.Fractionable || !as.Tradable {
		t.Errorf("asset %+v %v", as, err)
	}
	q, err := f.a.LatestQuote(ctx, "SPY")
	if err != nil || !q.AskPrice.GreaterThan(q.BidPrice) {
		t.Errorf("quote %+v %v", q, err)
	}
	if _, err := f.a.LatestQuote(ctx, "NOPE"); !errors.Is(err, broker.ErrNotFound) {
		t.Errorf("unknown quote: %v", err)
	}
	if _, err := f.a.Asset(ctx, "NOPE"); !errors.Is(err, broker.ErrNotFound) {
		t.Errorf("unknown asset: %v", err)
	}
	c, err := f.a.Clock(ctx)
	if err != nil || !c.IsOpen {
		t.Errorf("clock %+v %v", c, err)
	}
}

func TestPlaceOrdersAndDuplicates(t *testing.T) {
	f := setup(t, 0)
	ctx := context.Background()
	buy := broker.OrderRequest{ClientOrderID: "c-1", Symbol: "QQQ", Side: broker.Buy, Type: broker.Market, Qty: ptr("1.5")}
	o, err := f.a.PlaceOrder(ctx, buy)
	if err != nil || o.Status != broker.StatusFilled || !o.FilledQty.Equal(d("1.5")) || o.Existing {
		t.Fatalf("order %+v %v", o, err)
	}
	again, err := f.a.PlaceOrder(ctx, buy)
	if err != nil || !again.Existing || again.ID != o.ID {
		t.Fatalf("duplicate: %+v %v", again, err)
	}
	if n := len(f.x.Orders("KEY")); n != 1 {
		t.Errorf("exchange holds %d orders, want 1", n)
	}
	notional, err := f.a.PlaceOrder(ctx, broker.OrderRequest{ClientOrderID: "c-2", Symbol: "XLK", Side: broker.Buy, Type: broker.Market, Notional: ptr("500")})
	if err != nil || !notional.FilledQty.Mul(notional.FilledAvgPrice).LessThanOrEqual(d("500")) {
		t.Errorf("notional %+v %v", notional, err)
	}
	sell, err := f.a.PlaceOrder(ctx, broker.OrderRequest{ClientOrderID: "c-3", Symbol: "SPY", Side: broker.Sell, Type: broker.Limit, Qty: ptr("2"), LimitPrice: ptr("1")})
	if err != nil || sell.Status != broker.StatusFilled {
		t.Errorf("marketable sell limit %+v %v", sell, err)
	}
	resting, err := f.a.PlaceOrder(ctx, broker.OrderRequest{ClientOrderID: "c-4", Symbol: "DIA", Side: broker.Buy, Type: broker.Limit, Qty: ptr("1"), LimitPrice: ptr("1")})
	if err != nil || resting.Status != broker.StatusNew {
		t.Errorf("resting limit %+v %v", resting, err)
	}
}

func TestRejectionsAreMapped(t *testing.T) {
	f := setup(t, 0)
	ctx := context.Background()
	cases := []struct {
		req    broker.OrderRequest
		status int
	}{
		{broker.OrderRequest{Symbol: "SPY", Side: broker.Buy, Type: broker.Market, Qty: ptr("1000")}, 403},
		{broker.OrderRequest{Symbol: "TLT", Side: broker.Sell, Type: broker.Market, Qty: ptr("1")}, 403},
		{broker.OrderRequest{Symbol: "BIL", Side: broker.Buy, Type: broker.Market, Qty: ptr("0.5")}, 422},
		{broker.OrderRequest{Symbol: "SPY", Side: broker.Buy, Type: broker.Limit, Qty: ptr("1")}, 422},
	}
	for _, c := range cases {
		_, err := f.a.PlaceOrder(ctx, c.req)
		var be *broker.Error
		if !errors.As(err, &be) || be.StatusCode != c.status || !errors.Is(err, broker.ErrRejected) || be.Retryable() {
			t.Errorf("%+v: err = %v, want status %d rejected", c.req, err, c.status)
		}
	}
	bad := New(Config{BaseURL: f.a.cfg.BaseURL, DataURL: f.a.cfg.DataURL, KeyID: "KEY", Secret: "wrong"})
	if _, err := bad.Account(ctx); !errors.Is(err, broker.ErrUnauthorized) {
		t.Errorf("wrong secret: %v", err)
	}
}

func TestWaitForTerminalPollsUntilFilled(t *testing.T) {
	f := setup(t, 3*time.Second)
	ctx := context.Background()
	o, err := f.a.PlaceOrder(ctx, broker.OrderRequest{ClientOrderID: "w-1", Symbol: "GLD", Side: broker.Buy, Type: broker.Market, Qty: ptr("1")})
	if err != nil || o.Status != broker.StatusAccepted {
		t.Fatalf("placed %+v %v", o, err)
	}
	done, err := f.a.WaitForTerminal(ctx, "w-1")
	if err != nil || done.Status != broker.StatusFilled {
		t.Fatalf("waited %+v %v", done, err)
	}
	if waited := f.now.Sub(time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)); waited != 3*time.Second {
		t.Errorf("polled for %s of simulated time, want 3s", waited)
	}
}

func TestWaitForTerminalHonoursContext(t *testing.T) {
	f := setup(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	_, _ = f.a.PlaceOrder(ctx, broker.OrderRequest{ClientOrderID: "r-1", Symbol: "DIA", Side: broker.Buy, Type: broker.Limit, Qty: ptr("1"), LimitPrice: ptr("1")})
	f.a.cfg.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
	o, err := f.a.WaitForTerminal(ctx, "r-1")
	if !errors.Is(err, context.Canceled) || o.Status != broker.StatusNew {
		t.Errorf("wait = %+v, %v", o, err)
	}
}

func TestFaultsAreMapped(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		faults   paper.Faults
		sentinel error
		status   int
	}{
		{paper.Faults{ErrorRates: map[int]float64{503: 1}}, broker.ErrUnavailable, 503},
		{paper.Faults{RateLimit: 1}, broker.ErrRateLimited, 429},
	}
	for _, c := range cases {
		f := setup(t, 0)
		f.x.SetFaults(c.faults)
		_, err := f.a.Account(ctx)
		var be *broker.Error
		if !errors.As(err, &be) || be.StatusCode != c.status || !errors.Is(err, c.sentinel) || !be.Retryable() {
			t.Errorf("faults %+v: err = %v", c.faults, err)
		}
	}
	f := setup(t, 0)
	f.x.SetFaults(paper.Faults{TimeoutRate: 1})
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := f.a.Account(tctx)
	var be *broker.Error
	if !errors.As(err, &be) || be.StatusCode != 0 || !errors.Is(err, context.DeadlineExceeded) || !be.Retryable() {
		t.Errorf("timeout: err = %v", err)
	}
}

func TestDailyBarsThroughAlpacaClient(t *testing.T) {
	f := setup(t, 0)
	src := marketdata.NewAlpacaSource(marketdata.AlpacaConfig{BaseURL: f.a.cfg.DataURL, KeyID: "KEY", Secret: "SECRET"})
	end := time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)
	got, err := src.DailyBars(context.Background(), "SPY", end, 30)
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := marketdata.Synthetic()
	want, _ := ds.DailyBars(context.Background(), "SPY", end, 30)
	if len(got) != 30 || len(want) != 30 {
		t.Fatalf("got %d bars, want 30", len(got))
	}
	for i := range want {
		if !got[i].Time.Equal(want[i].Time) || !got[i].Close.Equal(want[i].Close) {
			t.Fatalf("bar %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// BenchmarkPlaceOrder measures an order round trip through the adapter and
// the official client against the paper exchange, next to the same request
// sent with bare net/http: the client and adapter overhead.
func BenchmarkPlaceOrder(b *testing.B) {
	ctx := context.Background()
	i := 0
	b.Run("impl=adapter", func(b *testing.B) {
		f := setup(b, 0)
		b.ReportAllocs()
		for b.Loop() {
			i++
			req := broker.OrderRequest{ClientOrderID: "b-" + strconv.Itoa(i), Symbol: "XLF", Side: broker.Buy, Type: broker.Market, Qty: ptr("0.001")}
			if _, err := f.a.PlaceOrder(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=net_http", func(b *testing.B) {
		f := setup(b, 0)
		b.ReportAllocs()
		for b.Loop() {
			i++
			body := `{"symbol":"XLF","side":"buy","type":"market","time_in_force":"day","qty":"0.001","client_order_id":"h-` + strconv.Itoa(i) + `"}`
			req, _ := http.NewRequest(http.MethodPost, f.a.cfg.BaseURL+"/v2/orders", strings.NewReader(body))
			req.Header.Set("APCA-API-KEY-ID", "KEY")
			req.Header.Set("APCA-API-SECRET-KEY", "SECRET")
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatal(err, resp.StatusCode)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

// CancelOrder reaches the exchange's DELETE /v2/orders/{id}: an open
// order ends canceled; one that already ended is ErrRejected (422); an
// unknown one ErrNotFound.
func TestCancelOrder(t *testing.T) {
	f := setup(t, 0)
	f.x.RestOrders("TLT")
	ctx := context.Background()
	o, err := f.a.PlaceOrder(ctx, broker.OrderRequest{ClientOrderID: "c1", Symbol: "TLT", Side: broker.Buy, Type: broker.Limit, Qty: ptr("1"), LimitPrice: ptr("50")})
	if err != nil || o.Status != broker.StatusNew {
		t.Fatalf("place: %+v %v", o, err)
	}
	if err := f.a.CancelOrder(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := f.a.OrderByClientOrderID(ctx, "c1"); err != nil || got.Status != broker.StatusCanceled {
		t.Errorf("after the cancel: %+v %v", got, err)
	}
	var be *broker.Error
	if err := f.a.CancelOrder(ctx, o.ID); !errors.Is(err, broker.ErrRejected) || !errors.As(err, &be) || be.StatusCode != 422 || be.Retryable() {
		t.Errorf("second cancel: %v, want a non-retryable 422", err)
	}
	if err := f.a.CancelOrder(ctx, "nope"); !errors.Is(err, broker.ErrNotFound) {
		t.Errorf("unknown order: %v, want ErrNotFound", err)
	}
}
