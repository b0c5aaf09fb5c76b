package loadtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// validPhases is a minimal valid phases block, for cases about other fields.
const validPhases = `phases:
  - {name: bg, shape: constant, rate: 1, duration: 10s}
`

func TestParseProfileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // each must be in the error
	}{
		{"unknown top-level field", "name: x\nrat: 1\n" + validPhases,
			[]string{`p.yaml:2:1: profile: unknown field "rat"`}},
		{"unknown phase field", "phases:\n  - name: bg\n    shape: constant\n    rate: 1\n    duraton: 10s\n",
			[]string{`p.yaml:5:5: phases[0]: unknown field "duraton"`, `p.yaml:2:5: phase "bg": duration is missing`}},
		{"field the shape does not take", "phases:\n  - {name: b, shape: burst, workflows: 5, window: 1s, rate: 3}\n",
			[]string{`p.yaml:2:55: phase "b": a burst phase takes no rate`}},
		{"negative rate", "phases:\n  - name: bg\n    shape: constant\n    rate: -2\n    duration: 10s\n",
			[]string{`p.yaml:4:11: phase "bg": rate is -2: a rate cannot be negative`}},
		{"zero constant rate", "phases:\n  - {name: bg, shape: constant, rate: 0, duration: 10s}\n",
			[]string{`p.yaml:2:39: phase "bg": rate is 0: want a positive rate`}},
		{"negative ramp", "phases:\n  - {name: r, shape: ramping, from: -1, to: 5, duration: 10s}\n",
			[]string{`p.yaml:2:37: phase "r": from is -1: a rate cannot be negative`}},
		{"ramp of nothing", "phases:\n  - {name: r, shape: ramping, from: 0, to: 0, duration: 10s}\n",
			[]string{`p.yaml:2:44: phase "r": from and to are both 0`}},
		{"unknown shape", "phases:\n  - name: s\n    shape: spike\n",
			[]string{`p.yaml:3:12: phase "s": unknown shape "spike" (constant, ramping or burst)`}},
		{"missing shape", "phases:\n  - name: s\n    rate: 1\n",
			[]string{`p.yaml:2:5: phase "s": shape is missing`}},
		{"window longer than duration", "phases:\n  - name: open\n    shape: burst\n    workflows: 10\n    window: 20s\n    duration: 10s\n",
			[]string{`p.yaml:5:13: phase "open": window 20s is longer than the phase's duration 10s`}},
		{"unknown spread", "phases:\n  - {name: o, shape: burst, workflows: 10, window: 1s, spread: lumpy}\n",
			[]string{`p.yaml:2:64: phase "o": unknown spread "lumpy" (even or poisson)`}},
		{"seed without poisson", "phases:\n  - {name: o, shape: burst, workflows: 10, window: 1s, seed: 3}\n",
			[]string{`p.yaml:2:62: phase "o": seed applies only to spread: poisson`}},
		{"zero workflows", "phases:\n  - {name: o, shape: burst, workflows: 0, window: 1s}\n",
			[]string{`p.yaml:2:40: phase "o": workflows is 0: want a positive number of starts`}},
		{"fractional workflows", "phases:\n  - {name: o, shape: burst, workflows: 2.5, window: 1s}\n",
			[]string{`p.yaml:2:40: phase "o": workflows "2.5": want a whole number`}},
		{"multiplier zero", "multiplier: 0\n" + validPhases,
			[]string{`p.yaml:1:13: multiplier is 0: want a positive number`}},
		{"multiplier negative", "multiplier: -2\n" + validPhases,
			[]string{`p.yaml:1:13: multiplier is -2: want a positive number`}},
		{"multiplier not a number", "multiplier: twice\n" + validPhases,
			[]string{`p.yaml:1:13: multiplier "twice": want a number`}},
		{"duration without unit", "phases:\n  - {name: bg, shape: constant, rate: 1, duration: 60}\n",
			[]string{`p.yaml:2:52: phase "bg": duration "60" is not a duration (give it a unit: 60s, 500ms, 2m)`}},
		{"duration syntax", "drain: 1 minute\n" + validPhases,
			[]string{`p.yaml:1:8: drain "1 minute" is not a duration`}},
		{"negative start", "phases:\n  - {name: bg, shape: constant, rate: 1, duration: 1s, start: -1s}\n",
			[]string{`p.yaml:2:63: phase "bg": start is -1s: cannot be negative`}},
		{"negative drain", "drain: -5s\n" + validPhases,
			[]string{`p.yaml:1:8: drain is -5s: want a positive duration`}},
		{"bad threshold, plain", validPhases + "thresholds:\n  - p(99) < 60x\n",
			[]string{`p.yaml:4:13: threshold "p(99) < 60x", column 9: "60x" is not a duration`}},
		{"bad threshold, quoted", validPhases + "thresholds: [\"p(99) <> 1s\"]\n",
			[]string{`p.yaml:3:22: threshold "p(99) <> 1s", column 8: want a value after the operator`}},
		{"threshold metric", validPhases + "thresholds:\n  - latency < 1s\n",
			[]string{`p.yaml:4:5: threshold "latency < 1s", column 1: unknown metric "latency"`}},
		{"two thresholds on a metric", validPhases + "thresholds: [\"lost == 0\", \"lost < 2\"]\n",
			[]string{`p.yaml:3:27: thresholds: lost has two thresholds`}},
		{"error rate out of range", validPhases + "broker:\n  error_rates: {500: 1.5}\n",
			[]string{`p.yaml:4:22: broker.error_rates[500] is 1.5: want a probability in [0, 1]`}},
		{"error rates over 1", validPhases + "broker:\n  error_rates: {500: 0.6, 503: 0.6}\n",
			[]string{`p.yaml:4:16: broker.error_rates add up to 1.2: at most 1`}},
		{"error status", validPhases + "broker:\n  error_rates: {200: 0.1}\n",
			[]string{`p.yaml:4:17: broker.error_rates: "200" is not an HTTP error status (400-599)`}},
		{"negative latency", validPhases + "broker:\n  latency: -3\n",
			[]string{`p.yaml:4:12: broker.latency is -3: cannot be negative`}},
		{"repeated field", "drain: 1s\ndrain: 2s\n" + validPhases,
			[]string{`p.yaml:2:1: profile: "drain" is given twice`}},
		{"repeated phase name", "phases:\n  - {name: a, shape: constant, rate: 1, duration: 1s}\n  - {name: a, shape: constant, rate: 1, duration: 1s}\n",
			[]string{`p.yaml:3:5: phase "a": the name is used twice`}},
		{"no phases", "name: x\n", []string{`p.yaml:1:1: profile: phases are missing`}},
		{"empty phases", "phases: []\n", []string{`p.yaml:1:9: phases: want a list of at least one phase`}},
		{"not a mapping", "- a\n- b\n", []string{`p.yaml:1:1: profile: want a mapping`}},
		{"too many arrivals", "phases:\n  - {name: bg, shape: constant, rate: 100000, duration: 60s}\n",
			[]string{`p.yaml:2:3: the phases schedule 12000000 arrivals (multiplier 2): at most 1000000`}},
		{"longer than a day", "phases:\n  - {name: bg, shape: constant, rate: 0.001, duration: 20h, start: 5h}\n",
			[]string{`p.yaml:2:5: phase "bg" ends after 24h0m0s: a profile spans at most 24h0m0s`}},
		{"yaml syntax", "name: x\n  phases: [\n", []string{`p.yaml:2: mapping values are not allowed in this context`}},
		{"every error at once", "multiplier: 0\ndrain: soon\nphases:\n  - {name: a, shape: cosine}\n",
			[]string{`p.yaml:1:13:`, `p.yaml:2:8:`, `p.yaml:4:22:`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseProfile("p.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("parsed: %+v", p)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestParseProfileDefaults(t *testing.T) {
	p, err := ParseProfile("dir/quiet.yaml", []byte(validPhases))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "quiet" || p.Multiplier != 2 || p.Drain != 60*time.Second || p.File != "dir/quiet.yaml" {
		t.Errorf("defaults: name %q multiplier %v drain %v file %q", p.Name, p.Multiplier, p.Drain, p.File)
	}
	b, err := ParseProfile("b.yaml", []byte("phases:\n  - {name: o, shape: burst, workflows: 3, window: 2s}\nbroker: {latency: 40}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if ph := b.Phases[0]; ph.Duration != 2*time.Second || ph.Spread != SpreadEven || ph.Seed != 1 {
		t.Errorf("burst defaults: %+v", ph)
	}
	if b.Broker.Latency != 40*time.Millisecond {
		t.Errorf("a bare broker latency is milliseconds: got %v", b.Broker.Latency)
	}
}

func TestBundledProfiles(t *testing.T) {
	start := time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)
	byPhase := func(p *Profile) map[string]int {
		out := map[string]int{}
		for _, a := range p.Schedule(start) {
			out[a.Phase]++
		}
		return out
	}
	daily, err := LoadProfile("profiles/daily.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// One account's 09:35 workflow and a manual run, × 2; the watchdog,
	// redeliveries and the template's reserved concurrency.
	if got := byPhase(daily); daily.Multiplier != 2 || got["scheduled"] != 2 || got["manual"] != 2 || len(got) != 2 {
		t.Errorf("daily: multiplier %v, arrivals by phase %v", daily.Multiplier, got)
	}
	if daily.Watchdog != 5*time.Minute || daily.Redeliveries != 0.05 || daily.ExecutionConcurrency != nil {
		t.Errorf("daily: watchdog %v, redeliveries %v, execution concurrency %v", daily.Watchdog, daily.Redeliveries, daily.ExecutionConcurrency)
	}
	multi, err := LoadProfile("profiles/multitenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// 50 within 10 s over 0.5/s for 60 s, all × 2, one stack per tenant.
	if got := byPhase(multi); multi.Multiplier != 2 || got["market-open"] != 100 || got["background"] != 60 {
		t.Errorf("multitenant: multiplier %v, arrivals by phase %v", multi.Multiplier, got)
	}
	if c := multi.ExecutionConcurrency; c == nil || *c != 0 {
		t.Errorf("multitenant: execution concurrency %v, want 0 (one stack per tenant)", c)
	}
	for _, p := range []*Profile{daily, multi} {
		if p.Duration() > 60*time.Second || p.Drain > 60*time.Second {
			t.Errorf("%s must stay about a minute plus drain: duration %v, drain %v", p.Name, p.Duration(), p.Drain)
		}
		if p.Broker.ErrorRates[500] == 0 || p.Broker.ErrorRates[429] == 0 || p.Broker.Latency != 50*time.Millisecond {
			t.Errorf("%s broker: %+v", p.Name, p.Broker)
		}
	}
	if _, err := LoadProfile("profiles/smoke.yaml"); err != nil {
		t.Fatal(err)
	}
}

// The fields that shape the stack are checked like the others.
func TestProfileSystemFields(t *testing.T) {
	base := "phases: [{shape: burst, workflows: 1, window: 1s}]\n"
	for src, want := range map[string]string{
		"redeliveries: 1.5\n":          "redeliveries is 1.5",
		"execution_concurrency: -1\n":  "execution_concurrency is -1",
		"execution_concurrency: 1.5\n": "execution_concurrency is 1.5",
		"watchdog: -5m\n":              "watchdog is -5m",
		"watchdog: 5\n":                "watchdog",
		"execution_concurrency: two\n": "want a number",
	} {
		_, err := ParseProfile("p.yaml", []byte(src+base))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "p.yaml:1:") {
			t.Errorf("%q: %v, want p.yaml:1:... %s", src, err, want)
		}
	}
	p, err := ParseProfile("p.yaml", []byte("redeliveries: 0.1\nwatchdog: 5m\nexecution_concurrency: 3\n"+base))
	if err != nil || p.Redeliveries != 0.1 || p.Watchdog != 5*time.Minute || p.ExecutionConcurrency == nil || *p.ExecutionConcurrency != 3 {
		t.Errorf("parsed %+v, %v", p, err)
	}
}

func TestLoadProfileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("phases:\n  - {name: a, shape: constant, rate: -1, duration: 1s}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadProfile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2:38: ") {
		t.Errorf("want an error at %s:2:38, got %v", path, err)
	}
	if _, err := LoadProfile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestInvalidProfilesInTestdata(t *testing.T) {
	// Each file's first line is "# want: <what the error must contain>".
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(src), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatalf("%s: the first line must be # want: ...", f)
			}
			_, err = LoadProfile(f)
			if err == nil || !strings.Contains(err.Error(), f+":"+want) {
				t.Errorf("want %s:%s, got %v", f, want, err)
			}
		})
	}
}

func FuzzParseProfile(f *testing.F) {
	for _, name := range []string{"profiles/daily.yaml", "profiles/multitenant.yaml", "profiles/smoke.yaml"} {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(validPhases + "thresholds: [\"p(99.9) <= 1m\"]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParseProfile("fuzz.yaml", src)
		if err != nil {
			return
		}
		var n float64
		for _, ph := range p.Phases {
			n += ph.expected(p.Multiplier)
		}
		if n > MaxArrivals {
			t.Fatalf("%.0f arrivals passed validation", n)
		}
		if n > 10_000 {
			return // valid, and slow to schedule: the fuzzer's time is better spent elsewhere
		}
		// A valid profile schedules within its bounds, in order.
		s := p.Schedule(time.Unix(0, 0))
		if len(s) > MaxArrivals {
			t.Fatalf("%d arrivals", len(s))
		}
		for i := 1; i < len(s); i++ {
			if s[i].Intended.Before(s[i-1].Intended) {
				t.Fatalf("arrival %d before %d", i, i-1)
			}
		}
	})
}
