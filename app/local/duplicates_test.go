package local

import (
	"crypto/rand"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/emulator"
)

func TestDuplicateOrdersCountsSecondAcceptances(t *testing.T) {
	p := &planIndex{byClientID: map[string]intent{}}
	for _, plan := range []string{"plan-one", "plan-two"} { // a second plan of one workflow
		ev := &events.RebalancePlanned{Metadata: events.Root("W1", time.Now()), PlanID: plan, Allocations: []events.Allocation{},
			Before: events.Portfolio{Positions: []events.Holding{}},
			Items:  []events.PlanItem{{Symbol: "SPY", Action: "BUY"}, {Symbol: "TLT", Action: "SELL"}, {Symbol: "GLD", Action: "HOLD"}}}
		env, err := events.Wrap(ev, "alchemiser.portfolio", "1", "us-east-1")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(env)
		p.record(emulator.Delivered{Event: raw})
	}
	spy1 := execution.ClientOrderID("W1", "plan-one", "SPY", "buy")
	spy2 := execution.ClientOrderID("W1", "plan-two", "SPY", "buy")
	tlt1 := execution.ClientOrderID("W1", "plan-one", "TLT", "sell")
	random := func(symbol, side string) paper.Order {
		return paper.Order{ClientOrderID: "random-" + rand.Text(), Symbol: symbol, Side: side}
	}
	for _, c := range []struct {
		ids   []string
		extra []paper.Order // under ids no plan produced
		want  int
	}{
		{[]string{spy1, tlt1}, nil, 0},
		{[]string{spy1, spy2, tlt1}, nil, 1},       // SPY bought under both plans
		{[]string{tlt1, tlt1}, nil, 1},             // one client order id accepted twice
		{[]string{"manual-1", "manual-2"}, nil, 0}, // orders of no plan
		{nil, []paper.Order{random("SPY", "buy")}, 0},
		{[]string{spy1}, []paper.Order{random("SPY", "buy")}, 1},             // the plan's id, then a fresh one
		{nil, []paper.Order{random("SPY", "buy"), random("SPY", "buy")}, 1},  // two fresh ids for one intent
		{nil, []paper.Order{random("GLD", "buy"), random("SPY", "sell")}, 0}, // nobody planned these
	} {
		orders := slices.Clone(c.extra)
		for _, id := range c.ids {
			orders = append(orders, paper.Order{ClientOrderID: id})
		}
		if got := p.duplicates(orders); got != c.want {
			t.Errorf("%v: %d duplicates, want %d", c.ids, got, c.want)
		}
	}
}
