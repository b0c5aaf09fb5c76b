package telemetry

import "time"

// Trigger says what invoked a function whose input is not an EventBridge
// event: a function an EventBridge Scheduler schedule invokes gets its
// input read by the WithTrigger function its Wrap was given. An EventBridge
// event is always a pubsub trigger.
type Trigger struct {
	// Timer is true for a schedule's invocation: faas.trigger "timer",
	// with Cron (faas.cron, the schedule's expression) and Time
	// (faas.time, when the schedule fired), each set only when known.
	// False is faas.trigger "other" (a manual invoke, a test).
	Timer bool
	Cron  string
	Time  time.Time
	// Name is the caller's name for what the invocation does
	// (alchemiser.trigger: "schedule", "watchdog", "verify"), so a trace
	// UI tells a workflow's start from a watchdog run.
	Name string
}

// WrapOption configures one Wrap.
type WrapOption func(*wrapConfig)

type wrapConfig struct {
	trigger func(raw []byte) Trigger
}

// WithTrigger reads the trigger of an input that is not an EventBridge
// event (see Trigger). Without it, such an input is faas.trigger "other".
func WithTrigger(f func(raw []byte) Trigger) WrapOption {
	return func(c *wrapConfig) { c.trigger = f }
}
