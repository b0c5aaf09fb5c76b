package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// LogEvent is one CloudWatch Logs event, in the shape
// `aws logs filter-log-events` returns it.
type LogEvent struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	IngestionTime int64  `json:"ingestionTime"`
	Message       string `json:"message"`
}

// LogGroup is a function's CloudWatch log group: every event is appended
// to <dir>/cloudwatch/<group name, / as ->.jsonl (GroupFile). A function
// writes to one stream per execution environment; locally each function
// has one environment, so one stream per run. Its methods are safe for
// concurrent use.
type LogGroup struct {
	name   string
	stream string
	format string // the function's LogFormat: JSON or Text
	clock  Clock

	mu      sync.Mutex
	f       *os.File
	partial []byte
	cold    bool
	init    time.Duration
	// bytes counts the bytes put since the last report; ingested
	// receives them at each report, as CloudWatch's AWS/Logs
	// IncomingBytes for the group.
	bytes    int
	ingested func(group string, bytes int)
}

var _ io.Writer = (*LogGroup)(nil)

// Name is the group's name.
func (g *LogGroup) Name() string { return g.name }

// SetInitDuration is how long the function's initialisation took: the
// next cold start's REPORT line says so.
func (g *LogGroup) SetInitDuration(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.init = d
}

// GroupFile is where a log group's events are kept in a run directory.
func GroupFile(dir, group string) string {
	return filepath.Join(dir, "cloudwatch", strings.Trim(strings.ReplaceAll(group, "/", "-"), "-")+".jsonl")
}

func newLogGroup(dir string, fn *topology.Function, started time.Time, clock Clock) (*LogGroup, error) {
	path := GroupFile(dir, fn.LogGroup)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("could not open log group file: %w", err)
	}
	// Lambda's stream names: date/[version]environment id.
	stream := started.UTC().Format("2006/01/02") + "/[$LATEST]" + environmentID()
	return &LogGroup{name: fn.LogGroup, stream: stream, format: fn.LogFormat, clock: clock, f: f, cold: true}, nil
}

// Write takes the function's output: each complete line is one event,
// stamped now.
func (g *LogGroup) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	data := append(g.partial, p...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		if line := strings.TrimRight(string(data[:i]), "\r"); line != "" {
			if err := g.put(g.clock.Now(), line); err != nil {
				return 0, err
			}
		}
		data = data[i+1:]
	}
	g.partial = append(g.partial[:0], data...)
	return len(p), nil
}

func (g *LogGroup) put(t time.Time, msg string) error {
	ms := t.UnixMilli()
	g.bytes += len(msg)
	line, _ := json.Marshal(LogEvent{LogGroupName: g.name, LogStreamName: g.stream, Timestamp: ms, IngestionTime: ms + 1, Message: msg})
	_, err := g.f.Write(append(line, '\n'))
	return err
}

// Close closes the group's file.
func (g *LogGroup) Close() error { return g.f.Close() }

// start writes Lambda's START platform line.
func (g *LogGroup) start(requestID string, t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.format == "JSON" {
		_ = g.put(t, fmt.Sprintf(`{"time":%q,"type":"platform.start","record":{"requestId":%q,"version":"$LATEST"}}`,
			t.UTC().Format(time.RFC3339Nano), requestID))
		return
	}
	_ = g.put(t, fmt.Sprintf("START RequestId: %s Version: $LATEST", requestID))
}

// report writes END and REPORT (and "Task timed out", or the runtime's
// exit), with Lambda's
// metrics: duration, billed duration (rounded up to the millisecond),
// memory size, max memory used (the process's heap here: one process
// hosts every function locally) and, on a cold start, init duration.
// status is the invocation's: success, timeout or error (the runtime
// exited: Runtime.ExitError, after which Lambda starts a new execution
// environment, so the next invocation is a cold start). The Telemetry API
// reference lists success, failure and error, with an errorType for the
// last two, but not which one a runtime exit gets; the handler-error query
// matches both. A handler that returns an error is reported here as
// success, as before (its own "invocation failed" line is what the
// queries read).
// https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
func (g *LogGroup) report(requestID string, t time.Time, d time.Duration, memoryMB int, timeout time.Duration, status string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	used := int(ms.HeapAlloc/(1<<20)) + 1
	durMs := float64(d.Microseconds()) / 1000
	billed := int(d.Milliseconds())
	if time.Duration(billed)*time.Millisecond < d {
		billed++
	}
	initMs := float64(g.init.Microseconds()) / 1000
	cold := g.cold
	g.cold = status == "error"
	timedOut := status == "timeout"
	defer func() {
		if g.ingested != nil {
			g.ingested(g.name, g.bytes)
		}
		g.bytes = 0
	}()
	if g.format == "JSON" {
		errType := ""
		if status == "error" {
			errType = `,"errorType":"Runtime.ExitError"`
		}
		metrics := fmt.Sprintf(`"durationMs":%.2f,"billedDurationMs":%d,"memorySizeMB":%d,"maxMemoryUsedMB":%d`, durMs, billed, memoryMB, used)
		if cold {
			metrics += fmt.Sprintf(`,"initDurationMs":%.2f`, initMs)
		}
		ts := t.UTC().Format(time.RFC3339Nano)
		_ = g.put(t, fmt.Sprintf(`{"time":%q,"type":"platform.runtimeDone","record":{"requestId":%q,"status":%q%s}}`, ts, requestID, status, errType))
		_ = g.put(t, fmt.Sprintf(`{"time":%q,"type":"platform.report","record":{"requestId":%q,"metrics":{%s},"status":%q}}`, ts, requestID, metrics, status))
		return
	}
	if timedOut {
		_ = g.put(t, fmt.Sprintf("%s %s Task timed out after %.2f seconds", t.UTC().Format(time.RFC3339Nano), requestID, timeout.Seconds()))
	}
	if status == "error" {
		_ = g.put(t, fmt.Sprintf("RequestId: %s Error: Runtime exited with error: signal: killed\nRuntime.ExitError", requestID))
	}
	_ = g.put(t, fmt.Sprintf("END RequestId: %s", requestID))
	line := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
		requestID, durMs, billed, memoryMB, used)
	if cold {
		line += fmt.Sprintf("\tInit Duration: %.2f ms", initMs)
	}
	_ = g.put(t, line)
}

// environmentID is an execution environment's id as Lambda's stream
// names end with it: 32 hex digits (crypto/rand.Text's base32 would not
// look like one).
func environmentID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
