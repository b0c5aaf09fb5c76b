package emulator

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestReadUsageBillsReportLines(t *testing.T) {
	dir := t.TempDir()
	lines := []LogEvent{
		{Message: `{"type":"platform.report","record":{"requestId":"a","metrics":{"durationMs":10.5,"billedDurationMs":11,"memorySizeMB":256}}}`},
		{Message: "REPORT RequestId: b\tDuration: 99.10 ms\tBilled Duration: 100 ms\tMemory Size: 1024 MB\tMax Memory Used: 40 MB"},
		{Message: `{"level":"INFO","msg":"not a report: Billed Duration: 5 ms"}`},
	}
	if err := os.MkdirAll(filepath.Join(dir, "cloudwatch"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "cloudwatch", "g.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	var bytes int64
	for _, l := range lines {
		_ = enc.Encode(l)
		bytes += int64(len(l.Message))
	}
	f.Close()
	u, err := ReadUsage(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.011*0.25 + 0.1*1
	if u.Invocations != 2 || u.BilledMs != 111 || math.Abs(u.GBSeconds-want) > 1e-9 || u.LogEvents != 3 || u.LogBytes != bytes {
		t.Errorf("usage %+v, want 2 invocations, 111 ms, %f GB-s, 3 events, %d bytes", u, want, bytes)
	}
}
