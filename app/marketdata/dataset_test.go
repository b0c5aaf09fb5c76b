package marketdata

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

func TestCommittedDataMatchesGenerator(t *testing.T) {
	if !bytes.Equal(Generate(GeneratorSeed), syntheticCSV) {
		t.Fatal("data/synthetic.csv differs from Generate's output: run go generate ./app/marketdata")
	}
}

func TestSyntheticIsSane(t *testing.T) {
	ds, err := Synthetic()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ds.Symbols()); got != 12 {
		t.Fatalf("symbols = %d", got)
	}
	days := ds.TradingDays()
	if len(days) != Sessions || !days[len(days)-1].Equal(LastSession) {
		t.Fatalf("days = %d ending %v", len(days), days[len(days)-1])
	}
	for _, s := range ds.Symbols() {
		bars, _ := ds.Bars(s)
		if len(bars) != Sessions {
			t.Errorf("%s has %d bars", s, len(bars))
		}
		for _, b := range bars {
			if b.High.LessThan(b.Open) || b.High.LessThan(b.Close) || b.Low.GreaterThan(b.Open) ||
				b.Low.GreaterThan(b.Close) || !b.Low.IsPositive() {
				t.Fatalf("%s %s: inconsistent bar %+v", s, b.Time.Format(time.DateOnly), b)
			}
			if wd := b.Time.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("%s: weekend session %s", s, b.Time)
			}
		}
	}
	if ds.Fractionable("BIL") || ds.Fractionable("SHY") || !ds.Fractionable("SPY") {
		t.Error("fractionable flags wrong")
	}
}

func TestViewNeverShowsTheFuture(t *testing.T) {
	ds, _ := Synthetic()
	ctx := context.Background()
	day := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC) // a Wednesday
	v := ds.At(day)
	bars, err := v.DailyBars(ctx, "SPY", day, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(bars) != 5 || !bars[4].Time.Equal(day.AddDate(0, 0, -1)) {
		t.Fatalf("last bar %v, want the day before %v", bars[len(bars)-1].Time, day)
	}
	// An earlier end cuts further back, inclusively.
	bars, _ = v.DailyBars(ctx, "SPY", day.AddDate(0, 0, -2), 1)
	if !bars[0].Time.Equal(day.AddDate(0, 0, -2)) {
		t.Errorf("end not inclusive: %v", bars[0].Time)
	}
	q, err := v.LatestQuote(ctx, "SPY")
	if err != nil {
		t.Fatal(err)
	}
	all, _ := ds.Bars("SPY")
	var open = all[0].Open
	for _, b := range all {
		if b.Time.Equal(day) {
			open = b.Open
		}
	}
	if !q.Mid().Equal(open) || !q.AskPrice.GreaterThan(q.BidPrice) {
		t.Errorf("quote %s/%s, want around open %s", q.BidPrice, q.AskPrice, open)
	}
	if _, err := v.LatestQuote(ctx, "NOPE"); !errors.Is(err, ErrUnknownSymbol) {
		t.Errorf("unknown symbol: %v", err)
	}
}

func TestParseCSVNamesLine(t *testing.T) {
	_, err := ParseCSV("x.csv", []byte("symbol,date,open,high,low,close,volume\nSPY,2026-01-02,1,1,1,-1,5\n"))
	if err == nil || err.Error()[:6] != "x.csv:" || !bytes.Contains([]byte(err.Error()), []byte("x.csv:2:")) {
		t.Errorf("err = %v", err)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("symbol,date,open,high,low,close,volume\nSPY,2026-01-02,1,2,0.5,1.5,5\n"))
	f.Add(syntheticCSV[:2000])
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ParseCSV("f.csv", data)
		if err != nil {
			return
		}
		for _, s := range ds.Symbols() {
			bars, _ := ds.Bars(s)
			for i := 1; i < len(bars); i++ {
				if !bars[i-1].Time.Before(bars[i].Time) {
					t.Fatal("bars out of order accepted")
				}
			}
		}
	})
}

func TestWithCopiesTradesLikeTheOriginal(t *testing.T) {
	ds, err := Synthetic()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ds.WithCopies(map[string]string{"OLD1": "SPY", "OLD2": "BIL"})
	if err != nil {
		t.Fatal(err)
	}
	spy, _ := ds.Bars("SPY")
	old1, err := cp.Bars("OLD1")
	if err != nil || len(old1) != len(spy) || old1[len(old1)-1] != spy[len(spy)-1] {
		t.Errorf("OLD1 bars differ from SPY's: %v", err)
	}
	if cp.Fractionable("OLD2") != ds.Fractionable("BIL") || len(cp.Symbols()) != len(ds.Symbols())+2 {
		t.Errorf("copies: %v", cp.Symbols())
	}
	if _, err := ds.Bars("OLD1"); err == nil {
		t.Error("the original data set changed")
	}
	if _, err := ds.WithCopies(map[string]string{"SPY": "TLT"}); err == nil {
		t.Error("a copy over an existing symbol was accepted")
	}
	if _, err := ds.WithCopies(map[string]string{"NEW": "NOPE"}); !errors.Is(err, ErrUnknownSymbol) {
		t.Errorf("copy of an unknown symbol: %v", err)
	}
}
