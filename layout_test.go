package alchemiser

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The import rules of docs/ARCHITECTURE.md's layout that
// app/handlers/deps_test.go does not check: which of the module's
// packages each part may depend on, directly or not.
func TestLayoutImportRules(t *testing.T) {
	const module = "github.com/alchemiser/alchemiser/"
	below := []string{"./app/handlers", "./app/events", "./app/strategy", "./app/portfolio", "./app/execution",
		"./app/marketdata", "./app/metrics", "./app/broker", "./app/bus", "./app/idempotency", "./app/notify"}
	rules := []struct {
		pkgs   []string // the packages (patterns) a rule is about
		forbid []string // packages (paths relative to the module, with those under them) none may depend on
		except []string // packages forbid would cover that they may depend on
		allow  []string // when set, the only prefixes their deps in the module may have
		why    string
	}{
		{
			pkgs: below,
			forbid: []string{"app/broker/alpaca", "app/broker/paper", "app/bus/eventbridge", "app/bus/s3claims",
				"app/bus/dlq", "app/idempotency/dynamodb", "app/notify/sns", "app/compose", "app/local",
				"app/functions", "emulator"},
			why: "the handlers, ports and domain take their adapters from the composition root",
		},
		{
			pkgs:  []string{"./emulator/...", "./topology"},
			allow: []string{"emulator", "topology", "internal/", "queries/insights"},
			why:   "the emulator tree imports no application package (the Logs Insights engine is standalone)",
		},
		{
			pkgs:   []string{"./app/local"},
			forbid: []string{"alarms", "chaos", "loadtest", "dashboards", "queries"},
			except: []string{"alarms/cwalarm", "queries/insights"},
			why:    "the local stack imports no ops tooling, only its standalone engines",
		},
		{
			pkgs:   []string{"./app/...", "./emulator/...", "./topology"},
			forbid: []string{"localaws"},
			why:    "the local AWS endpoint builds on the local stack and the emulator, never the reverse",
		},
		{
			pkgs:  []string{"./alarms/cwalarm", "./queries/insights", "./emulator/eventpattern", "./telemetry", "./internal/..."},
			allow: []string{"internal/"},
			why:   "the engines, the telemetry layer and internal/ import nothing of the application",
		},
	}
	for _, r := range rules {
		for pkg, deps := range moduleDeps(t, module, r.pkgs) {
			for _, dep := range deps {
				bad := slices.ContainsFunc(r.forbid, func(f string) bool { return dep == f || strings.HasPrefix(dep, f+"/") }) &&
					!slices.Contains(r.except, dep)
				if len(r.allow) > 0 && !slices.ContainsFunc(r.allow, func(a string) bool { return strings.HasPrefix(dep, a) }) {
					bad = true
				}
				if bad {
					t.Errorf("%s depends on %s: %s", pkg, dep, r.why)
				}
			}
		}
	}
}

// moduleDeps lists each package's dependencies inside the module, as
// paths relative to it (the root package is "alchemiser").
func moduleDeps(t *testing.T, module string, pkgs []string) map[string][]string {
	t.Helper()
	out := goList(t, append([]string{"-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`}, pkgs...)...)
	rel := func(p string) (string, bool) {
		if p == strings.TrimSuffix(module, "/") {
			return "alchemiser", true
		}
		return strings.CutPrefix(p, module)
	}
	deps := map[string][]string{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		fields := strings.Fields(line)
		pkg, _ := rel(fields[0])
		deps[pkg] = nil
		for _, d := range fields[1:] {
			if r, ok := rel(d); ok {
				deps[pkg] = append(deps[pkg], r)
			}
		}
	}
	if len(deps) == 0 {
		t.Fatalf("go list listed no package for %v", pkgs)
	}
	return deps
}

// README.md's "Where each part lives" has a row for every package.
func TestReadmeListsEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range strings.Lines(strings.TrimSpace(string(goList(t, "./...")))) {
		rel := strings.TrimPrefix(strings.TrimSpace(pkg), "github.com/alchemiser/alchemiser")
		rel = strings.TrimPrefix(rel, "/")
		if rel == "" {
			rel = "."
		}
		if !strings.Contains(string(readme), "\n| `"+rel+"`") {
			t.Errorf("README.md's layout table has no row for %s", rel)
		}
	}
}

// goList runs go list with args.
func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	// go test puts its own go first on PATH.
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list: %v\n%s", err, exit.Stderr)
		}
		t.Fatalf("could not run go list: %v", err)
	}
	return out
}
