package marketdata_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

// failing answers the first n requests with status, then passes through.
type failing struct {
	n, status int32
	seen      atomic.Int32
	next      http.RoundTripper
}

func (f *failing) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.seen.Add(1) <= f.n {
		return &http.Response{StatusCode: int(f.status), Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

func source(t *testing.T, f *failing) *marketdata.AlpacaSource {
	t.Helper()
	ds, err := marketdata.Synthetic()
	if err != nil {
		t.Fatal(err)
	}
	x, err := paper.New(paper.Config{Dataset: ds, Day: ds.TradingDays()[len(ds.TradingDays())-1]})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.AddAccount("K", "S", paper.AccountConfig{Cash: decimal.NewFromInt(1000)}); err != nil {
		t.Fatal(err)
	}
	base, err := x.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	f.next = http.DefaultTransport
	return marketdata.NewAlpacaSource(marketdata.AlpacaConfig{BaseURL: base, KeyID: "K", Secret: "S",
		HTTPClient: &http.Client{Transport: f}, RetryBackoff: time.Millisecond})
}

func TestTransientFailuresAreRetried(t *testing.T) {
	f := &failing{n: 2, status: 503}
	q, err := source(t, f).LatestQuote(context.Background(), "SPY")
	if err != nil || q.AskPrice.IsZero() {
		t.Fatalf("after two 503s: %v %+v", err, q)
	}
	if got := f.seen.Load(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
}

func TestLastingUnavailabilityIsRetryable(t *testing.T) {
	f := &failing{n: 100, status: 429}
	_, err := source(t, f).DailyBars(context.Background(), "SPY", time.Now(), 10)
	var u *marketdata.UnavailableError
	if !errors.As(err, &u) || !u.Retryable() || u.Status != 429 {
		t.Fatalf("err = %v, want a retryable UnavailableError with status 429", err)
	}
	if got := f.seen.Load(); got != 1+marketdata.DefaultRetries {
		t.Errorf("%d requests, want %d", got, 1+marketdata.DefaultRetries)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	f := &failing{n: 100, status: 403}
	_, err := source(t, f).LatestQuote(context.Background(), "SPY")
	var u *marketdata.UnavailableError
	if err == nil || errors.As(err, &u) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	if got := f.seen.Load(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}
