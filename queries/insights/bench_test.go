package insights

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// benchQuery is the benchmark's work: a filter and a stats by bin.
const benchQuery = `filter level = "ERROR" | stats count() as errors, avg(latency_ms) as latency by bin(5m)`

// jqProgram does the same work with jq: decode each event and its JSON
// message, keep the errors, count and average them per 5-minute bin.
const jqProgram = `reduce (inputs | (.message | fromjson) as $m | select($m.level == "ERROR") |
  {b: ((.timestamp / 300000 | floor) * 300000), l: $m.latency_ms}) as $e ({};
  .[$e.b | tostring] |= {n: ((.n // 0) + 1), s: ((.s // 0) + $e.l)}) | to_entries | map({bin: .key, errors: .value.n, latency: (.value.s / .value.n)})`

// benchFile writes ~size bytes of log events shaped like the functions'
// (filter-log-events JSON Lines), once per process.
func benchFile(b *testing.B, size int) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("insights-bench-%d.jsonl", size))
	if st, err := os.Stat(path); err == nil && st.Size() >= int64(size) {
		return path
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	levels := []string{"INFO", "INFO", "INFO", "INFO", "WARN", "ERROR"}
	msgs := []string{"event received", "order done", "trades executed", "broker call failed", "notification sent"}
	enc := json.NewEncoder(w)
	written := 0
	for i := 0; written < size; i++ {
		ts := t0 + int64(i)*37
		msg := fmt.Sprintf(`{"timestamp":"2026-11-20T14:35:00Z","level":%q,"message":%q,"requestId":"%08x-1111-2222-3333-444455556666",`+
			`"service":"alchemiser","function":"execution","correlation_id":"01M7WP3MH0%016X","event_type":"RebalancePlanned",`+
			`"symbol":"SPY","latency_ms":%d}`, levels[rng.IntN(len(levels))], msgs[rng.IntN(len(msgs))], rng.Uint32(), rng.Uint64(), rng.IntN(500))
		ev := map[string]any{"logGroupName": "/aws/lambda/alchemiser-execution", "logStreamName": "2026/11/20/[$LATEST]abc",
			"timestamp": ts, "ingestionTime": ts + 3, "message": msg}
		var buf bytes.Buffer
		_ = json.NewEncoder(&buf).Encode(ev)
		written += buf.Len()
		_ = enc.Encode(ev)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := os.Rename(path+".tmp", path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkQuery runs a filter + stats-by-bin query over 200 MB of JSON
// log events, read from a file: this engine (impl=insights) against jq
// doing the same work (impl=jq; make bench installs jq).
func BenchmarkQuery(b *testing.B) {
	path := benchFile(b, 200<<20)
	st, _ := os.Stat(path)
	q, err := Parse(benchQuery)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=insights", func(b *testing.B) {
		b.SetBytes(st.Size())
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			var rerr error
			res := q.Run(func(yield func(*Event) bool) { rerr = ReadEvents(f, path, "", yield) }, Options{})
			f.Close()
			if rerr != nil || len(res.Rows) == 0 {
				b.Fatal(rerr, res.Rows)
			}
		}
	})
	b.Run("impl=jq", func(b *testing.B) {
		jq, err := exec.LookPath("jq")
		if err != nil {
			b.Fatal("jq is not installed: make bench installs it (apt-get install jq)")
		}
		b.SetBytes(st.Size())
		for b.Loop() {
			out, err := exec.Command(jq, "-n", "-c", jqProgram, path).Output()
			if err != nil || !strings.Contains(string(out), "errors") {
				b.Fatal(err, string(out))
			}
		}
	})
}
