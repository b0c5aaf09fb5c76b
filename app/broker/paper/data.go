package paper

import (
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/app/marketdata"
)

// newYork is where Alpaca's daily bars are stamped: midnight local time.
var newYork = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("EST", -5*3600)
	}
	return loc
}

// Alpaca's default and maximum page sizes for bars.
const (
	defaultBarLimit = 1000
	maxBarLimit     = 10000
)

// getBars serves GET /v2/stocks/bars for timeframe 1Day: the bars the
// market has closed before the current session, filtered by start/end,
// in symbol order then time (sort=desc reverses time within a symbol),
// paginated by limit and page_token as Alpaca does.
func (x *Exchange) getBars(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if tf := q.Get("timeframe"); tf != "1Day" && tf != "1D" {
		writeError(w, http.StatusUnprocessableEntity, codeInvalid, "only timeframe 1Day is served, got %q", tf)
		return
	}
	start, end, err := parseRange(q.Get("start"), q.Get("end"))
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, codeInvalid, "%v", err)
		return
	}
	limit, offset, err := paging(q.Get("limit"), q.Get("page_token"))
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, codeInvalid, "%v", err)
		return
	}
	type row struct {
		sym string
		bar barJSON
	}
	var rows []row
	view := x.cfg.Dataset.At(x.Day())
	for _, sym := range symbolsParam(q.Get("symbols")) {
		bars, err := view.DailyBars(r.Context(), sym, end, 1<<30)
		if err != nil {
			continue // Alpaca leaves unknown symbols out
		}
		if q.Get("sort") == "desc" {
			slices.Reverse(bars)
		}
		for _, b := range bars {
			if !b.Time.Before(start) {
				rows = append(rows, row{sym, toBarJSON(b)})
			}
		}
	}
	resp := struct {
		Bars          map[string][]barJSON `json:"bars"`
		NextPageToken *string              `json:"next_page_token"`
	}{Bars: map[string][]barJSON{}}
	page := rows[min(offset, len(rows)):min(offset+limit, len(rows))]
	for _, rw := range page {
		resp.Bars[rw.sym] = append(resp.Bars[rw.sym], rw.bar)
	}
	if offset+limit < len(rows) {
		tok := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + limit)))
		resp.NextPageToken = &tok
	}
	writeJSON(w, http.StatusOK, resp)
}

func (x *Exchange) getLatestQuotes(w http.ResponseWriter, r *http.Request) {
	view := x.cfg.Dataset.At(x.Day())
	out := map[string]quoteJSON{}
	for _, sym := range symbolsParam(r.URL.Query().Get("symbols")) {
		q, err := view.LatestQuote(context.Background(), sym)
		if err != nil {
			continue
		}
		out[sym] = quoteJSON{T: q.Time, BP: q.BidPrice.InexactFloat64(), BS: 100, BX: "V",
			AP: q.AskPrice.InexactFloat64(), AS: 100, AX: "V", C: []string{"R"}, Z: "B"}
	}
	writeJSON(w, http.StatusOK, map[string]any{"quotes": out})
}

func toBarJSON(b marketdata.Bar) barJSON {
	c := b.Close.InexactFloat64()
	return barJSON{
		T: time.Date(b.Time.Year(), b.Time.Month(), b.Time.Day(), 0, 0, 0, 0, newYork).UTC(),
		O: b.Open.InexactFloat64(), H: b.High.InexactFloat64(), L: b.Low.InexactFloat64(), C: c,
		V: b.Volume, N: b.Volume / 100, VW: c,
	}
}

func symbolsParam(s string) []string {
	var out []string
	for _, sym := range strings.Split(s, ",") {
		if sym = strings.TrimSpace(sym); sym != "" {
			out = append(out, sym)
		}
	}
	slices.Sort(out)
	return out
}

// parseRange reads RFC 3339 start and end; a missing end is far future.
func parseRange(startText, endText string) (time.Time, time.Time, error) {
	start, end := time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	var err error
	if startText != "" {
		if start, err = time.Parse(time.RFC3339Nano, startText); err != nil {
			return start, end, err
		}
	}
	if endText != "" {
		if end, err = time.Parse(time.RFC3339Nano, endText); err != nil {
			return start, end, err
		}
	}
	// Bars are keyed by session date; compare on New York dates.
	return dateOf(start), dateOf(end), nil
}

func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.In(newYork).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func paging(limitText, token string) (int, int, error) {
	limit := defaultBarLimit
	if limitText != "" {
		n, err := strconv.Atoi(limitText)
		if err != nil || n < 1 || n > maxBarLimit {
			return 0, 0, errInvalidLimit
		}
		limit = n
	}
	offset := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return 0, 0, errInvalidToken
		}
		if offset, err = strconv.Atoi(string(raw)); err != nil || offset < 0 {
			return 0, 0, errInvalidToken
		}
	}
	return limit, offset, nil
}

type paramError string

func (e paramError) Error() string { return string(e) }

const (
	errInvalidLimit paramError = "invalid limit: want 1 to 10000"
	errInvalidToken paramError = "invalid page_token"
)
