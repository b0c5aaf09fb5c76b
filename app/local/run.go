package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/marketdata"
	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/shopspring/decimal"
)

// Config configures a stack (New) and a run (Run): the one
// configuration of the local stack; Option changes the rest.
type Config struct {
	// Workflows is how many workflows Run runs, one a session on the data
	// set's last Workflows sessions; 1 when zero.
	Workflows int
	// Seed fixes the starting portfolio, the correlation ids, the
	// emulator's jitter and duplicates, and the exchange's faults.
	Seed uint64
	// OutDir is the parent of a new run directory named by time and seed;
	// "runs" when empty.
	OutDir string
	// RunDir is the run directory itself, created when missing; it
	// overrides OutDir. Run refuses one that exists.
	RunDir   string
	Progress io.Writer // one line per workflow; silent when nil
	// Duplicates is the share of EventBridge deliveries made twice
	// (EventBridge delivers at least once), 0..1.
	Duplicates float64
	// TimeScale compresses EventBridge's and Lambda's retry waits (1 is
	// real time); DefaultTimeScale when zero, no waiting when negative.
	TimeScale float64
	// Date, when set, runs one workflow on that New York date instead:
	// the paper exchange's market clock at 09:35 that day, the schedule
	// firing then. A weekend or an exchange holiday ends market_closed.
	// The date must be in the data set's range, after its first Warmup
	// sessions (the strategies' history).
	Date time.Time
}

func (c Config) withDefaults() Config {
	if c.Workflows == 0 {
		c.Workflows = 1
	}
	if c.OutDir == "" {
		c.OutDir = "runs"
	}
	if c.TimeScale == 0 {
		c.TimeScale = DefaultTimeScale
	}
	return c
}

// runDir creates the run directory: RunDir (with its parents), or a new
// one under OutDir.
func (c Config) runDir() (string, error) {
	if c.RunDir == "" {
		return runDir(c.OutDir, c.Seed)
	}
	if err := os.MkdirAll(c.RunDir, 0o755); err != nil {
		return "", fmt.Errorf("could not create run directory: %w", err)
	}
	return c.RunDir, nil
}

// DefaultTimeScale makes Lambda's one-minute retry wait 100 ms.
const DefaultTimeScale = 1.0 / 600

// Result is one workflow's outcome.
type Result struct {
	CorrelationID   string  `json:"correlation_id"`
	TradingDate     string  `json:"trading_date"`
	Status          string  `json:"status"` // completed, failed or stuck
	Outcome         string  `json:"outcome,omitempty"`
	FailedStep      string  `json:"failed_step,omitempty"`
	Reason          string  `json:"reason,omitempty"`
	OrdersSubmitted int     `json:"orders_submitted"`
	OrdersFilled    int     `json:"orders_filled"`
	DurationMs      float64 `json:"duration_ms"`
	RunDir          string  `json:"run_dir"`
	Summary         string  `json:"-"`
}

// Report is the outcome of a run.
type Report struct {
	RunDir  string   `json:"run_dir"`
	Results []Result `json:"results"`
	// DeadLettered counts messages in the template's queues: events a
	// rule target could not take, and invocations that failed for good.
	DeadLettered int      `json:"dead_lettered"`
	Bus          BusStats `json:"eventbridge"`
}

// BusStats is what the local EventBridge and Lambda did during a run.
type BusStats struct {
	Events              int64 `json:"events"`
	Unmatched           int64 `json:"unmatched"` // matched no rule (archived only), e.g. TradeExecuted
	TargetInvocations   int64 `json:"target_invocations"`
	FailedInvocations   int64 `json:"failed_target_invocations"`
	SentToDLQ           int64 `json:"sent_to_dlq"`
	FunctionInvocations int64 `json:"function_invocations"`
	FunctionErrors      int64 `json:"function_errors"`
	SentToDestination   int64 `json:"sent_to_on_failure_destination"`
	DuplicateDeliveries int64 `json:"duplicate_deliveries"`
	Replayed            int64 `json:"replayed"`
}

func busStats(st *emulator.Stats) BusStats {
	return BusStats{Events: st.Events.Load(), Unmatched: st.Unmatched.Load(), TargetInvocations: st.Invocations.Load(),
		FailedInvocations: st.FailedInvocations.Load(), SentToDLQ: st.InvocationsToDLQ.Load(),
		FunctionInvocations: st.FunctionInvocations.Load(), FunctionErrors: st.FunctionErrors.Load(),
		SentToDestination: st.ToDestination.Load(), DuplicateDeliveries: st.DuplicateDeliveries.Load(), Replayed: st.Replayed.Load()}
}

// Completed counts completed workflows.
func (r *Report) Completed() int {
	n := 0
	for _, res := range r.Results {
		if res.Status == "completed" {
			n++
		}
	}
	return n
}

// AllCompleted reports whether every workflow completed and nothing was
// dead-lettered.
func (r *Report) AllCompleted() bool {
	return r.Completed() == len(r.Results) && r.DeadLettered == 0
}

// StartingCash is the paper account's value at the start of a run.
var StartingCash = decimal.NewFromInt(100_000)

// Run runs cfg.Workflows workflows on a new stack (New), one after
// another, and closes it.
func Run(ctx context.Context, cfg Config, opts ...Option) (*Report, error) {
	if cfg.RunDir != "" {
		if _, err := os.Stat(cfg.RunDir); err == nil {
			return nil, fmt.Errorf("run directory %s already exists", cfg.RunDir)
		}
	}
	s, err := New(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Run(ctx)
}

// Warmup is how many sessions of history the first workflow keeps: the
// strategies' longest window needs it.
const Warmup = 120

// Run runs one workflow per session of Days, one after another, and
// writes run.json.
func (s *Stack) Run(ctx context.Context) (*Report, error) {
	ends := &terminals{byID: map[string]events.Event{}, started: map[string]string{}}
	s.Bus.Tap(ends.record)
	rep := &Report{RunDir: s.Dir}
	days := s.Days
	for i, day := range days {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		res := s.workflow(ctx, day, ends)
		rep.Results = append(rep.Results, res)
		if s.cfg.Progress != nil {
			fmt.Fprintf(s.cfg.Progress, "workflow %d/%d %s %s: %s, %d orders, %d filled, %.0f ms\n", i+1, len(days),
				res.TradingDate, res.CorrelationID, res.Status, res.OrdersSubmitted, res.OrdersFilled, res.DurationMs)
		}
	}
	s.session.release()
	rep.DeadLettered, rep.Bus = s.Queues.Count(), busStats(s.Bus.Stats())
	return rep, errors.Join(s.Queues.Err(), s.Archive.Err(), writeReport(s.Dir, rep))
}

// workflow runs one workflow on session day: the schedule fires at 09:35
// New York time and invokes the scheduler function, as EventBridge
// Scheduler would; then it waits for everything in flight to settle.
func (s *Stack) workflow(ctx context.Context, day time.Time, ends *terminals) Result {
	s.Exchange.SetDay(day)
	at := scheduledAt(day)
	s.ids.SetClock(func() time.Time { return at })
	s.session.set(at)
	date := day.Format(time.DateOnly)
	res := Result{TradingDate: date, Status: "stuck", RunDir: s.Dir}
	defer s.watch(ctx, day)
	if s.opts.skipDates[date] {
		res.Status, res.Reason = "not_started", "chaos: the schedule did not fire"
		return res
	}
	if err := s.Bus.FireSchedule(ctx, s.Top.Schedule("WorkflowSchedule"), at); err != nil {
		res.Reason = err.Error()
		return res
	}
	s.Bus.Wait()
	res.CorrelationID = ends.startedOn(date)
	if ev := ends.get(res.CorrelationID); ev != nil {
		fill(&res, ev)
	} else {
		res.Reason = "no WorkflowCompleted or WorkflowFailed was published; see queues/ and logs/eventbridge.log"
	}
	return res
}

// scheduledAt is the workflow schedule's time on session day: 09:35 New
// York.
func scheduledAt(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 9, 35, 0, 0, newYork)
}

// watchChecks are the watchdog schedule's firings the local stack runs
// after each workflow: the start deadline, and the first two checks at
// which a workflow scheduled at 09:35 can be stuck (WatchdogSchedule
// fires every five minutes; the later ones would repeat these).
var watchChecks = [][2]int{{9, 45}, {9, 50}, {9, 55}}

// watch fires the watchdog schedule at watchChecks of day, one at a time.
func (s *Stack) watch(ctx context.Context, day time.Time) {
	if s.opts.noWatchdog {
		return
	}
	for _, hm := range watchChecks {
		at := time.Date(day.Year(), day.Month(), day.Day(), hm[0], hm[1], 0, 0, newYork)
		if err := s.Bus.FireSchedule(ctx, s.Top.Schedule("WatchdogSchedule"), at); err != nil {
			s.busLog.Error("watchdog schedule not fired", "error", err.Error())
			return
		}
		s.Bus.Wait()
	}
}

func fill(res *Result, ev events.Event) {
	switch e := ev.(type) {
	case *events.WorkflowCompleted:
		res.Status, res.Outcome, res.OrdersSubmitted, res.OrdersFilled = "completed", e.Outcome, e.Submitted, e.Filled
	case *events.WorkflowFailed:
		res.Status, res.FailedStep, res.Reason, res.OrdersSubmitted, res.OrdersFilled = "failed", e.Step, e.Reason, e.Submitted, e.Filled
	}
	res.DurationMs = float64(ev.Meta().OccurredAt.Sub(startedAt(ev)).Microseconds()) / 1000
	if sum, ok := handlers.SummaryOf(ev); ok {
		sum.LogLocation = filepath.Join(res.RunDir, "logs")
		res.Summary = notify.RenderText(sum)
	}
}

func startedAt(ev events.Event) time.Time {
	switch e := ev.(type) {
	case *events.WorkflowCompleted:
		return e.StartedAt
	case *events.WorkflowFailed:
		return e.StartedAt
	}
	return ev.Meta().OccurredAt
}

// terminals keeps each workflow's terminal event, decoded from the bus,
// and the correlation id started for each trading date.
type terminals struct {
	mu      sync.Mutex
	byID    map[string]events.Event
	started map[string]string // trading date -> correlation id
}

func (t *terminals) record(d emulator.Delivered) {
	var env events.Envelope
	if err := json.Unmarshal(d.Event, &env); err != nil {
		return
	}
	switch env.DetailType {
	case events.TypeWorkflowStarted, events.TypeWorkflowCompleted, events.TypeWorkflowFailed:
	default:
		return
	}
	ev, err := events.DecodeDetail(env.DetailType, env.Detail)
	if err != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if st, ok := ev.(*events.WorkflowStarted); ok {
		t.started[st.TradingDate] = st.CorrelationID
		return
	}
	m := ev.Meta()
	if c, ok := ev.(*events.WorkflowCompleted); ok && m.EventID == m.CorrelationID { // ended before it started (market closed)
		t.started[c.TradingDate] = c.CorrelationID
	}
	t.byID[m.CorrelationID] = ev
}

func (t *terminals) startedOn(date string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.started[date]
}

func (t *terminals) get(id string) events.Event {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byID[id]
}

// StartingAccount is $100,000, of which a seed-chosen 30% sits in three
// whole-share positions, so the first workflow has something to sell.
func StartingAccount(ds *marketdata.Dataset, day time.Time, seed uint64) (paper.AccountConfig, error) {
	rng := rand.New(rand.NewPCG(seed, 0x616c63))
	syms := ds.Symbols()
	cfg := paper.AccountConfig{Cash: StartingCash, Positions: map[string]decimal.Decimal{}}
	for _, i := range rng.Perm(len(syms))[:3] {
		q, err := ds.At(day).LatestQuote(context.Background(), syms[i])
		if err != nil {
			return cfg, err
		}
		qty := StartingCash.Div(decimal.NewFromInt(10)).Div(q.Mid()).Floor()
		cfg.Positions[syms[i]] = qty
		cfg.Cash = cfg.Cash.Sub(qty.Mul(q.Mid()))
	}
	return cfg, nil
}

func seedBytes(seed uint64) [32]byte {
	var b [32]byte
	for i := range 8 {
		b[i] = byte(seed >> (8 * i))
	}
	return b
}

// runDir creates a new directory under out named by time and seed.
func runDir(out string, seed uint64) (string, error) {
	base := filepath.Join(out, fmt.Sprintf("%s-seed%d", time.Now().UTC().Format("20060102T150405Z"), seed))
	dir := base
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return "", fmt.Errorf("could not create run directory: %w", err)
			}
			continue
		}
		dir = fmt.Sprintf("%s-%d", base, i)
	}
}

func writeReport(dir string, rep *Report) error {
	raw, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("could not encode run report: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "run.json"), append(raw, '\n'), 0o644)
}

// newYork is where the schedules' cron runs.
var newYork = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()
