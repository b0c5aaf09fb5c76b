package local

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/synctest"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/alchemiser/alchemiser/topology"
)

// route is a (source, detail-type) the code publishes.
type route struct{ source, detailType string }

// intendedRoutes is the workflow's routing contract: who consumes what.
// TradeExecuted is archived only; no function consumes it.
var intendedRoutes = map[route][]string{
	{"alchemiser.scheduler", events.TypeWorkflowStarted}:   {"StrategyFunction"},
	{"alchemiser.strategy", events.TypeSignalGenerated}:    {"PortfolioFunction"},
	{"alchemiser.strategy", events.TypeWorkflowFailed}:     {"NotificationsFunction"},
	{"alchemiser.portfolio", events.TypeRebalancePlanned}:  {"ExecutionFunction"},
	{"alchemiser.portfolio", events.TypeWorkflowCompleted}: {"NotificationsFunction"},
	{"alchemiser.portfolio", events.TypeWorkflowFailed}:    {"NotificationsFunction"},
	{"alchemiser.execution", events.TypeTradeExecuted}:     nil,
	{"alchemiser.execution", events.TypeWorkflowCompleted}: {"NotificationsFunction"},
	{"alchemiser.execution", events.TypeWorkflowFailed}:    {"NotificationsFunction"},
}

// routingProblems checks the template's rules against the contract,
// matching with the emulator itself.
func routingProblems(t *testing.T, src []byte) []string {
	top, err := topology.Load("template.yaml", src, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := emulator.New(top)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for r, want := range intendedRoutes {
		env, _ := json.Marshal(map[string]any{"version": "0", "id": "1", "source": r.source, "detail-type": r.detailType,
			"account": top.Account, "time": "2026-11-20T14:35:00Z", "region": top.Region, "resources": []string{}, "detail": map[string]any{}})
		got := e.Targets("Bus", env)
		if !slices.Equal(got, want) {
			problems = append(problems, fmt.Sprintf("%s %s goes to %v, want %v", r.source, r.detailType, got, want))
		}
	}
	sort.Strings(problems)
	return problems
}

func TestTemplateRoutesEveryPublishedEventToItsConsumers(t *testing.T) {
	synctest.Test(t, testTemplateRoutesEveryPublishedEventToItsConsumers)
}

func testTemplateRoutesEveryPublishedEventToItsConsumers(t *testing.T) {
	for _, p := range routingProblems(t, alchemiser.Template) {
		t.Error(p)
	}
	// What a real run publishes must all be in the contract.
	rep, err := Run(context.Background(), Config{Workflows: 3, Seed: 5, OutDir: t.TempDir()}, WithNetwork(memnet.Listen()))
	if err != nil || !rep.AllCompleted() {
		t.Fatalf("%v %+v", err, rep)
	}
	for _, a := range readArchive(t, rep.RunDir) {
		var env events.Envelope
		if err := json.Unmarshal(a.Event, &env); err != nil {
			t.Fatal(err)
		}
		if _, ok := intendedRoutes[route{env.Source, env.DetailType}]; !ok {
			t.Errorf("the code published %s %s, which the routing contract does not declare", env.Source, env.DetailType)
		}
	}
}

// The check must catch the migration's failure: a rule whose source does
// not match what the code publishes.
func TestRoutingCheckCatchesAWrongPattern(t *testing.T) {
	wrong := strings.Replace(string(alchemiser.Template), "source: [alchemiser.portfolio]\n              detail-type: [RebalancePlanned]",
		"source: [alchemiser.portfolio-service]\n              detail-type: [RebalancePlanned]", 1)
	if wrong == string(alchemiser.Template) {
		t.Fatal("the template no longer has the rule this test breaks; update the test")
	}
	problems := routingProblems(t, []byte(wrong))
	if len(problems) != 1 || !strings.Contains(problems[0], "alchemiser.portfolio RebalancePlanned goes to [], want [ExecutionFunction]") {
		t.Fatalf("problems %v", problems)
	}
}

func readArchive(t *testing.T, dir string) []emulator.Archived {
	t.Helper()
	evs, err := emulator.LoadArchive(filepath.Join(dir, "archive", "BusArchive.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return evs
}
