package marketdata

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

//go:embed data/synthetic.csv
var syntheticCSV []byte

// Dataset is an in-memory set of daily bars. It is immutable and safe for
// concurrent use. As a Source it sees the market after the last session.
type Dataset struct {
	bars  map[string][]Bar
	days  []time.Time
	names map[string]string
	frac  map[string]bool
}

var _ Source = (*Dataset)(nil)

var synthetic = sync.OnceValues(func() (*Dataset, error) {
	return ParseCSV("data/synthetic.csv", syntheticCSV)
})

// Synthetic returns the bundled synthetic data set (see the package doc).
func Synthetic() (*Dataset, error) { return synthetic() }

// ParseCSV reads "symbol,date,open,high,low,close,volume" rows; lines
// starting with # are comments. Errors name file:line.
func ParseCSV(name string, data []byte) (*Dataset, error) {
	ds := &Dataset{bars: map[string][]Bar{}, names: map[string]string{}, frac: map[string]bool{}}
	days := map[time.Time]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	header := false
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !header {
			header = true
			continue
		}
		sym, bar, err := parseRow(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if prev := ds.bars[sym]; len(prev) > 0 && !prev[len(prev)-1].Time.Before(bar.Time) {
			return nil, fmt.Errorf("%s:%d: %s bars out of date order", name, line, sym)
		}
		ds.bars[sym] = append(ds.bars[sym], bar)
		days[bar.Time] = true
	}
	for d := range days {
		ds.days = append(ds.days, d)
	}
	sort.Slice(ds.days, func(i, j int) bool { return ds.days[i].Before(ds.days[j]) })
	for _, t := range tickers {
		ds.names[t.Symbol], ds.frac[t.Symbol] = t.Name, t.Fractionable
	}
	return ds, nil
}

func parseRow(text string) (string, Bar, error) {
	f := strings.Split(text, ",")
	if len(f) != 7 {
		return "", Bar{}, fmt.Errorf("want 7 columns, got %d", len(f))
	}
	day, err := time.Parse(time.DateOnly, f[1])
	if err != nil {
		return "", Bar{}, fmt.Errorf("date %q: %w", f[1], err)
	}
	var px [4]decimal.Decimal
	for i := range px {
		if px[i], err = decimal.NewFromString(f[2+i]); err != nil || !px[i].IsPositive() {
			return "", Bar{}, fmt.Errorf("column %d: %q is not a positive price", 3+i, f[2+i])
		}
	}
	vol, err := strconv.ParseUint(f[6], 10, 64)
	if err != nil {
		return "", Bar{}, fmt.Errorf("volume %q: %w", f[6], err)
	}
	return f[0], Bar{Time: day, Open: px[0], High: px[1], Low: px[2], Close: px[3], Volume: vol}, nil
}

// WithCopies returns a data set with d's symbols and, for each copy →
// original of copies, a symbol trading exactly like original (its bars,
// name and fractionability). The local stack's chaos uses it for an
// account holding many more symbols than the bundled twelve. A copy that
// names an existing symbol, or an original that does not exist, is an
// error.
func (d *Dataset) WithCopies(copies map[string]string) (*Dataset, error) {
	out := &Dataset{bars: maps.Clone(d.bars), days: d.days, names: maps.Clone(d.names), frac: maps.Clone(d.frac)}
	for c, orig := range copies {
		if _, ok := d.bars[c]; ok {
			return nil, fmt.Errorf("could not copy %s as %s: %s already exists", orig, c, c)
		}
		bars, ok := d.bars[orig]
		if !ok {
			return nil, fmt.Errorf("could not copy %s as %s: %w", orig, c, ErrUnknownSymbol)
		}
		out.bars[c], out.names[c], out.frac[c] = bars, d.names[orig]+" (copy)", d.frac[orig]
	}
	return out, nil
}

// Symbols returns the tickers, sorted.
func (d *Dataset) Symbols() []string {
	out := make([]string, 0, len(d.bars))
	for s := range d.bars {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TradingDays returns every session date, oldest first.
func (d *Dataset) TradingDays() []time.Time { return append([]time.Time(nil), d.days...) }

// Bars returns every bar of symbol, oldest first.
func (d *Dataset) Bars(symbol string) ([]Bar, error) {
	b, ok := d.bars[symbol]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSymbol, symbol)
	}
	return append([]Bar(nil), b...), nil
}

// Fractionable reports whether symbol trades in fractions of a share.
func (d *Dataset) Fractionable(symbol string) bool { return d.frac[symbol] }

// Name is the display name of symbol.
func (d *Dataset) Name(symbol string) string { return d.names[symbol] }

// DailyBars implements Source.
func (d *Dataset) DailyBars(ctx context.Context, symbol string, end time.Time, limit int) ([]Bar, error) {
	return d.At(d.afterLast()).DailyBars(ctx, symbol, end, limit)
}

// LatestQuote implements Source: around the last close.
func (d *Dataset) LatestQuote(ctx context.Context, symbol string) (Quote, error) {
	return d.At(d.afterLast()).LatestQuote(ctx, symbol)
}

func (d *Dataset) afterLast() time.Time {
	if len(d.days) == 0 {
		return time.Time{}
	}
	return d.days[len(d.days)-1].AddDate(0, 0, 1)
}

// At returns the market as seen at the open of session day.
func (d *Dataset) At(day time.Time) Source {
	return view{d: d, day: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)}
}

// Session returns day's session, with the NYSE's hours for it (13:00
// close on its early-close days): ok is false when day falls in the data
// set's range but has no bars (a weekend or an exchange holiday), and the
// error wraps ErrOutsideCalendar before the first session or after the
// last.
func (d *Dataset) Session(day time.Time) (s Session, ok bool, err error) {
	day = dateOf(day)
	if len(d.days) == 0 || day.Before(d.days[0]) || day.After(d.days[len(d.days)-1]) {
		return Session{}, false, d.outside(day)
	}
	i := sort.Search(len(d.days), func(i int) bool { return !d.days[i].Before(day) })
	if !d.days[i].Equal(day) {
		return Session{}, false, nil
	}
	return newSession(day), true, nil
}

// Sessions returns the sessions from from to to, both included.
func (d *Dataset) Sessions(from, to time.Time) []Session {
	from, to = dateOf(from), dateOf(to)
	var out []Session
	for _, day := range d.days {
		if !day.Before(from) && !day.After(to) {
			out = append(out, newSession(day))
		}
	}
	return out
}

func (d *Dataset) outside(day time.Time) error {
	if len(d.days) == 0 {
		return fmt.Errorf("%w: the data set has no sessions", ErrOutsideCalendar)
	}
	return fmt.Errorf("%w: %s is not in the data set's %s to %s", ErrOutsideCalendar, day.Format(time.DateOnly),
		d.days[0].Format(time.DateOnly), d.days[len(d.days)-1].Format(time.DateOnly))
}
