package emulator

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/alchemiser/alchemiser/queries/insights"
)

// Usage is what a run's log groups (cloudwatch/*.jsonl) say about its
// Lambda and CloudWatch Logs usage, as AWS would bill it.
type Usage struct {
	Invocations int     // REPORT lines (platform.report records with JSON logs)
	BilledMs    int64   // their billed durations
	GBSeconds   float64 // Σ billed duration × memory size
	LogEvents   int     // log events, platform lines included
	// LogBytes are the events' message bytes, as the log groups'
	// IncomingBytes counts them.
	LogBytes int64
}

// ReadUsage reads the usage of the run in dir, its log groups read by
// insights.RunDirEvents.
func ReadUsage(dir string) (Usage, error) {
	var u Usage
	err := insights.RunDirEvents(dir, nil, func(ev *insights.Event) bool {
		u.add(ev.Message)
		return true
	})
	return u, err
}

func (u *Usage) add(msg string) {
	u.LogEvents++
	u.LogBytes += int64(len(msg))
	if billed, mb, ok := report(msg); ok {
		u.Invocations++
		u.BilledMs += billed
		u.GBSeconds += float64(billed) / 1000 * float64(mb) / 1024
	}
}

var (
	textBilled = regexp.MustCompile(`Billed Duration: (\d+) ms`)
	textMemory = regexp.MustCompile(`Memory Size: (\d+) MB`)
)

// report reads Lambda's REPORT line, in the text or the JSON log format
// (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html#platform-report).
func report(msg string) (billedMs int64, memoryMB int, ok bool) {
	if strings.HasPrefix(msg, "REPORT RequestId:") {
		b, m := textBilled.FindStringSubmatch(msg), textMemory.FindStringSubmatch(msg)
		if b == nil || m == nil {
			return 0, 0, false
		}
		billedMs, _ = strconv.ParseInt(b[1], 10, 64)
		memoryMB, _ = strconv.Atoi(m[1])
		return billedMs, memoryMB, true
	}
	if !strings.Contains(msg, `"platform.report"`) {
		return 0, 0, false
	}
	var rec struct {
		Type   string `json:"type"`
		Record struct {
			Metrics struct {
				BilledDurationMs int64 `json:"billedDurationMs"`
				MemorySizeMB     int   `json:"memorySizeMB"`
			} `json:"metrics"`
		} `json:"record"`
	}
	if json.Unmarshal([]byte(msg), &rec) != nil || rec.Type != "platform.report" {
		return 0, 0, false
	}
	return rec.Record.Metrics.BilledDurationMs, rec.Record.Metrics.MemorySizeMB, true
}
