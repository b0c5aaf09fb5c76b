package paper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/shopspring/decimal"
)

func exchange(t testing.TB) *Exchange {
	t.Helper()
	ds, err := marketdata.Synthetic()
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(Config{Dataset: ds, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.AddAccount("K", "S", AccountConfig{Cash: decimal.NewFromInt(50000)}); err != nil {
		t.Fatal(err)
	}
	return x
}

func post(t testing.TB, h http.Handler, body string) (int, map[string]any) {
	r := httptest.NewRequest(http.MethodPost, "/v2/orders", strings.NewReader(body))
	r.Header.Set("APCA-API-KEY-ID", "K")
	r.Header.Set("APCA-API-SECRET-KEY", "S")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// TestCashAndPositionsStayConsistent replays random orders and checks the
// books after each: cash moves by exactly the filled value, positions by the
// filled quantity, and neither goes negative.
func TestCashAndPositionsStayConsistent(t *testing.T) {
	x := exchange(t)
	rng := rand.New(rand.NewPCG(5, 6))
	syms := []string{"SPY", "QQQ", "BIL", "TLT", "XLE"}
	cash := decimal.NewFromInt(50000)
	held := map[string]decimal.Decimal{}
	for i := range 400 {
		sym := syms[rng.IntN(len(syms))]
		side := []string{"buy", "sell"}[rng.IntN(2)]
		qty := decimal.NewFromInt(int64(1 + rng.IntN(30)))
		body := fmt.Sprintf(`{"symbol":%q,"side":%q,"type":"market","time_in_force":"day","qty":"%s","client_order_id":"o-%d"}`, sym, side, qty, i)
		code, out := post(t, x, body)
		if code != http.StatusOK {
			if code != http.StatusForbidden {
				t.Fatalf("order %d: status %d %v", i, code, out)
			}
			continue
		}
		filled := decimal.RequireFromString(out["filled_qty"].(string))
		price := decimal.RequireFromString(out["filled_avg_price"].(string))
		if side == "buy" {
			cash, held[sym] = cash.Sub(filled.Mul(price)), held[sym].Add(filled)
		} else {
			cash, held[sym] = cash.Add(filled.Mul(price)), held[sym].Sub(filled)
		}
		a := x.accounts["K"]
		if !a.cash.Equal(cash) || cash.IsNegative() {
			t.Fatalf("order %d: cash %s, want %s", i, a.cash, cash)
		}
		for s, q := range held {
			got := decimal.Zero
			if p := a.positions[s]; p != nil {
				got = p.qty
			}
			if !got.Equal(q) || q.IsNegative() {
				t.Fatalf("order %d: %s position %s, want %s", i, s, got, q)
			}
		}
	}
}

func TestConcurrentBuysNeverOverspend(t *testing.T) {
	x := exchange(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, x, fmt.Sprintf(`{"symbol":"SPY","side":"buy","type":"market","qty":"10","client_order_id":"c-%d"}`, i))
		}()
	}
	wg.Wait()
	if c := x.accounts["K"].cash; c.IsNegative() {
		t.Fatalf("cash went negative: %s", c)
	}
	filled := 0
	for _, o := range x.Orders("K") {
		if o.Status == "filled" {
			filled++
		}
	}
	if filled == 0 || filled == 50 {
		t.Errorf("filled %d of 50 orders of $5000 each with $50000", filled)
	}
}

func TestDuplicateClientOrderIDPlacesNothing(t *testing.T) {
	x := exchange(t)
	body := `{"symbol":"SPY","side":"buy","type":"market","qty":"1","client_order_id":"same"}`
	if code, _ := post(t, x, body); code != http.StatusOK {
		t.Fatalf("first: %d", code)
	}
	code, out := post(t, x, body)
	if code != http.StatusUnprocessableEntity || out["message"] != "client_order_id must be unique" || out["code"].(float64) != codeInvalid {
		t.Errorf("duplicate: %d %v", code, out)
	}
	if len(x.Orders("K")) != 1 {
		t.Errorf("%d orders", len(x.Orders("K")))
	}
}

func TestRejectedAndPartialKnobs(t *testing.T) {
	x := exchange(t)
	x.RejectSymbols("TLT")
	x.PartialFill("QQQ", decimal.RequireFromString("0.5"))
	_, out := post(t, x, `{"symbol":"TLT","side":"buy","type":"market","qty":"1","client_order_id":"r"}`)
	if out["status"] != "rejected" {
		t.Errorf("status %v", out["status"])
	}
	_, out = post(t, x, `{"symbol":"QQQ","side":"buy","type":"market","qty":"4","client_order_id":"p"}`)
	if out["status"] != "partially_filled" || out["filled_qty"] != "2" {
		t.Errorf("partial %v %v", out["status"], out["filled_qty"])
	}
	x.SetDay(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))
	if o := x.Orders("K")[1]; o.Status != "expired" {
		t.Errorf("after the day: %s", o.Status)
	}
}

func TestStartBindsLoopbackOnly(t *testing.T) {
	x := exchange(t)
	base, err := x.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	u, _ := url.Parse(base)
	host, _, _ := net.SplitHostPort(u.Host)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		t.Errorf("listening on %s", u.Host)
	}
	resp, err := http.Get(base + "/v2/account")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no credentials: %d", resp.StatusCode)
	}
}

func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(`{"symbol":"SPY","side":"buy","type":"limit","qty":"1","limit_price":"2"}`))
	f.Add([]byte(`{"symbol":"SPY","side":"sell","type":"market","notional":"-1"}`))
	f.Add([]byte(`{"qty":1e999}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, rej := decodeOrder(bytes.NewReader(body))
		if rej != nil {
			if rej.status < 400 || rej.msg == "" {
				t.Fatalf("bad rejection %+v", rej)
			}
			return
		}
		if req.Symbol == "" || (req.Qty == nil) == (req.Notional == nil) || req.TimeInForce == "" {
			t.Fatalf("accepted invalid order %+v", req)
		}
		if req.Type == "limit" && (req.LimitPrice == nil || !req.LimitPrice.IsPositive()) {
			t.Fatalf("limit without price accepted")
		}
	})
}

// An order whose answer is held places the order even when the client
// gives up before the answer; a client that waits gets the usual answer.
func TestAnswerDelayPlacesTheOrderTheClientGaveUpOn(t *testing.T) {
	x := exchange(t)
	x.SetFaults(Faults{AnswerDelay: time.Hour, Paths: []string{"/v2/orders"}})
	body := `{"symbol":"SPY","side":"buy","type":"market","qty":"1","client_order_id":"given-up"}`
	r := httptest.NewRequest(http.MethodPost, "/v2/orders", strings.NewReader(body))
	r.Header.Set("APCA-API-KEY-ID", "K")
	r.Header.Set("APCA-API-SECRET-KEY", "S")
	ctx, cancel := context.WithCancel(r.Context())
	cancel() // the client has gone before the answer
	w := httptest.NewRecorder()
	x.ServeHTTP(w, r.WithContext(ctx))
	if w.Body.Len() != 0 || len(x.Orders("K")) != 1 || x.Orders("K")[0].ClientOrderID != "given-up" {
		t.Fatalf("answer %q, orders %+v", w.Body.String(), x.Orders("K"))
	}
	x.SetFaults(Faults{AnswerDelay: time.Millisecond})
	code, out := post(t, x, strings.Replace(body, "given-up", "waited", 1))
	if code != http.StatusOK || out["client_order_id"] != "waited" {
		t.Errorf("held answer: %d %v", code, out)
	}
}

func del(t testing.TB, h http.Handler, id string) (int, string) {
	r := httptest.NewRequest(http.MethodDelete, "/v2/orders/"+id, nil)
	r.Header.Set("APCA-API-KEY-ID", "K")
	r.Header.Set("APCA-API-SECRET-KEY", "S")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// DELETE /v2/orders/{id} has Alpaca's semantics
// (https://docs.alpaca.markets/reference/cancel-an-order-by-id): 204 and
// no body for an open order, which then reads canceled, keeps its partial
// fill and holds no more cash; 422 for one that ended; 404 for an unknown
// id.
func TestCancelAnOpenOrder(t *testing.T) {
	x := exchange(t)
	x.RestOrders("TLT")
	x.PartialFill("QQQ", decimal.RequireFromString("0.5"))
	_, rest := post(t, x, `{"symbol":"TLT","side":"buy","type":"limit","limit_price":"100","qty":"100","client_order_id":"rest"}`)
	_, part := post(t, x, `{"symbol":"QQQ","side":"buy","type":"market","qty":"4","client_order_id":"part"}`)
	_, done := post(t, x, `{"symbol":"SPY","side":"buy","type":"market","qty":"1","client_order_id":"done"}`)
	if rest["status"] != "new" {
		t.Fatalf("resting order %v", rest)
	}
	committed := committedCash(x)
	if !committed.Equal(decimal.NewFromInt(10000)) {
		t.Fatalf("the resting buy holds %s, want 10000", committed)
	}
	for _, id := range []string{rest["id"].(string), part["id"].(string)} {
		if code, body := del(t, x, id); code != http.StatusNoContent || body != "" {
			t.Errorf("DELETE %s: %d %q, want 204 and no body", id, code, body)
		}
	}
	orders := x.Orders("K")
	if orders[0].Status != "canceled" || !orders[0].FilledQty.IsZero() {
		t.Errorf("the resting order after the cancel: %+v", orders[0])
	}
	if orders[1].Status != "canceled" || !orders[1].FilledQty.Equal(decimal.NewFromInt(2)) {
		t.Errorf("the partly filled order after the cancel: %+v, want canceled with 2 filled", orders[1])
	}
	if c := committedCash(x); !c.IsZero() {
		t.Errorf("cash still held after the cancel: %s", c)
	}
	if code, _ := del(t, x, done["id"].(string)); code != http.StatusUnprocessableEntity {
		t.Errorf("DELETE of a filled order: %d, want 422", code)
	}
	if code, _ := del(t, x, rest["id"].(string)); code != http.StatusUnprocessableEntity {
		t.Errorf("a second DELETE: %d, want 422", code)
	}
	if code, _ := del(t, x, "nope"); code != http.StatusNotFound {
		t.Errorf("DELETE of an unknown order: %d, want 404", code)
	}
}

func committedCash(x *Exchange) decimal.Decimal {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.accounts["K"].committed()
}
