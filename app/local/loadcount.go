package local

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/idempotency"
)

// LoadCounts is what a load-test stack counted beyond the bus's Stats.
type LoadCounts struct {
	// StoreRequests are the idempotency store's operations as DynamoDB
	// requests, by the DynamoDB store's mapping (app/idempotency/dynamodb): Acquire is a
	// conditional PutItem (and a GetItem when the condition fails),
	// Complete an UpdateItem, Delete a DeleteItem, Get a GetItem.
	StoreRequests int64
	// OrderPosts are POST /v2/orders requests that reached the exchange.
	OrderPosts int64
	// DuplicateOrderPosts are order POSTs the exchange refused because it
	// already had their client order id (422 "client_order_id must be
	// unique"): a retried or redelivered execution asking again, which
	// places nothing.
	DuplicateOrderPosts int64
	// DuplicateOrders are accepted orders beyond the first for one order
	// of one workflow: a client order id accepted twice, or a workflow's
	// (symbol, side) accepted under more than one client order id (a
	// second plan for the same workflow traded again).
	DuplicateOrders int
	// Orders are the orders the exchange accepted.
	Orders int
}

// Counts returns the counts so far.
func (s *LoadStack) Counts() LoadCounts {
	orders := s.AllOrders()
	b := s.hooks.broker
	return LoadCounts{StoreRequests: s.hooks.store.requests.Load(), OrderPosts: b.posts.Load(),
		DuplicateOrderPosts: b.duplicates.Load(), DuplicateOrders: s.plans.duplicates(orders), Orders: len(orders)}
}

// countingStore counts an idempotency store's operations as DynamoDB
// requests.
type countingStore struct {
	next     idempotency.Store
	requests atomic.Int64
}

var _ idempotency.Store = (*countingStore)(nil)

func (c *countingStore) Acquire(ctx context.Context, r idempotency.Record, now time.Time) (*idempotency.Record, error) {
	c.requests.Add(1)
	rec, err := c.next.Acquire(ctx, r, now)
	if errors.Is(err, idempotency.ErrExists) {
		c.requests.Add(1) // the DynamoDB store reads the blocking record
	}
	return rec, err
}

func (c *countingStore) Complete(ctx context.Context, r idempotency.Record) error {
	c.requests.Add(1)
	return c.next.Complete(ctx, r)
}

func (c *countingStore) Delete(ctx context.Context, key string) error {
	c.requests.Add(1)
	return c.next.Delete(ctx, key)
}

func (c *countingStore) Extend(ctx context.Context, key, owner string, until time.Time) error {
	c.requests.Add(1)
	return c.next.Extend(ctx, key, owner, until)
}

func (c *countingStore) Release(ctx context.Context, key, owner string) error {
	c.requests.Add(1)
	return c.next.Release(ctx, key, owner)
}

func (c *countingStore) Get(ctx context.Context, key string) (*idempotency.Record, error) {
	c.requests.Add(1)
	return c.next.Get(ctx, key)
}

// intent is one order of one workflow.
type intent struct{ correlationID, symbol, side string }

// planIndex maps the client order ids of every planned order to their
// workflow, from the RebalancePlanned events on the bus.
type planIndex struct {
	mu         sync.Mutex
	byClientID map[string]intent
}

func (p *planIndex) record(d Delivered) {
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
