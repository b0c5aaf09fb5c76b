package loadtest

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency"
)

// localCounts is what a load-test stack counted beyond the bus's Stats.
type localCounts struct {
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

// counts returns the counts so far.
func (s *localStack) counts() localCounts {
	orders := s.allOrders()
	b := s.broker
	return localCounts{StoreRequests: s.store.requests.Load(), OrderPosts: b.posts.Load(),
		DuplicateOrderPosts: b.duplicates.Load(), DuplicateOrders: s.DuplicateOrders(orders), Orders: len(orders)}
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
