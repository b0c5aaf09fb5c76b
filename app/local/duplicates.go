package local

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/emulator"
)

// intent is one order of one workflow.
type intent struct{ correlationID, symbol, side string }

// planIndex maps the client order ids of every planned order to their
// workflow, from the RebalancePlanned events on the bus.
type planIndex struct {
	mu         sync.Mutex
	byClientID map[string]intent
}

func (p *planIndex) record(d emulator.Delivered) {
	var env events.Envelope
	if json.Unmarshal(d.Event, &env) != nil || env.DetailType != events.TypeRebalancePlanned {
		return
	}
	ev, err := events.DecodeDetail(env.DetailType, env.Detail)
	plan, ok := ev.(*events.RebalancePlanned)
	if err != nil || !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, it := range plan.Items {
		side := broker.Side(strings.ToLower(it.Action))
		if side != broker.Buy && side != broker.Sell {
			continue
		}
		id := execution.ClientOrderID(plan.CorrelationID, plan.PlanID, it.Symbol, side)
		p.byClientID[id] = intent{plan.CorrelationID, it.Symbol, string(side)}
	}
}

// duplicates counts accepted orders beyond the first per client order
// id, and per workflow intent across client order ids. Orders under ids
// no plan produced cannot be tied to a workflow: per symbol and side some
// plan has, those beyond the workflows that planned it and have no order
// yet are duplicates (so a client order id scheme that changes between
// attempts is still caught).
func (p *planIndex) duplicates(orders []paper.Order) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	type symbolSide struct{ symbol, side string }
	byID, byIntent := map[string]int{}, map[intent]map[string]bool{}
	unknown := map[symbolSide]int{}
	n := 0
	for _, o := range orders {
		if byID[o.ClientOrderID]++; byID[o.ClientOrderID] > 1 {
			n++
			continue
		}
		it, ok := p.byClientID[o.ClientOrderID]
		if !ok {
			unknown[symbolSide{o.Symbol, o.Side}]++
			continue
		}
		if byIntent[it] == nil {
			byIntent[it] = map[string]bool{}
		}
		byIntent[it][o.ClientOrderID] = true
		if len(byIntent[it]) > 1 {
			n++
		}
	}
	if len(unknown) == 0 {
		return n
	}
	planned := map[symbolSide]map[string]bool{}
	for _, it := range p.byClientID {
		k := symbolSide{it.symbol, it.side}
		if planned[k] == nil {
			planned[k] = map[string]bool{}
		}
		planned[k][it.correlationID] = true
	}
	for k, u := range unknown {
		if len(planned[k]) == 0 {
			continue // orders of no plan (placed by hand)
		}
		ordered := 0
		for it := range byIntent {
			if it.symbol == k.symbol && it.side == k.side {
				ordered++
			}
		}
		n += max(0, u+ordered-len(planned[k]))
	}
	return n
}
