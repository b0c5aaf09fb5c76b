package chaos

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/alchemiser/alchemiser/telemetry/telemetrytest"
)

// checkRunEMF validates every EMF document of a run's log files (the
// functions' and the emulator's platform metrics) with the test kit's
// validator of the specification and CloudWatch's limits: no empty
// dimension value, no unit outside CloudWatch's list, names of at most
// 255 characters, distributions in the awsemfexporter's form.
func checkRunEMF(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "logs", "*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no log files in %s: %v", dir, err)
	}
	n := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for line := 1; sc.Scan(); line++ {
			if !telemetrytest.IsEMF(sc.Bytes()) {
				continue
			}
			n++
			if _, err := telemetrytest.ValidateEMF(sc.Bytes()); err != nil {
				t.Errorf("%s:%d: %v", filepath.Base(name), line, err)
			}
		}
		if err := sc.Err(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		f.Close()
	}
	return n
}
