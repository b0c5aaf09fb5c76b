// Command alchemiser runs and operates the Alchemiser trading workflow.
//
//	alchemiser run [--workflows N] [--seed S] [--out DIR] [--json]
//
// The other commands: events test-pattern, query, trace, alarms evaluate
// and simulate, dlq list, show and redrive, replay, trading halt, resume
// and status (the kill switch), secrets set-alpaca (the Alpaca keys,
// from stdin or a prompt), dashboard validate and render, loadtest
// chaos, local up and cost (the monthly AWS bill); `alchemiser COMMAND --help` documents each, and README.md
// lists their usage lines.
//
// Data goes to stdout, progress and logs to stderr. Exit status: 0 when
// the command succeeded (for run, every workflow completed), 1 when it
// failed (a workflow failed), 2 on bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// usageError marks a command line the user must fix.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errWorkflowsFailed is returned when the command worked but a workflow failed.
var errWorkflowsFailed = errors.New("one or more workflows failed")

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "alchemiser:", err)
	var u usageError
	if errors.As(err, &u) || inputs.IsTooLarge(err) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitFailed
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}
