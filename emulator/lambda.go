package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/internal/errtype"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// lambdaRetryDelays are Lambda's waits between asynchronous attempts.
var lambdaRetryDelays = []time.Duration{time.Minute, 2 * time.Minute}

// invokeAsync is Lambda's asynchronous invocation of arn, the function
// or its alias: the event waits in Lambda's queue while the function's
// reserved concurrency is in use (awaitSlot), the function's errors are
// retried per its EventInvokeConfig, then the record goes to its
// on-failure destination.
func (e *EventBridge) invokeAsync(f *function, arn string, input []byte) {
	defer e.inflight.Done()
	var age time.Duration
	var err error
	attempts := 0
	for attempts = 1; ; attempts++ {
		if !e.awaitSlot(f, &age) {
			e.toDestination(f, input, &ThrottledError{Function: f.Name}, attempts-1, "EventAgeExceeded")
			return
		}
		e.stats.FunctionInvocations.Add(1)
		e.metric("AWS/Lambda", "Invocations", "FunctionName", f.Name)
		err = e.invoke(f, arn, input)
		f.release()
		if err == nil {
			return
		}
		e.stats.FunctionErrors.Add(1)
		e.metric("AWS/Lambda", "Errors", "FunctionName", f.Name)
		delay := lambdaRetryDelays[min(attempts-1, len(lambdaRetryDelays)-1)]
		if attempts > f.Async.MaxRetries || age+delay > f.Async.MaxAge {
			break
		}
		e.log.Warn("function error; Lambda retries the asynchronous invocation", "function", f.Name,
			"attempt", attempts, "error", err.Error(), "retry_in", delay.String())
		age += delay
		e.sleep(delay)
	}
	condition := "RetriesExhausted"
	if attempts <= f.Async.MaxRetries {
		condition = "EventAgeExceeded"
	}
	e.toDestination(f, input, err, attempts, condition)
}

// InvokeAsync is an asynchronous (Event) invocation of function id (a
// logical id), as Lambda's Invoke API makes one: it returns once the
// event is queued; function errors are retried per the function's
// EventInvokeConfig, then go to its on-failure destination.
func (e *EventBridge) InvokeAsync(id string, input []byte) error {
	return e.InvokeAsyncAlias(id, "", input)
}

// InvokeAsyncAlias is InvokeAsync of function id's alias qualifier (its
// AutoPublishAlias, "" for the function itself), as an event source
// subscribed to the alias invokes it: the handler's context names the
// alias's ARN.
func (e *EventBridge) InvokeAsyncAlias(id, qualifier string, input []byte) error {
	f, ok := e.functions[id]
	if !ok || f.handle == nil {
		return fmt.Errorf("function %s is not registered", id)
	}
	arn := f.ARN
	if qualifier != "" {
		arn += ":" + qualifier
	}
	e.inflight.Add(1)
	go e.invokeAsync(f, arn, input)
	return nil
}

// InvokeSync is a synchronous (RequestResponse) invocation of function
// id (a logical id): Lambda does not retry it, the caller gets its error,
// a *ThrottledError when the function's reserved concurrency is in use.
func (e *EventBridge) InvokeSync(id string, input []byte) error {
	f, ok := e.functions[id]
	if !ok || f.handle == nil {
		return fmt.Errorf("function %s is not registered", id)
	}
	e.inflight.Add(1)
	defer e.inflight.Done()
	if !f.acquire() {
		e.stats.Throttles.Add(1)
		e.metric("AWS/Lambda", "Throttles", "FunctionName", f.Name)
		return &ThrottledError{Function: f.Name}
	}
	defer f.release()
	e.stats.FunctionInvocations.Add(1)
	e.metric("AWS/Lambda", "Invocations", "FunctionName", f.Name)
	err := e.invoke(f, f.ARN, input)
	if err != nil {
		e.stats.FunctionErrors.Add(1)
		e.metric("AWS/Lambda", "Errors", "FunctionName", f.Name)
	}
	return err
}

// invoke runs one invocation with its timeout and a Lambda context whose
// InvokedFunctionArn is arn (the alias a rule or schedule targets, the
// function for the Invoke API), turning a panic into an error as the
// runtime reports a crash. The
// handler runs on its own goroutine so that Crash can end the invocation
// the way a dying process does: nothing after the crash point runs.
func (e *EventBridge) invoke(f *function, arn string, input []byte) (err error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	ctx, stop := e.lifetime(context.Background())
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	requestID := uuid()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: requestID, InvokedFunctionArn: arn})
	crashed := make(chan struct{})
	ctx = context.WithValue(ctx, crashKey{}, &crashSignal{c: crashed, release: e.closed})
	group := e.groups[f.LogicalID]
	start := e.clock.Now()
	if group != nil {
		group.start(requestID, start)
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("%s panicked: %v", f.Name, p)
			}
		}()
		done <- f.handle(ctx, input)
	}()
	status := "success"
	select {
	case err = <-done:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			//lint:ignore ST1005 Lambda's own message, verbatim: the lambda-timeout query matches it
			status, err = "timeout", fmt.Errorf("Task timed out after %.2f seconds", timeout.Seconds())
		}
	case <-crashed:
		status, err = "error", &RuntimeExitError{Function: f.Name}
	}
	end := e.clock.Now()
	d := end.Sub(start)
	if group != nil {
		group.report(requestID, end, d, f.MemoryMB, timeout, status)
	}
	e.metricValue("AWS/Lambda", "Duration", "Milliseconds", "FunctionName", f.Name, float64(d.Microseconds())/1000)
	return err
}

// RuntimeExitError is how Lambda reports an invocation whose runtime
// process exited (killed, out of memory, a fatal error) before it answered:
// errorType Runtime.ExitError; an asynchronous invocation is retried.
type RuntimeExitError struct{ Function string }

func (e *RuntimeExitError) Error() string {
	return e.Function + ": Runtime exited with error: signal: killed"
}

// ErrorType is Lambda's name for it.
func (e *RuntimeExitError) ErrorType() string { return "Runtime.ExitError" }

type crashKey struct{}

type crashSignal struct {
	once    sync.Once
	c       chan struct{}
	release <-chan struct{} // the emulator's Close
}

// Crash ends the invocation ctx belongs to as if its process died here:
// the emulator reports Runtime.ExitError and retries as Lambda does, and
// the calling goroutine never returns (as a killed process runs no
// deferred code, flushes no telemetry, publishes nothing): it stays
// parked until the emulator's Close, then exits, so that every goroutine
// of a testing/synctest bubble can end. It panics outside an invocation
// of the emulator.
func Crash(ctx context.Context) {
	sig, ok := ctx.Value(crashKey{}).(*crashSignal)
	if !ok {
		panic("emulator.Crash called outside an invocation")
	}
	sig.once.Do(func() { close(sig.c) })
	<-sig.release // the process is gone; its goroutine stays parked
	runtime.Goexit()
}

// toDestination sends Lambda's invocation record to the on-failure
// destination, in the format Lambda uses; condition is RetriesExhausted
// or EventAgeExceeded.
func (e *EventBridge) toDestination(f *function, input []byte, err error, attempts int, condition string) {
	e.stats.ToDestination.Add(1)
	// AWS counts an event that exhausted its retries as dropped, after
	// sending it to the destination.
	e.metric("AWS/Lambda", "AsyncEventsDropped", "FunctionName", f.Name)
	e.log.Error("asynchronous invocation failed for good; record sent to the on-failure destination", "function", f.Name,
		"attempts", attempts, "condition", condition, "error", err.Error(), "destination", f.Async.OnFailure)
	if f.Async.OnFailure == "" {
		e.log.Error("function has no on-failure destination: event dropped", "function", f.Name)
		return
	}
	record := map[string]any{
		"version": "1.0", "timestamp": e.clock.Now().UTC().Format(time.RFC3339Nano),
		"requestContext": map[string]any{"requestId": uuid(), "functionArn": f.ARN + ":$LATEST",
			"condition": condition, "approximateInvokeCount": attempts},
		"requestPayload":  json.RawMessage(input),
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
		"responsePayload": map[string]any{"errorMessage": err.Error(), "errorType": errtype.Of(err)},
	}
	body, _ := json.Marshal(record)
	e.queues.Send(f.Async.OnFailure, string(body), nil)
	e.queueDepth(f.Async.OnFailure)
}
