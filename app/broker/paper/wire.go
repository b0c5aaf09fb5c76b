package paper

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/shopspring/decimal"
)

// The JSON shapes of Alpaca's API, as the official client decodes them.

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type accountJSON struct {
	ID                   string          `json:"id"`
	AccountNumber        string          `json:"account_number"`
	Status               string          `json:"status"`
	Currency             string          `json:"currency"`
	BuyingPower          decimal.Decimal `json:"buying_power"`
	RegTBuyingPower      decimal.Decimal `json:"regt_buying_power"`
	NonMarginBuyingPower decimal.Decimal `json:"non_marginable_buying_power"`
	Cash                 decimal.Decimal `json:"cash"`
	PortfolioValue       decimal.Decimal `json:"portfolio_value"`
	Equity               decimal.Decimal `json:"equity"`
	LastEquity           decimal.Decimal `json:"last_equity"`
	LongMarketValue      decimal.Decimal `json:"long_market_value"`
	Multiplier           decimal.Decimal `json:"multiplier"`
	ShortingEnabled      bool            `json:"shorting_enabled"`
	CreatedAt            time.Time       `json:"created_at"`
}

type positionJSON struct {
	AssetID       string          `json:"asset_id"`
	Symbol        string          `json:"symbol"`
	Exchange      string          `json:"exchange"`
	AssetClass    string          `json:"asset_class"`
	Qty           decimal.Decimal `json:"qty"`
	QtyAvailable  decimal.Decimal `json:"qty_available"`
	AvgEntryPrice decimal.Decimal `json:"avg_entry_price"`
	Side          string          `json:"side"`
	MarketValue   decimal.Decimal `json:"market_value"`
	CostBasis     decimal.Decimal `json:"cost_basis"`
	UnrealizedPL  decimal.Decimal `json:"unrealized_pl"`
	CurrentPrice  decimal.Decimal `json:"current_price"`
}

type assetJSON struct {
	ID           string `json:"id"`
	Class        string `json:"class"`
	Exchange     string `json:"exchange"`
	Symbol       string `json:"symbol"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	Tradable     bool   `json:"tradable"`
	Fractionable bool   `json:"fractionable"`
}

type orderJSON struct {
	ID             string           `json:"id"`
	ClientOrderID  string           `json:"client_order_id"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	SubmittedAt    time.Time        `json:"submitted_at"`
	FilledAt       *time.Time       `json:"filled_at"`
	AssetID        string           `json:"asset_id"`
	Symbol         string           `json:"symbol"`
	AssetClass     string           `json:"asset_class"`
	OrderClass     string           `json:"order_class"`
	Type           string           `json:"type"`
	Side           string           `json:"side"`
	TimeInForce    string           `json:"time_in_force"`
	Status         string           `json:"status"`
	Qty            *decimal.Decimal `json:"qty"`
	Notional       *decimal.Decimal `json:"notional"`
	FilledQty      decimal.Decimal  `json:"filled_qty"`
	FilledAvgPrice *decimal.Decimal `json:"filled_avg_price"`
	LimitPrice     *decimal.Decimal `json:"limit_price"`
}

type orderRequest struct {
	Symbol        string           `json:"symbol"`
	Qty           *decimal.Decimal `json:"qty"`
	Notional      *decimal.Decimal `json:"notional"`
	Side          string           `json:"side"`
	Type          string           `json:"type"`
	TimeInForce   string           `json:"time_in_force"`
	LimitPrice    *decimal.Decimal `json:"limit_price"`
	ClientOrderID string           `json:"client_order_id"`
}

type clockJSON struct {
	Timestamp time.Time `json:"timestamp"`
	IsOpen    bool      `json:"is_open"`
	NextOpen  time.Time `json:"next_open"`
	NextClose time.Time `json:"next_close"`
}

type barJSON struct {
	T  time.Time `json:"t"`
	O  float64   `json:"o"`
	H  float64   `json:"h"`
	L  float64   `json:"l"`
	C  float64   `json:"c"`
	V  uint64    `json:"v"`
	N  uint64    `json:"n"`
	VW float64   `json:"vw"`
}

type quoteJSON struct {
	T  time.Time `json:"t"`
	BP float64   `json:"bp"`
	BS uint32    `json:"bs"`
	BX string    `json:"bx"`
	AP float64   `json:"ap"`
	AS uint32    `json:"as"`
	AX string    `json:"ax"`
	C  []string  `json:"c"`
	Z  string    `json:"z"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status, code int, format string, args ...any) {
	writeJSON(w, status, apiError{Code: code, Message: fmt.Sprintf(format, args...)})
}

// Alpaca error codes used here.
const (
	codeUnauthorized = 40110000
	codeForbidden    = 40310000
	codeNotFound     = 40410000
	codeInvalid      = 40010001
)
