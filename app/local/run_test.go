package local

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/alchemiser/alchemiser/topology"
)

func runOnce(t *testing.T, n int, seed uint64) *Report {
	t.Helper()
	rep, err := Run(context.Background(), Config{Workflows: n, Seed: seed, OutDir: t.TempDir()}, WithNetwork(memnet.Listen()))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRunCompletesWorkflowsWithDistinctIDs(t *testing.T) {
	synctest.Test(t, testRunCompletesWorkflowsWithDistinctIDs)
}

func testRunCompletesWorkflowsWithDistinctIDs(t *testing.T) {
	rep := runOnce(t, 3, 1)
	if len(rep.Results) != 3 || !rep.AllCompleted() {
		t.Fatalf("report %+v", rep)
	}
	seen := map[string]bool{}
	traded := 0
	for _, r := range rep.Results {
		if seen[r.CorrelationID] {
			t.Errorf("correlation id %s repeated", r.CorrelationID)
		}
		seen[r.CorrelationID] = true
		if r.OrdersSubmitted > 0 && r.OrdersFilled == r.OrdersSubmitted {
			traded++
		}
		if !strings.Contains(r.Summary, r.CorrelationID) {
			t.Errorf("summary lacks the correlation id")
		}
	}
	if traded == 0 {
		t.Error("no workflow traded")
	}
	for _, fn := range functionNames(t) {
		if _, err := os.Stat(filepath.Join(rep.RunDir, "logs", fn+".log")); err != nil {
			t.Errorf("no log for %s: %v", fn, err)
		}
	}
	outbox, _ := filepath.Glob(filepath.Join(rep.RunDir, "outbox", "*.txt"))
	if len(outbox) != 3 {
		t.Errorf("%d notifications, want 3", len(outbox))
	}
}

func TestSameSeedSamePlansAndClientOrderIDs(t *testing.T) {
	synctest.Test(t, testSameSeedSamePlansAndClientOrderIDs)
}

func testSameSeedSamePlansAndClientOrderIDs(t *testing.T) {
	a, b := runIDs(t, 7), runIDs(t, 7)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("runs differ:\n%v\n%v", a, b)
	}
	if c := runIDs(t, 8); strings.Join(a, ",") == strings.Join(c, ",") {
		t.Error("a different seed gave the same ids")
	}
}

// runIDs runs two workflows and returns their correlation ids, plan ids and
// client order ids, in order.
func runIDs(t *testing.T, seed uint64) []string {
	t.Helper()
	dir := t.TempDir()
	rep, err := Run(context.Background(), Config{Workflows: 2, Seed: seed, OutDir: dir}, WithNetwork(memnet.Listen()))
	if err != nil || !rep.AllCompleted() {
		t.Fatalf("%v %+v", err, rep)
	}
	var out []string
	for _, r := range rep.Results {
		out = append(out, r.CorrelationID)
	}
	lines, _ := os.ReadFile(filepath.Join(rep.RunDir, "logs", "execution.log"))
	for _, line := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if id, ok := rec["plan_id"].(string); ok {
			out = append(out, id)
		}
	}
	ids, _ := filepath.Glob(filepath.Join(rep.RunDir, "outbox", "*.txt"))
	for _, f := range ids {
		text, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(text)) {
			if strings.HasPrefix(field, "alc-") {
				out = append(out, field)
			}
		}
	}
	if len(out) < 4 {
		t.Fatalf("too few ids collected: %v", out)
	}
	return out
}

func TestRedeliveredRebalancePlannedPlacesNoNewOrder(t *testing.T) {
	synctest.Test(t, testRedeliveredRebalancePlannedPlacesNoNewOrder)
}

func testRedeliveredRebalancePlannedPlacesNoNewOrder(t *testing.T) {
	s, err := New(context.Background(), Config{RunDir: t.TempDir(), Seed: 3, TimeScale: -1}, WithNetwork(memnet.Listen()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var planned []emulator.Delivered
	s.Bus.Tap(func(d emulator.Delivered) {
		if strings.Contains(string(d.Event), `"detail-type":"RebalancePlanned"`) {
			planned = append(planned, d)
		}
	})
	rep, err := s.Run(context.Background())
	if err != nil || !rep.AllCompleted() || len(planned) != 1 {
		t.Fatalf("%v %+v planned %d", err, rep, len(planned))
	}
	before := len(s.Orders())
	if before == 0 {
		t.Fatal("the workflow placed no orders")
	}
	s.Bus.Inject(planned[0].Bus, planned[0].Event, "redelivery") // EventBridge delivers at least once
	s.Bus.Wait()
	if after := len(s.Orders()); after != before {
		t.Errorf("redelivery placed %d new orders", after-before)
	}
	if n := s.Queues.Count(); n != 0 {
		t.Errorf("redelivery ended in a queue: %d messages", n)
	}
}

// stackRun runs workflows on a stack the test keeps, to look at its
// exchange, queues and archive afterwards.
func stackRun(t *testing.T, n int, seed uint64, duplicates float64) (*Stack, *Report) {
	t.Helper()
	s, err := New(context.Background(), Config{RunDir: t.TempDir(), Workflows: n, Seed: seed, Duplicates: duplicates}, WithNetwork(memnet.Listen()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	rep, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, rep
}

func clientOrderIDs(s *Stack) map[string]int {
	ids := map[string]int{}
	for _, o := range s.Orders() {
		ids[o.ClientOrderID]++
	}
	return ids
}

func TestDuplicateDeliveriesPlaceNoDuplicateOrdersOrNotifications(t *testing.T) {
	synctest.Test(t, testDuplicateDeliveriesPlaceNoDuplicateOrdersOrNotifications)
}

func testDuplicateDeliveriesPlaceNoDuplicateOrdersOrNotifications(t *testing.T) {
	s, rep := stackRun(t, 3, 21, 0.3)
	if !rep.AllCompleted() {
		t.Fatalf("report %+v", rep)
	}
	if rep.Bus.DuplicateDeliveries == 0 {
		t.Fatal("no duplicate was delivered; the test proves nothing")
	}
	submitted := 0
	for _, r := range rep.Results {
		submitted += r.OrdersSubmitted
	}
	ids := clientOrderIDs(s)
	if len(s.Orders()) != submitted || len(ids) != submitted {
		t.Errorf("%d orders at the exchange, %d distinct, %d reported submitted", len(s.Orders()), len(ids), submitted)
	}
	if sent, _ := filepath.Glob(filepath.Join(s.Dir, "outbox", "*.txt")); len(sent) != 3 {
		t.Errorf("%d notifications for 3 workflows", len(sent))
	}
	skipped := countLines(t, filepath.Join(s.Dir, "logs"), "duplicate delivery skipped")
	if skipped == 0 {
		t.Errorf("%d duplicates delivered, none logged as skipped", rep.Bus.DuplicateDeliveries)
	}
	if emf := countLines(t, filepath.Join(s.Dir, "logs"), `"DuplicateEvents"`); emf == 0 {
		t.Error("no DuplicateEvents metric was emitted")
	}
}

func TestReplayingTheArchivePlacesNoNewOrders(t *testing.T) {
	synctest.Test(t, testReplayingTheArchivePlacesNoNewOrders)
}

func testReplayingTheArchivePlacesNoNewOrders(t *testing.T) {
	s, rep := stackRun(t, 2, 9, 0)
	if !rep.AllCompleted() || len(s.Orders()) == 0 {
		t.Fatalf("report %+v, %d orders", rep, len(s.Orders()))
	}
	keys, _ := s.Outbox.Keys()
	before, sent := len(s.Orders()), len(keys)
	archived := s.Archive.Events("BusArchive")
	skippedBefore := countLines(t, filepath.Join(s.Dir, "logs"), "duplicate delivery skipped")
	n, err := s.Bus.Replay(context.Background(), "after-incident", archived)
	if err != nil || n != len(archived) || n == 0 {
		t.Fatalf("replayed %d of %d: %v", n, len(archived), err)
	}
	s.Bus.Wait()
	if after := len(s.Orders()); after != before {
		t.Errorf("replay placed %d new orders", after-before)
	}
	if keys, _ := s.Outbox.Keys(); len(keys) != sent {
		got := len(keys)
		t.Errorf("replay sent %d new notifications", got-sent)
	}
	if q := s.Queues.Count(); q != 0 {
		t.Errorf("replay left %d messages in queues", q)
	}
	// Every routed replayed event was recognised and skipped by idempotency
	// (TradeExecuted is routed nowhere).
	routed := 0
	for _, a := range archived {
		if !strings.Contains(string(a.Event), `"TradeExecuted"`) {
			routed++
		}
	}
	if skipped := countLines(t, filepath.Join(s.Dir, "logs"), "duplicate delivery skipped") - skippedBefore; skipped != routed {
		t.Errorf("%d replayed deliveries skipped, want %d", skipped, routed)
	}
	if got := len(s.Archive.Events("BusArchive")); got != len(archived) {
		t.Errorf("replayed events were archived again: %d -> %d", len(archived), got)
	}
}

func countLines(t *testing.T, dir, substr string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, substr) {
				n++
			}
		}
	}
	return n
}

// functionNames are the template's functions.
func functionNames(t *testing.T) []string {
	t.Helper()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return top.FunctionNames()
}

// The kill switch given to the stack stops the execution step, as the SSM
// parameter does in Lambda: a halted day completes with outcome halted,
// places no order, and sends one notification, which says so.
func TestWithTradingEnabledStopsTheExecution(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		off := func(context.Context) (bool, error) { return false, nil }
		rep, err := Run(context.Background(), Config{Seed: 1, OutDir: t.TempDir()}, WithNetwork(memnet.Listen()), WithTradingEnabled(off))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Results) != 1 || rep.Results[0].Status != "completed" || rep.Results[0].Outcome != events.OutcomeHalted || rep.Results[0].OrdersSubmitted != 0 {
			t.Fatalf("results %+v, want one workflow completed, halted, without orders", rep.Results)
		}
		sent, err := filepath.Glob(filepath.Join(rep.RunDir, "outbox", "*.json"))
		if err != nil || len(sent) != 1 {
			t.Fatalf("notifications %v (%v), want one", sent, err)
		}
		raw, err := os.ReadFile(sent[0])
		if err != nil || !strings.Contains(string(raw), "trading halted") {
			t.Errorf("notification %s (%v), want it to say trading is halted", raw, err)
		}
	})
}

// The rules and the schedule invoke the functions' aliases, as in AWS,
// and a workflow runs end to end through them: every function it reaches
// through a rule logs.
func TestWorkflowRunsThroughTheAliases(t *testing.T) {
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range top.Rules {
		for _, tg := range r.Targets {
			if f := top.Functions[tg.Function]; f != nil && (tg.Qualifier != "live" || tg.ARN != f.AliasARN) {
				t.Errorf("rule %s invokes %s, not the alias of %s", r.LogicalID, tg.ARN, f.LogicalID)
			}
		}
	}
	if s := top.Schedule("WorkflowSchedule"); s == nil || s.Function != "SchedulerFunction" || s.Qualifier != "live" {
		t.Errorf("workflow schedule %+v, want the scheduler's alias", s)
	}
	synctest.Test(t, func(t *testing.T) {
		rep := runOnce(t, 1, 7)
		if !rep.AllCompleted() {
			t.Fatalf("report %+v", rep)
		}
		for _, fn := range []string{"strategy", "portfolio", "execution", "notifications"} {
			if b, err := os.ReadFile(filepath.Join(rep.RunDir, "logs", fn+".log")); err != nil || len(b) == 0 {
				t.Errorf("%s did not run through its alias: %v", fn, err)
			}
		}
	})
}
