package chaos

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/internal/memnet"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/queries/insights"
	"github.com/alchemiser/alchemiser/topology"
)

// Each incident of the catalogue has a proof: a scenario injects the
// fault on the local stack, and the incident's saved query returns
// exactly the affected workflows; on a clean run it returns nothing.
//
// Every proof runs in a testing/synctest bubble, the paper exchange on an
// in-memory network (internal/memnet): retry waits, timeouts, latencies
// and init delays take virtual time, so durations and races between a
// timeout and a latency are the same on any machine.

// scenario runs n workflows with chaos and setup applied before the run.
func scenario(t *testing.T, n int, seed uint64, knobs Knobs, setup func(s *Stack)) (*Stack, *local.Report) {
	t.Helper()
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return stackRun(t, StackConfig{Dir: t.TempDir(), Workflows: n, Seed: seed, Knobs: knobs, SLOs: spec}, setup)
}

// stackRun runs a stack's workflows, with setup applied before the run,
// the exchange on an in-memory network: call it in a bubble.
func stackRun(t *testing.T, cfg StackConfig, setup func(s *Stack)) (*Stack, *local.Report) {
	t.Helper()
	cfg.Network = memnet.Listen()
	s, err := NewStack(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if setup != nil {
		setup(s)
	}
	rep, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.Close() // flush the log groups
	return s, rep
}

var clean struct {
	dir string
	rep *local.Report
}

// cleanRun is one fault-free run of three workflows, shared by the
// proofs' "nothing on a clean run" halves.
func cleanRun(t *testing.T) string {
	if clean.dir == "" {
		s, rep := scenario(t, 3, 31, Knobs{}, nil)
		if !rep.AllCompleted() {
			t.Fatalf("the clean run did not complete: %+v", rep)
		}
		dir, err := os.MkdirTemp("", "clean-run")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(dir, os.DirFS(s.Dir)); err != nil {
			t.Fatal(err)
		}
		clean.dir, clean.rep = dir, rep
	}
	return clean.dir
}

// savedQuery runs a saved query over a run directory's log groups.
func querySaved(t *testing.T, dir, name string, params map[string]string) *insights.Result {
	t.Helper()
	sq, err := queries.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	text, err := sq.Query(params)
	if err != nil {
		t.Fatal(err)
	}
	q, err := insights.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	res := q.Run(func(yield func(*insights.Event) bool) {
		if err := insights.RunDirEvents(dir, sq.LogGroups, yield); err != nil {
			t.Fatal(err)
		}
	}, insights.Options{})
	return res
}

// column returns the distinct values of a result column, sorted.
func columnOf(t *testing.T, r *insights.Result, name string) []string {
	t.Helper()
	i := slices.Index(r.Columns, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, r.Columns)
	}
	seen := map[string]bool{}
	var out []string
	for _, row := range r.Rows {
		if v := row[i]; v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func idsWhere(rep *local.Report, keep func(local.Result) bool) []string {
	var out []string
	for _, r := range rep.Results {
		if keep(r) {
			out = append(out, r.CorrelationID)
		}
	}
	sort.Strings(out)
	return out
}

func assertSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the scenario affected no workflow; it proves nothing", what)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s returned %v, want exactly %v", what, got, want)
	}
}

func assertNothingOnACleanRun(t *testing.T, name string, params map[string]string) {
	t.Helper()
	if r := querySaved(t, cleanRun(t), name, params); len(r.Rows) != 0 {
		t.Errorf("%s on a clean run returned %d rows: %v", name, len(r.Rows), r.Rows)
	}
}

func TestIncidentWorkflowFailedAndOrderRejected(t *testing.T) {
	synctest.Test(t, testIncidentWorkflowFailedAndOrderRejected)
}

func testIncidentWorkflowFailedAndOrderRejected(t *testing.T) {
	s, rep := scenario(t, 3, 31, Knobs{}, func(s *Stack) {
		s.Exchange.RejectSymbols(s.Dataset.Symbols()...) // every order is rejected
	})
	failed := idsWhere(rep, func(r local.Result) bool { return r.Status == "failed" })
	assertSame(t, "workflow-failed", columnOf(t, querySaved(t, s.Dir, "workflow-failed", nil), "correlation_id"), failed)
	assertSame(t, "order-rejected", columnOf(t, querySaved(t, s.Dir, "order-rejected", nil), "correlation_id"), failed)
	assertNothingOnACleanRun(t, "workflow-failed", nil)
	assertNothingOnACleanRun(t, "order-rejected", nil)
	// One account, a few workflows: under every burn-rate tier's minimum
	// volume; the budgets of the period are spent, which tickets.
	assertAlarm(t, s.Dir, "slo-budget-exhausted-ticket")
	b := budgetsOf(t, s.Dir)
	if b["workflow-success"] != [2]float64{0, 3} || b["order-success"][0] != 0 || b["order-success"][1] == 0 {
		t.Errorf("budgets over the run: %v, want every workflow and every order bad", b)
	}
}

// budgetsOf reads each SLO's good and total events over a run's metrics,
// as the notifications function does over CloudWatch's.
func budgetsOf(t *testing.T, dir string) map[string][2]float64 {
	t.Helper()
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	emf, err := alarms.RunMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	var store cwalarm.MetricStore
	store.Add(emf...)
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(time.Hour) // the bubble's clock: after every point
	out := map[string][2]float64{}
	for i := range spec.SLOs {
		s := &spec.SLOs[i]
		good, total, err := spec.Events(context.Background(), s, end.Add(-s.PeriodDuration()), end, store.Values(top.Resolve))
		if err != nil {
			t.Fatal(err)
		}
		out[s.Name] = [2]float64{good, total}
	}
	return out
}

// The account endpoint fails: the portfolio function errors on every
// attempt, the event ends in its on-failure destination, and the
// workflows never end.
func TestIncidentHandlerErrorDeadLetteredAndStuck(t *testing.T) {
	synctest.Test(t, testIncidentHandlerErrorDeadLetteredAndStuck)
}

func testIncidentHandlerErrorDeadLetteredAndStuck(t *testing.T) {
	s, rep := scenario(t, 2, 31, Knobs{}, func(s *Stack) {
		s.Exchange.SetFaults(paper.Faults{ErrorRates: map[int]float64{500: 1}, Paths: []string{"/v2/account"}})
	})
	stuck := idsWhere(rep, func(r local.Result) bool { return r.Status == "stuck" })
	if len(stuck) != 2 || rep.DeadLettered != 2 {
		t.Fatalf("scenario: %+v", rep)
	}
	stuckIDs := columnOf(t, querySaved(t, s.Dir, "workflow-stuck", nil), "correlation_id")
	assertSame(t, "workflow-stuck", stuckIDs, startedIn(t, s.Dir))
	dl := querySaved(t, s.Dir, "event-dead-lettered", nil)
	assertSame(t, "event-dead-lettered", columnOf(t, dl, "correlation_id"), stuckIDs)
	if fns := columnOf(t, dl, "function"); !slices.Equal(fns, []string{"portfolio"}) {
		t.Errorf("dead-lettered in %v, want portfolio", fns)
	}
	he := querySaved(t, s.Dir, "handler-error", nil)
	if fns := columnOf(t, he, "function"); !slices.Equal(fns, []string{"portfolio"}) || he.Rows[0][slices.Index(he.Columns, "workflows")] != "2" {
		t.Errorf("handler-error: %v %v", he.Columns, he.Rows)
	}
	for _, name := range []string{"workflow-stuck", "event-dead-lettered", "handler-error"} {
		assertNothingOnACleanRun(t, name, nil)
	}
	assertAlarm(t, s.Dir, "event-dead-lettered")
	assertAlarm(t, s.Dir, "workflow-stuck")
	assertAlarm(t, s.Dir, "handler-error")
	// The event-delivery SLO reads AsyncEventsDropped per function of the
	// stack, the dimension set Lambda publishes it in: the two dropped
	// events are its bad ones.
	if b := budgetsOf(t, s.Dir)["event-delivery"]; b[1]-b[0] != 2 {
		t.Errorf("event-delivery: %g good of %g, want 2 bad", b[0], b[1])
	}
}

// startedIn are the correlation ids the scheduler started, from its log.
func startedIn(t *testing.T, dir string) []string {
	r := querySaved(t, dir, "workflow-not-started", nil)
	return columnOf(t, r, "correlation_id")
}

func TestIncidentBrokerDegraded(t *testing.T) { synctest.Test(t, testIncidentBrokerDegraded) }

func testIncidentBrokerDegraded(t *testing.T) {
	s, rep := scenario(t, 2, 31, Knobs{}, func(s *Stack) {
		s.Exchange.SetFaults(paper.Faults{RateLimit: 1, Paths: []string{"/v2/orders"}})
	})
	r := querySaved(t, s.Dir, "broker-degraded", nil)
	traded := idsWhere(rep, func(r local.Result) bool { return r.Outcome != "no_trades" })
	statuses := columnOf(t, r, "status")
	if !slices.Contains(statuses, "429") {
		t.Errorf("broker-degraded statuses %v, want 429", statuses)
	}
	if got := columnOf(t, r, "workflows"); len(traded) == 0 || !slices.Equal(got, []string{strconvItoa(len(traded))}) {
		t.Errorf("broker-degraded touched %v workflows, want %d", got, len(traded))
	}
	assertNothingOnACleanRun(t, "broker-degraded", nil)

	// The broker goes down once the plan is made: every execution call
	// fails, the breaker opens, and its alarm fires.
	down, _ := scenario(t, 1, 31, Knobs{}, func(s *Stack) {
		s.Bus.Tap(func(d emulator.Delivered) {
			if strings.Contains(string(d.Event), `"detail-type":"RebalancePlanned"`) {
				s.Exchange.SetFaults(paper.Faults{ErrorRates: map[int]float64{503: 1}})
			}
		})
	})
	if states := columnOf(t, querySaved(t, down.Dir, "broker-degraded", nil), "to"); !slices.Contains(states, "open") {
		t.Errorf("no breaker transition to open in the logs: %v", states)
	}
	assertAlarm(t, down.Dir, "broker-degraded")
}

func strconvItoa(n int) string { return fmt.Sprint(n) }

func TestIncidentDuplicateDelivery(t *testing.T) { synctest.Test(t, testIncidentDuplicateDelivery) }

func testIncidentDuplicateDelivery(t *testing.T) {
	s, rep := stackRun(t, StackConfig{Dir: t.TempDir(), Workflows: 3, Seed: 21, Duplicates: 0.3, TimeScale: local.DefaultTimeScale}, nil)
	if rep.Bus.DuplicateDeliveries == 0 {
		t.Fatal("no duplicates delivered")
	}
	r := querySaved(t, s.Dir, "duplicate-delivery", nil)
	total := 0
	for _, row := range r.Rows {
		n := 0
		for _, c := range row[slices.Index(r.Columns, "duplicates")] {
			n = n*10 + int(c-'0')
		}
		total += n
	}
	if int64(total) != rep.Bus.DuplicateDeliveries {
		t.Errorf("duplicate-delivery counts %d duplicates, the bus delivered %d", total, rep.Bus.DuplicateDeliveries)
	}
	assertNothingOnACleanRun(t, "duplicate-delivery", nil)
	if rep.Bus.DuplicateDeliveries <= alarms.DuplicateSpikePerHour {
		t.Errorf("only %d duplicates: the dashboard's spike needs more", rep.Bus.DuplicateDeliveries)
	}
}

func TestIncidentPublishFailed(t *testing.T) { synctest.Test(t, testIncidentPublishFailed) }

func testIncidentPublishFailed(t *testing.T) {
	s, rep := scenario(t, 2, 31, Knobs{}, func(s *Stack) {
		s.SetPutFailure(func(_, detailType string) (string, string) {
			if detailType == "SignalGenerated" {
				return "ThrottlingException", "Rate exceeded"
			}
			return "", ""
		})
	})
	r := querySaved(t, s.Dir, "publish-failed", nil)
	assertSame(t, "publish-failed", columnOf(t, r, "correlation_id"), startedIn(t, s.Dir))
	if reasons := columnOf(t, r, "reason"); !slices.Equal(reasons, []string{"ThrottlingException"}) {
		t.Errorf("reasons %v", reasons)
	}
	_ = rep
	assertNothingOnACleanRun(t, "publish-failed", nil)
	assertAlarm(t, s.Dir, "publish-failed")
}

func TestIncidentPoisonEvent(t *testing.T) { synctest.Test(t, testIncidentPoisonEvent) }

func testIncidentPoisonEvent(t *testing.T) {
	s2, _ := scenario(t, 1, 32, Knobs{}, func(s *Stack) {
		// A producer on a newer schema: MAJOR 9 is not supported.
		raw := []byte(`{"version":"0","id":"p1","detail-type":"SignalGenerated","source":"alchemiser.strategy","account":"000000000000",` +
			`"time":"2026-11-20T14:35:00Z","region":"us-east-1","resources":[],"detail":{"metadata":{"event_id":"01POISON","correlation_id":"01POISON",` +
			`"causation_id":"01POISON","schema_version":"9.0","occurred_at":"2026-11-20T14:35:00Z"}}}`)
		s.Bus.Inject("Bus", raw, "p1")
		s.Bus.Wait()
	})
	r := querySaved(t, s2.Dir, "poison-event", nil)
	if got := columnOf(t, r, "event_type"); !slices.Equal(got, []string{"SignalGenerated"}) || !slices.Equal(columnOf(t, r, "source"), []string{"alchemiser.strategy"}) {
		t.Errorf("poison-event: %v %v", r.Columns, r.Rows)
	}
	assertNothingOnACleanRun(t, "poison-event", nil)
	assertAlarm(t, s2.Dir, "handler-error")
}

func TestIncidentLambdaTimeout(t *testing.T) { synctest.Test(t, testIncidentLambdaTimeout) }

func testIncidentLambdaTimeout(t *testing.T) {
	s, rep := scenario(t, 2, 31, Knobs{Timeouts: map[string]time.Duration{"execution": 40 * time.Millisecond}}, func(s *Stack) {
		s.Exchange.SetFaults(paper.Faults{Latency: 100 * time.Millisecond, Paths: []string{"/v2/orders"}})
	})
	traded := idsWhere(rep, func(r local.Result) bool { return r.Outcome != "no_trades" })
	r := querySaved(t, s.Dir, "lambda-timeout", nil)
	if fns := columnOf(t, r, "function_name"); !slices.Equal(fns, []string{"execution"}) {
		t.Errorf("timed-out functions %v", fns)
	}
	if got := columnOf(t, r, "correlation_id"); len(got) == 0 || len(got) > len(traded) {
		t.Error("timed-out invocations carry no correlation id")
	}
	assertAlarm(t, s.Dir, "lambda-timeout")
	assertNothingOnACleanRun(t, "lambda-timeout", nil)
}

func TestIncidentColdStartSpike(t *testing.T) { synctest.Test(t, testIncidentColdStartSpike) }

func testIncidentColdStartSpike(t *testing.T) {
	s, _ := scenario(t, 1, 31, Knobs{InitDelay: map[string]time.Duration{"strategy": (alarms.InitBaselineMs + 200) * time.Millisecond}}, nil)
	r := querySaved(t, s.Dir, "cold-start-spike", map[string]string{"init_ms": fmt.Sprint(alarms.InitBaselineMs)})
	if got := columnOf(t, r, "@log"); len(got) != 1 || !strings.HasSuffix(got[0], "-strategy") {
		t.Errorf("cold-start-spike groups %v", got)
	}
	// In virtual time an init takes exactly its injected delay: the
	// spike's is the baseline plus 200 ms, a clean run's take none.
	if got, want := columnOf(t, r, "max_init_ms"), fmt.Sprint(alarms.InitBaselineMs+200); !slices.Equal(got, []string{want}) {
		t.Errorf("the spike's init took %v ms, want %s", got, want)
	}
	assertNothingOnACleanRun(t, "cold-start-spike", map[string]string{"init_ms": "0"})
}

func TestIncidentLogVolumeSpike(t *testing.T) { synctest.Test(t, testIncidentLogVolumeSpike) }

func testIncidentLogVolumeSpike(t *testing.T) {
	s, rep := scenario(t, 2, 31, Knobs{LogNoise: map[string]int{"portfolio": 1500}}, nil)
	r := querySaved(t, s.Dir, "log-volume-spike", nil)
	assertSame(t, "log-volume-spike", columnOf(t, r, "correlation_id"), idsWhere(rep, func(local.Result) bool { return true }))
	if fns := columnOf(t, r, "function"); !slices.Equal(fns, []string{"portfolio"}) {
		t.Errorf("functions %v", fns)
	}
	assertNothingOnACleanRun(t, "log-volume-spike", nil)
	assertAlarm(t, s.Dir, "log-volume-spike")
}

func TestIncidentWorkflowSlow(t *testing.T) { synctest.Test(t, testIncidentWorkflowSlow) }

func testIncidentWorkflowSlow(t *testing.T) {
	// The latency SLO with the query's 1 s as the threshold (the deployed
	// 120 s cannot be reached locally), for the stack's budgets and the
	// alarms.
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range spec.SLOs {
		if spec.SLOs[i].Latency != nil {
			spec.SLOs[i].Latency.ThresholdMs = 1000
		}
	}
	s, rep := stackRun(t, StackConfig{Dir: t.TempDir(), Workflows: 2, Seed: 31, SLOs: spec}, func(s *Stack) {
		s.Exchange.SetFaults(paper.Faults{Latency: 150 * time.Millisecond, Paths: []string{"/v2/orders"}})
	})
	// 1 s: a clean workflow takes no virtual time (fills are immediate),
	// the slow ones several 150 ms order POSTs.
	slow := idsWhere(rep, func(r local.Result) bool { return r.Status == "completed" && r.DurationMs > 1000 })
	r := querySaved(t, s.Dir, "workflow-slow", map[string]string{"threshold_ms": "1000"})
	assertSame(t, "workflow-slow", columnOf(t, r, "correlation_id"), slow)
	steps := querySaved(t, s.Dir, "workflow-steps", map[string]string{"correlation_id": slow[0]})
	if len(steps.Rows) < 4 {
		t.Errorf("workflow-steps: %v", steps.Rows)
	}
	assertNothingOnACleanRun(t, "workflow-slow", map[string]string{"threshold_ms": "1000"})
	// The latency budget is spent by the slow workflows: the ticket.
	if !alarmFiredWith(t, spec, s.Dir, "slo-budget-exhausted-ticket") {
		t.Error("slo-budget-exhausted-ticket did not fire on the slow run")
	}
	if alarmFiredWith(t, spec, cleanRun(t), "slo-budget-exhausted-ticket") {
		t.Error("slo-budget-exhausted-ticket fired on a clean run")
	}
}

func TestIncidentWorkflowNotStarted(t *testing.T) { synctest.Test(t, testIncidentWorkflowNotStarted) }

func testIncidentWorkflowNotStarted(t *testing.T) {
	ds, _ := marketdata.Synthetic()
	days := ds.TradingDays()
	skipped := days[len(days)-2].Format(time.DateOnly)
	s, _ := scenario(t, 3, 31, Knobs{SkipDays: map[string]bool{skipped: true}}, nil)
	r := querySaved(t, s.Dir, "workflow-not-started", nil)
	started, checks := map[string]string{}, map[string]string{}
	at := func(name string) int { return slices.Index(r.Columns, name) }
	for _, row := range r.Rows {
		started[row[at("trading_date")]], checks[row[at("trading_date")]] = row[at("started")], row[at("not_started_checks")]
	}
	// Every row is a date, and every count column says something on
	// some date (no column that is always 0).
	for _, row := range r.Rows {
		if row[at("trading_date")] == "" {
			t.Errorf("a row without a date: %v", row)
		}
	}
	for i, col := range r.Columns {
		if col == "trading_date" || col == "correlation_id" {
			continue
		}
		if !slices.ContainsFunc(r.Rows, func(row []string) bool { return row[i] != "0" }) {
			t.Errorf("column %s is 0 on every date", col)
		}
	}
	for _, d := range days[len(days)-3:] {
		date, want := d.Format(time.DateOnly), "1"
		if date == skipped {
			want = "0"
		}
		if started[date] != want {
			t.Errorf("%s: started %q, want %s", date, started[date], want)
		}
		if (checks[date] != "0") != (date == skipped) {
			t.Errorf("%s: the watchdog said not started %s times", date, checks[date])
		}
	}
	assertAlarm(t, s.Dir, "workflow-not-started")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if clean.dir != "" {
		_ = os.RemoveAll(clean.dir)
	}
	os.Exit(code)
}

// alarmFired evaluates the generated alarm called name (an SLO alarm or
// composite, or a symptom alarm) on the metrics the run recorded (EMF in
// the log groups and the bus's platform metrics), once a minute from the
// first metric to fifteen minutes after the last, and reports whether it
// reached ALARM.
func alarmFired(t *testing.T, dir, name string) bool {
	t.Helper()
	spec, err := alarms.LoadSpec("../alarms/slos.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return alarmFiredWith(t, spec, dir, name)
}

func alarmFiredWith(t *testing.T, spec *alarms.Spec, dir, name string) bool {
	t.Helper()
	states, err := AlarmStates(spec, dir)
	if err != nil {
		t.Fatal(err)
	}
	samples, ok := states[name]
	if !ok {
		t.Fatalf("no generated alarm %q", name)
	}
	return slices.ContainsFunc(samples, func(s cwalarm.Sample) bool { return s.State == cwalarm.Alarm })
}

// assertAlarm: the incident's alarm fires on the faulty run's metrics,
// and stays quiet on the clean run's.
func assertAlarm(t *testing.T, dir, name string) {
	t.Helper()
	if !alarmFired(t, dir, name) {
		t.Errorf("alarm %s did not fire on the incident's metrics", name)
	}
	if alarmFired(t, cleanRun(t), name) {
		t.Errorf("alarm %s fired on a clean run", name)
	}
}
