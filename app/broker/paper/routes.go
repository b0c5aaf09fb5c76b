package paper

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

type accountKey struct{}

func (x *Exchange) routes() {
	x.mux = http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		x.mux.HandleFunc(pattern, x.withFaults(x.authenticated(h)))
	}
	handle("GET /v2/account", x.getAccount)
	handle("GET /v2/positions", x.getPositions)
	handle("GET /v2/assets/{symbol}", x.getAsset)
	handle("GET /v2/clock", x.getClock)
	handle("GET /v2/calendar", x.getCalendar)
	handle("POST /v2/orders", x.postOrder)
	handle("GET /v2/orders", x.listOrders)
	handle("GET /v2/orders/{id}", x.getOrder)
	handle("DELETE /v2/orders/{id}", x.deleteOrder)
	handle("GET /v2/orders:by_client_order_id", x.getOrderByClientID)
	handle("GET /v2/stocks/bars", x.getBars)
	handle("GET /v2/stocks/quotes/latest", x.getLatestQuotes)
}

// authenticated resolves the account from Alpaca's key headers.
func (x *Exchange) authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("APCA-API-KEY-ID")
		x.mu.Lock()
		a, ok := x.accounts[key]
		x.mu.Unlock()
		if !ok || subtle.ConstantTimeCompare([]byte(a.secret), []byte(r.Header.Get("APCA-API-SECRET-KEY"))) != 1 {
			writeError(w, http.StatusUnauthorized, codeUnauthorized, "request is not authorized")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), accountKey{}, a)))
	}
}

func accountOf(r *http.Request) *account { return r.Context().Value(accountKey{}).(*account) }

func (x *Exchange) getAccount(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a := accountOf(r)
	long := decimal.Zero
	for sym, p := range a.positions {
		px, _ := x.mid(x.cfg.Dataset.At(x.day), sym)
		long = long.Add(p.qty.Mul(px))
	}
	equity := a.cash.Add(long)
	bp := a.cash.Sub(a.committed())
	writeJSON(w, http.StatusOK, accountJSON{
		ID: a.id, AccountNumber: strings.ToUpper(a.id), Status: "ACTIVE", Currency: "USD",
		BuyingPower: bp, RegTBuyingPower: bp, NonMarginBuyingPower: bp, Cash: a.cash,
		PortfolioValue: equity, Equity: equity, LastEquity: equity, LongMarketValue: long,
		Multiplier: decimal.NewFromInt(1), CreatedAt: a.created,
	})
}

func (x *Exchange) getPositions(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a := accountOf(r)
	out := []positionJSON{}
	for sym, p := range a.positions {
		px, _ := x.mid(x.cfg.Dataset.At(x.day), sym)
		value := p.qty.Mul(px)
		out = append(out, positionJSON{
			AssetID: assetID(sym), Symbol: sym, Exchange: "ARCA", AssetClass: "us_equity",
			Qty: p.qty, QtyAvailable: p.qty.Sub(a.heldForSale(sym)), AvgEntryPrice: p.cost.DivRound(p.qty, 4),
			Side: "long", MarketValue: value, CostBasis: p.cost, UnrealizedPL: value.Sub(p.cost), CurrentPrice: px,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Symbol < out[j].Symbol })
	writeJSON(w, http.StatusOK, out)
}

func (x *Exchange) getAsset(w http.ResponseWriter, r *http.Request) {
	sym := r.PathValue("symbol")
	if _, err := x.cfg.Dataset.Bars(sym); err != nil {
		writeError(w, http.StatusNotFound, codeNotFound, "asset not found for %s", sym)
		return
	}
	writeJSON(w, http.StatusOK, assetJSON{
		ID: assetID(sym), Class: "us_equity", Exchange: "ARCA", Symbol: sym, Name: x.cfg.Dataset.Name(sym),
		Status: "active", Tradable: true, Fractionable: x.cfg.Dataset.Fractionable(sym),
	})
}

func (x *Exchange) getOrder(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	defer x.mu.Unlock()
	o, ok := accountOf(r).byID[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, "order not found for %s", r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, x.orderJSON(o))
}

func (x *Exchange) getOrderByClientID(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	defer x.mu.Unlock()
	id := r.URL.Query().Get("client_order_id")
	o, ok := accountOf(r).byClient[id]
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, "order not found for %s", id)
		return
	}
	writeJSON(w, http.StatusOK, x.orderJSON(o))
}

func (x *Exchange) listOrders(w http.ResponseWriter, r *http.Request) {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := []orderJSON{}
	for _, o := range accountOf(r).orders {
		out = append(out, x.orderJSON(o))
	}
	writeJSON(w, http.StatusOK, out)
}

func (x *Exchange) orderJSON(o *Order) orderJSON {
	status := o.statusAt(x.cfg.Clock())
	j := orderJSON{
		ID: o.ID, ClientOrderID: o.ClientOrderID, CreatedAt: o.SubmittedAt, UpdatedAt: o.SubmittedAt,
		SubmittedAt: o.SubmittedAt, AssetID: assetID(o.Symbol), Symbol: o.Symbol, AssetClass: "us_equity",
		OrderClass: "simple", Type: o.Type, Side: o.Side, TimeInForce: o.TimeInForce, Status: status,
		Qty: o.Qty, Notional: o.Notional, FilledQty: decimal.Zero, LimitPrice: o.LimitPrice,
	}
	if status == "filled" || status == "partially_filled" || (status == "expired" || status == "canceled") && o.FilledQty.IsPositive() {
		j.FilledQty, j.FilledAvgPrice, j.FilledAt = o.FilledQty, o.FilledAvgPrice, o.FilledAt
	}
	return j
}

func assetID(sym string) string {
	var h uint64 = 14695981039346656037
	for _, c := range []byte(sym) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", h>>32, h>>16&0xffff, h>>4&0xfff, h&0xfff, h&0xffffffffffff)
}
