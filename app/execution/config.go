package execution

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/internal/wait"
)

// Observer hears about broker calls and orders; telemetry implements it.
// Methods are called synchronously and must not block.
type Observer interface {
	BrokerCall(ctx context.Context, endpoint string, d time.Duration, err error)
	OrderDone(ctx context.Context, o Outcome)
}

type nopObserver struct{}

func (nopObserver) BrokerCall(context.Context, string, time.Duration, error) {}
func (nopObserver) OrderDone(context.Context, Outcome)                       {}

// Config tunes an Executor; zero values take the package defaults.
type Config struct {
	OrderType      broker.OrderType
	SlippageBps    int
	MaxAttempts    int
	BaseBackoff    time.Duration
	MaxBackoff     time.Duration
	BreakerTrips   uint32        // consecutive retryable failures that open the breaker
	BreakerTimeout time.Duration // how long it stays open
	DeadlineMargin time.Duration
	// CallTimeout bounds each attempt of a broker call but the wait for
	// fills, so a broker that holds a request open fails that attempt (it is
	// retried and counts towards the breaker) instead of spending the whole
	// invocation. 10 s when zero; negative for none (tests showing what it
	// protects).
	CallTimeout time.Duration
	// OrderID derives an order's client order id; ClientOrderID when nil.
	// Only tests replace it, to show what the derivation protects (a
	// retried plan that gets new ids trades twice).
	OrderID  func(correlationID, planID, symbol string, side broker.Side) string
	Sleep    func(ctx context.Context, d time.Duration) error
	Now      func() time.Time
	Rand     *rand.Rand // jitter; math/rand/v2's global source (safe for concurrent use) when nil
	Observer Observer
	// OnBreakerStateChange is called when the breaker changes state, with
	// the context of the call that changed it (its invocation's trace and
	// workflow ids), in that call's goroutine after the call.
	OnBreakerStateChange func(ctx context.Context, from, to string)
}

func (c Config) withDefaults() (Config, error) {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.OrderType == "" {
		c.OrderType = broker.Limit
	}
	if c.SlippageBps == 0 {
		c.SlippageBps = 50
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 4
	}
	if c.BreakerTrips == 0 {
		c.BreakerTrips = 5
	}
	def(&c.BaseBackoff, 200*time.Millisecond)
	def(&c.MaxBackoff, 5*time.Second)
	def(&c.BreakerTimeout, 30*time.Second)
	def(&c.DeadlineMargin, 2*time.Second)
	def(&c.CallTimeout, 10*time.Second)
	if c.OrderID == nil {
		c.OrderID = ClientOrderID
	}
	if c.Sleep == nil {
		c.Sleep = wait.Sleep
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.New(globalSource{})
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	switch {
	case c.OrderType != broker.Market && c.OrderType != broker.Limit:
		return c, fmt.Errorf("could not create executor: order type %q", c.OrderType)
	case c.SlippageBps < 0 || c.SlippageBps > 1000:
		return c, fmt.Errorf("could not create executor: slippage %d bps must be 0 to 1000", c.SlippageBps)
	case c.MaxAttempts < 1:
		return c, errors.New("could not create executor: MaxAttempts must be at least 1")
	}
	return c, nil
}

// globalSource is math/rand/v2's global generator as a Source: unlike a
// *rand.Rand of its own, it is safe for concurrent use, so one executor can
// serve concurrent executions (the local stack runs many at once).
type globalSource struct{}

func (globalSource) Uint64() uint64 { return rand.Uint64() }
