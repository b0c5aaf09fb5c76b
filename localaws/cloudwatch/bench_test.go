package cloudwatch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

var emfTimestamp = regexp.MustCompile(`"Timestamp":(\d+)`)

func shiftLine(line string, by time.Duration) string {
	return emfTimestamp.ReplaceAllStringFunc(line, func(m string) string {
		ms, _ := strconv.ParseInt(m[len(`"Timestamp":`):], 10, 64)
		return fmt.Sprintf(`"Timestamp":%d`, ms+by.Milliseconds())
	})
}

// writeDense writes the copies into dir.
func writeDense(tb testing.TB, src, dir string, minutes int) {
	tb.Helper()
	for _, pattern := range []string{"cloudwatch/*.jsonl", "logs/eventbridge.log"} {
		files, _ := filepath.Glob(filepath.Join(src, pattern))
		for _, name := range files {
			rel, _ := filepath.Rel(src, name)
			in, err := os.ReadFile(name)
			if err != nil {
				tb.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
				tb.Fatal(err)
			}
			out, err := os.Create(filepath.Join(dir, rel))
			if err != nil {
				tb.Fatal(err)
			}
			w := bufio.NewWriter(out)
			for m := range minutes {
				by := time.Duration(m) * time.Minute
				sc := bufio.NewScanner(bytes.NewReader(in))
				sc.Buffer(nil, 1<<20)
				for sc.Scan() {
					line := sc.Text()
					if filepath.Ext(name) == ".jsonl" {
						var ev map[string]any
						if json.Unmarshal([]byte(line), &ev) != nil {
							continue
						}
						ev["timestamp"] = ev["timestamp"].(float64) + float64(by.Milliseconds())
						ev["message"] = shiftLine(ev["message"].(string), by)
						b, _ := json.Marshal(ev)
						line = string(b)
					} else {
						line = shiftLine(line, by)
					}
					w.WriteString(line + "\n")
				}
			}
			if err := w.Flush(); err != nil {
				tb.Fatal(err)
			}
			out.Close()
		}
	}
}

// BenchmarkCatchUp is the cost of the alarm evaluation over a dense run
// (every minute holding the chaos run's ~130 points): a catch-up from the
// alarms' creation to the end of the data, every alarm evaluated each
// minute it has not settled, the metrics already read (BenchmarkRead is
// that). cpu-ns/minute is the process's CPU time per minute of clock time
// evaluated, which a loaded machine inflates less than ns/op.
func BenchmarkCatchUp(b *testing.B) {
	for _, minutes := range []int{60, 24 * 60} {
		b.Run(fmt.Sprintf("minutes=%d", minutes), func(b *testing.B) {
			dir, created := denseRun(b, minutes)
			end := created.Add(time.Duration(minutes) * time.Minute)
			var st EvalStats
			var cpu time.Duration
			for range b.N {
				b.StopTimer()
				cw, err := New(Config{RunDir: dir, Created: created, Now: func() time.Time { return created }})
				if err != nil {
					b.Fatal(err)
				}
				if err := cw.Alarms().Evaluate(created); err != nil { // reads the metrics
					b.Fatal(err)
				}
				b.StartTimer()
				before := cpuTime()
				if err := cw.Alarms().Evaluate(end); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - before
				st = cw.Alarms().Stats()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(minutes), "cpu-ns/minute")
			b.ReportMetric(float64(st.Points)/float64(minutes), "points/minute")
			b.ReportMetric(float64(st.Evaluations)/float64(minutes), "evaluations/minute")
		})
	}
}

// BenchmarkRead is the first read of a dense day's metrics (190,000
// points): what a catch-up after a restart, or a service made on a
// finished run, pays once; later reads parse only what was appended.
func BenchmarkRead(b *testing.B) {
	dir, _ := denseRun(b, 24*60)
	var cpu time.Duration
	var n int
	for range b.N {
		before := cpuTime()
		s := newMetricStore(dir, "Alchemiser")
		pts, err := s.refresh()
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - before
		n = len(pts)
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/point")
}

func denseRun(b *testing.B, minutes int) (string, time.Time) {
	src := handlerErrorRun(b)
	dir := b.TempDir()
	writeDense(b, src, dir, minutes)
	return dir, firstMetric(b, src).Truncate(time.Minute)
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
