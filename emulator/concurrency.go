package emulator

import (
	"slices"
	"sync"
	"time"
)

// Lambda's asynchronous invocation when the function's reserved
// concurrency is in use: the invocation is throttled (429), Lambda
// returns the event to its queue and tries again, the interval growing
// exponentially from 1 second after the first attempt to at most 5
// minutes, for up to 6 hours by default (MaximumEventAgeInSeconds bounds
// it); throttles are not function errors, so they do not count against
// MaximumRetryAttempts
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html,
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
const (
	throttleFirstRetry = time.Second
	throttleMaxRetry   = 5 * time.Minute
)

// throttleBackoff is the wait after the n-th throttle (1, 2, ...) of one
// event. AWS documents the bounds, not the exact curve: doubling, no
// jitter, so that runs repeat.
func throttleBackoff(n int) time.Duration {
	return min(throttleFirstRetry<<min(n-1, 20), throttleMaxRetry)
}

// ThrottledError is Lambda's answer to an invocation beyond the
// function's reserved concurrency.
type ThrottledError struct{ Function string }

func (e *ThrottledError) Error() string {
	return e.Function + ": TooManyRequestsException: Rate Exceeded. (reserved concurrency in use)"
}

// ErrorType is Lambda's name for it.
func (e *ThrottledError) ErrorType() string { return "TooManyRequestsException" }

// Queueing is what a function's reserved concurrency did to its
// invocations: how often they were throttled and how long the
// asynchronous ones waited in Lambda's queue for a free slot.
type Queueing struct {
	Function  string // logical id
	Reserved  int    // reserved concurrency; -1 when none
	Throttles int    // throttled invocation attempts (AWS/Lambda Throttles)
	// Queued is, for every asynchronous invocation that ran, the time its
	// event spent throttled before it: the sum of Lambda's backoff waits,
	// unscaled, in the order they ran. Zero for one that ran at once.
	Queued []time.Duration
	// Expired counts events whose age ran out while throttled: sent to the
	// on-failure destination (condition EventAgeExceeded) without running.
	Expired int
	// Peak is the most invocations that ran at once.
	Peak int
}

// slots is a function's concurrency: the invocations running and what
// throttling did.
type slots struct {
	mu      sync.Mutex
	running int
	q       Queueing
}

// acquire takes a slot for one invocation of f; false when its reserved
// concurrency is in use, which counts as a throttle.
func (f *function) acquire() bool {
	s := &f.slots
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.ReservedConcurrency >= 0 && s.running >= f.ReservedConcurrency {
		s.q.Throttles++
		return false
	}
	s.running++
	s.q.Peak = max(s.q.Peak, s.running)
	return true
}

// release frees the slot of an invocation that ended.
func (f *function) release() {
	f.slots.mu.Lock()
	defer f.slots.mu.Unlock()
	f.slots.running--
}

// ran records how long an asynchronous invocation that got a slot waited.
func (f *function) ran(queued time.Duration) {
	f.slots.mu.Lock()
	defer f.slots.mu.Unlock()
	f.slots.q.Queued = append(f.slots.q.Queued, queued)
}

func (f *function) expired() {
	f.slots.mu.Lock()
	defer f.slots.mu.Unlock()
	f.slots.q.Expired++
}

// awaitSlot is Lambda's queue holding one asynchronous event until f has a
// free slot: each throttle waits the next backoff on the throttle clock
// and ages the event by it. It returns false, with the slot not taken,
// when the next wait would take the event past f's maximum event age.
// The caller releases the slot it got.
func (e *EventBridge) awaitSlot(f *function, age *time.Duration) bool {
	var queued time.Duration
	for n := 1; !f.acquire(); n++ {
		e.stats.Throttles.Add(1)
		e.metric("AWS/Lambda", "Throttles", "FunctionName", f.Name)
		delay := throttleBackoff(n)
		if *age+delay > f.Async.MaxAge {
			f.expired()
			return false
		}
		if n == 1 {
			e.log.Info("invocation throttled by reserved concurrency; Lambda keeps the event queued", "function", f.Name,
				"reserved_concurrency", f.ReservedConcurrency)
		}
		*age += delay
		queued += delay
		e.sleepOn(e.throttleClock, delay)
	}
	f.ran(queued)
	return true
}

// Queueing reports what function id's (a logical id) reserved concurrency
// did so far.
func (e *EventBridge) Queueing(id string) Queueing {
	f, ok := e.functions[id]
	if !ok {
		return Queueing{Function: id, Reserved: -1}
	}
	f.slots.mu.Lock()
	defer f.slots.mu.Unlock()
	q := f.slots.q
	q.Function, q.Reserved, q.Queued = id, f.ReservedConcurrency, slices.Clone(q.Queued)
	return q
}
