package alarms

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseSpec: the SLO spec (alarms/slos.yaml, `--spec` of several
// commands). Any bytes give a spec or an error naming the file, never a
// panic; an accepted spec generates its alarms.
func FuzzParseSpec(f *testing.F) {
	good, err := os.ReadFile("slos.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(good))
	f.Add("slos:\n  - name: x\n    objective: 2\n")
	f.Add("namespace: [\n")
	f.Fuzz(func(t *testing.T, src string) {
		spec, err := ParseSpec("slos.yaml", []byte(src), nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "slos.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, slo := range spec.SLOs {
			if slo.Name == "" {
				t.Fatalf("accepted an SLO without a name: %+v", slo)
			}
		}
	})
}
