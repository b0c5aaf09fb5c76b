// Package errtype names an error for grouping: the error_type of log
// lines, spans and metrics, WorkflowFailed's error_type, and the
// errorType of Lambda's invocation records (the telemetry wrapper hands
// it to the runtime, and the local stack's emulator writes it), so one
// failure carries one name everywhere.
//
// The name is the one aws-lambda-go reports (lambda/errors.go: the
// reflect type's name, pointer stripped: "KeyError", "errorString") of
// the outermost error that says something:
//
//   - the standard library's wrappers (fmt.Errorf with %w, errors.Join)
//     are looked through, depth first, in the order errors.As visits
//     them: "could not plan: %w" around a *idempotency.KeyError is
//     "KeyError";
//   - an error with an ErrorType() string method names itself (the
//     emulator's RuntimeExitError is "Runtime.ExitError", as Lambda
//     reports a runtime that died);
//   - context.Canceled and context.DeadlineExceeded are named as the
//     sentinels they are, not by their types;
//   - a type named plain Error is qualified with its package
//     ("broker.Error"), as Go code reads it.
//
// Nothing is cached; Of costs a reflect.TypeOf per level of the chain.
package errtype
