// Package retry runs an operation again after failures that may pass:
// the one retry loop of the market data source, the broker executor and
// the EventBridge publisher.
//
// [Do] calls the operation until it succeeds, returns an error marked
// [Permanent], or [Policy.Attempts] run out, waiting [Backoff.Delay]
// between calls. The wait honours the context: when it cannot be made
// (the context ended, or [Policy.Sleep] refused it), Do returns at once
// with the wait's error wrapping the operation's last one.
//
// Defaults: one attempt (no retry); waits by [wait.Sleep]; an exponential
// backoff without jitter, without a cap. [FullJitter] draws each wait
// uniformly from zero to the exponential value, as AWS recommends
// (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/),
// from an injected *rand.Rand so tests are deterministic.
//
// Why not github.com/cenkalti/backoff/v5, which the module graph holds:
// its timer cannot be injected (the option is unexported), so tests would
// have to sleep for real instead of recording the waits against an
// injected clock; on a context's end it returns the context's error
// rather than the operation's last one; its randomisation is ±factor from
// the global source, not full jitter from an injected one; and it has no
// hook to refuse a wait that would cross the invocation's deadline, which
// the executor needs (execution.ErrDeadline).
//
// [wait.Sleep]: github.com/alchemiser/alchemiser/app/internal/wait.Sleep
package retry
