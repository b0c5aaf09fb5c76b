package chaos

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/sns"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// Observed is what a run left behind, read from its directory and the
// stack, before any judgement.
type Observed struct {
	Dir     string
	Results []local.Result
	// Started are the correlation ids of the scheduler's "workflow
	// started" log lines, and of its market-closed ones (a workflow that
	// started and ended there).
	Started []string
	// DeadLettered are the correlation ids found in the run's queues (the
	// events DLQs and on-failure destinations), once each.
	DeadLettered []string
	// Orders the exchange accepted, and those accepted twice.
	Orders, DuplicateOrders int
	// Notifications counts the outbox's notifications by correlation id.
	Notifications map[string]int
	// Dropped are the events the bus or Lambda dropped for want of a
	// dead-letter queue or on-failure destination (logs/eventbridge.log).
	Dropped int
	// Deliveries are what the SNS topics delivered (deliverAlarms), and
	// EnrichedAlarms the notifications function's alarm messages in the
	// outbox.
	Deliveries     []sns.Delivery
	EnrichedAlarms int
	// AlarmNotifications are what the alarms sent (alarms.CountNotifications),
	// set before the scenario's Invariant runs.
	AlarmNotifications Notifications
}

// Check is one invariant's verdict on a run.
type Check struct {
	Name   string `json:"name"`
	Pass   bool   `json:"pass"`
	Detail string `json:"detail"`
}

func (c Check) String() string {
	verdict := "PASS"
	if !c.Pass {
		verdict = "FAIL"
	}
	return fmt.Sprintf("%s %s: %s", verdict, c.Name, c.Detail)
}

// The invariants' names.
const (
	Accounting         = "accounting"
	NoDuplicateOrders  = "no duplicate orders"
	NoDuplicateNotices = "no duplicate notifications"
	EveryFailureAlert  = "every failure alerted"
	NotifiedAsDeclared = "notifications as declared"
	Findable           = "findable"
)

// Report is a scenario's run and its checks.
type Report struct {
	Scenario  string  `json:"scenario"`
	Incident  string  `json:"incident,omitempty"`
	RunDir    string  `json:"run_dir,omitempty"` // empty when the run directory was temporary
	Workflows int     `json:"workflows"`
	Checks    []Check `json:"checks"`
	Pass      bool    `json:"pass"`
	// AlarmNotifications is what the humans received: the alarms'
	// transitions to ALARM by severity, and back to OK.
	AlarmNotifications Notifications `json:"alarm_notifications"`
	// HumanDeliveries is what reached a human through SNS: the raw alarm
	// messages of the topics' direct subscriptions, and the enriched
	// ones of the notifications function.
	HumanDeliveries HumanDeliveries `json:"human_deliveries"`
}

// Check returns the named check, or a failed one when absent.
func (r *Report) Check(name string) Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return Check{Name: name, Detail: "not checked"}
}

func observe(dir string, rep *local.Report, dupOrders, orders int) (*Observed, error) {
	o := &Observed{Dir: dir, Orders: orders, DuplicateOrders: dupOrders}
	var err error
	if o.Started, err = startedIDs(filepath.Join(dir, "logs", "scheduler.log")); err != nil {
		return nil, err
	}
	if o.DeadLettered, err = deadLettered(filepath.Join(dir, "queues")); err != nil {
		return nil, err
	}
	if o.Notifications, o.EnrichedAlarms, err = notifications(filepath.Join(dir, "outbox")); err != nil {
		return nil, err
	}
	if o.Deliveries, err = sns.ReadDeliveries(dir); err != nil {
		return nil, err
	}
	if o.Dropped, err = dropped(filepath.Join(dir, "logs", "eventbridge.log")); err != nil {
		return nil, err
	}
	ended, err := endings(filepath.Join(dir, "outbox"))
	if err != nil {
		return nil, err
	}
	o.Results = slices.Clone(rep.Results)
	for i, r := range o.Results {
		if st := ended[r.CorrelationID]; r.Status == "stuck" && st != "" {
			o.Results[i].Status = st // ended after the run: a redrive
		}
	}
	return o, nil
}

// endings are the terminal statuses the outbox's notifications
// (<correlation id>-<status>.json) record, by correlation id.
func endings(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, name := range files {
		if isAlarmMessage(name) {
			continue
		}
		id, st, ok := cutLast(strings.TrimSuffix(filepath.Base(name), ".json"), "-")
		if ok && (st == "completed" || st == "failed") {
			out[id] = st
		}
	}
	return out, nil
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// dropped counts the emulator's "event dropped" lines: an event that
// failed for good with nowhere to go.
func dropped(path string) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("could not read the bus's log: %w", err)
	}
	n := 0
	for _, line := range strings.Split(string(raw), "\n") {
		var l struct{ Msg string }
		if json.Unmarshal([]byte(line), &l) == nil && strings.HasSuffix(l.Msg, "event dropped") {
			n++
		}
	}
	return n, nil
}

// startedIDs reads the scheduler's "workflow started" lines.
func startedIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read the scheduler's log: %w", err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var line struct {
			Message       string `json:"message"`
			CorrelationID string `json:"correlation_id"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.CorrelationID == "" {
			continue
		}
		// A workflow the market is not open for starts and ends in the
		// scheduler, in one line.
		if line.Message == "workflow started" || line.Message == handlers.MarketClosedMessage {
			ids = append(ids, line.CorrelationID)
		}
	}
	return uniq(ids), sc.Err()
}

var correlationRE = regexp.MustCompile(`\\*"correlation_id\\*"\s*:\s*\\*"([0-9A-Za-z]+)`)

// deadLettered reads every queue file and returns the correlation ids its
// messages carry (an event's metadata, or the request payload of a
// failed invocation).
func deadLettered(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("could not read queue: %w", err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if m := correlationRE.FindStringSubmatch(line); m != nil {
				ids = append(ids, m[1])
			}
		}
	}
	return uniq(ids), nil
}

// notifications counts the outbox's workflow messages
// (<correlation id>-<status>.json) by correlation id, and its alarm
// messages apart (their key is <alarm>#<state>#<time>).
func notifications(dir string) (map[string]int, int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, 0, err
	}
	out, alarmMessages := map[string]int{}, 0
	for _, name := range files {
		if isAlarmMessage(name) {
			alarmMessages++
			continue
		}
		base := strings.TrimSuffix(filepath.Base(name), ".json")
		if i := strings.LastIndex(base, "-"); i > 0 {
			base = base[:i]
		}
		out[base]++
	}
	return out, alarmMessages, nil
}

// isAlarmMessage reports whether the outbox's message marker file
// (<name>.json, holding the message's key) is an alarm notification's.
func isAlarmMessage(file string) bool {
	raw, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	var m struct{ Key string }
	return json.Unmarshal(raw, &m) == nil && strings.Contains(m.Key, "#")
}

func uniq(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// checkAccounting: started = completed + failed + dead-lettered, each
// started workflow counted once (a terminal event wins over a dead
// letter), nothing ended that never started, and no event was dropped
// (a poison event belongs to no started workflow, but it must not vanish
// either).
func checkAccounting(o *Observed) Check {
	started := map[string]bool{}
	for _, id := range o.Started {
		started[id] = true
	}
	status := map[string]string{}
	var orphans []string
	for _, r := range o.Results {
		if r.Status != "completed" && r.Status != "failed" || r.CorrelationID == "" {
			continue
		}
		status[r.CorrelationID] = r.Status
		if !started[r.CorrelationID] {
			orphans = append(orphans, r.CorrelationID)
		}
	}
	dead := map[string]bool{}
	for _, id := range o.DeadLettered {
		dead[id] = true
	}
	var completed, failed, dl int
	var unaccounted []string
	for _, id := range o.Started {
		switch {
		case status[id] == "completed":
			completed++
		case status[id] == "failed":
			failed++
		case dead[id]:
			dl++
		default:
			unaccounted = append(unaccounted, id)
		}
	}
	c := Check{Name: Accounting, Pass: len(unaccounted) == 0 && len(orphans) == 0 && o.Dropped == 0,
		Detail: fmt.Sprintf("started %d = completed %d + failed %d + dead-lettered %d", len(o.Started), completed, failed, dl)}
	if len(unaccounted) > 0 {
		c.Detail = fmt.Sprintf("started %d != completed %d + failed %d + dead-lettered %d; unaccounted %v",
			len(o.Started), completed, failed, dl, unaccounted)
	}
	if len(orphans) > 0 {
		c.Detail += fmt.Sprintf("; ended without a start %v", orphans)
	}
	if o.Dropped > 0 {
		c.Detail += fmt.Sprintf("; %d events dropped with no dead-letter queue or destination", o.Dropped)
	}
	return c
}

func checkOrders(o *Observed) Check {
	return Check{Name: NoDuplicateOrders, Pass: o.DuplicateOrders == 0,
		Detail: fmt.Sprintf("%d duplicates among %d accepted orders", o.DuplicateOrders, o.Orders)}
}

func checkNotifications(o *Observed) Check {
	total := 0
	var dups []string
	for id, n := range o.Notifications {
		total += n
		if n > 1 {
			dups = append(dups, id)
		}
	}
	slices.Sort(dups)
	c := Check{Name: NoDuplicateNotices, Pass: len(dups) == 0,
		Detail: fmt.Sprintf("%d notifications for %d workflows", total, len(o.Notifications))}
	if len(dups) > 0 {
		c.Detail += fmt.Sprintf("; more than one for %v", dups)
	}
	return c
}

// check runs every invariant on obs.
func check(sc Scenario, o Options, obs *Observed) (*Report, error) {
	states, err := alarmStates(sc, o, obs.Dir)
	if err != nil {
		return nil, err
	}
	spec, err := scenarioSpec(sc, o)
	if err != nil {
		return nil, err
	}
	alert, sent := checkAlerted(sc, firedIn(states)), alarms.CountNotifications(spec, states)
	obs.AlarmNotifications = sent
	notified := checkNotified(sc, sent, alarms.CountNotifications(spec, without(states, sc.Racy)), notifiers(spec, states))
	find, err := checkFindable(sc, obs)
	if err != nil {
		return nil, err
	}
	r := &Report{Scenario: sc.Name, Incident: sc.Incident, RunDir: obs.Dir, Workflows: len(obs.Results),
		Checks:             []Check{checkAccounting(obs), checkOrders(obs), checkNotifications(obs), alert, notified, find},
		AlarmNotifications: sent, HumanDeliveries: humanDeliveries(obs.Deliveries, obs.EnrichedAlarms)}
	if sc.NoFailedOrders {
		c, err := checkNoFailedOrders(sc, obs)
		if err != nil {
			return nil, err
		}
		r.Checks = append(r.Checks, c)
	}
	if sc.Invariant != nil {
		r.Checks = append(r.Checks, sc.Invariant(obs))
	}
	r.Pass = !slices.ContainsFunc(r.Checks, func(c Check) bool { return !c.Pass })
	return r, nil
}

// checkAlerted compares the generated alarms that fired on the run's
// metrics with the scenario's.
func checkAlerted(sc Scenario, fired []string) Check {
	c := Check{Name: EveryFailureAlert, Pass: true}
	if len(sc.Alarms) == 0 {
		c.Pass = len(fired) == 0
		c.Detail = fmt.Sprintf("no alarm expected; fired %v", fired)
		return c
	}
	var missing, loud []string
	for _, a := range sc.Alarms {
		if !slices.Contains(fired, a) {
			missing = append(missing, a)
		}
	}
	for _, a := range sc.Quiet {
		if slices.Contains(fired, a) {
			loud = append(loud, a)
		}
	}
	c.Pass = len(missing) == 0 && len(loud) == 0
	switch {
	case c.Pass:
		c.Detail = fmt.Sprintf("%v reached ALARM", sc.Alarms)
		if len(sc.Quiet) > 0 {
			c.Detail += fmt.Sprintf("; %v stayed quiet", sc.Quiet)
		}
	case len(missing) > 0:
		c.Detail = fmt.Sprintf("expected %v; missing %v", sc.Alarms, missing)
	default:
		c.Detail = fmt.Sprintf("%v reached ALARM, but %v fired too (the system should have recovered)", sc.Alarms, loud)
	}
	return c
}

// checkNotified compares what the humans received with what the scenario
// declares (none when it declares nothing: clean runs and absorbed
// faults notify no one).
func checkNotified(sc Scenario, sent, held Notifications, by []string) Check {
	c := Check{Name: NotifiedAsDeclared, Pass: held == sc.Notifications,
		Detail: fmt.Sprintf("sent %s", sent)}
	if len(by) > 0 {
		c.Detail += fmt.Sprintf(" from %s", strings.Join(by, ", "))
	}
	if len(sc.Racy) > 0 {
		c.Detail += fmt.Sprintf("; without the racy %v: %s", sc.Racy, held)
	}
	if !c.Pass {
		c.Detail += fmt.Sprintf("; declared %s", sc.Notifications)
	}
	return c
}

// alarmStates are the generated alarms' states on the run's metrics,
// evaluated once a minute from the first metric to 20 minutes after the
// last (AlarmStates).
func alarmStates(sc Scenario, o Options, dir string) (map[string][]cwalarm.Sample, error) {
	spec, err := scenarioSpec(sc, o)
	if err != nil {
		return nil, err
	}
	return AlarmStates(spec, dir)
}

// scenarioSpec is the SLO spec of sc's run: the built-in one or
// o.SpecFile, then the scenario's and o's edits. The stack's
// notifications function reads its budgets with it too.
func scenarioSpec(sc Scenario, o Options) (*alarms.Spec, error) {
	spec, err := alarms.DefaultSpec(nil)
	if o.SpecFile != "" {
		spec, err = alarms.LoadSpec(o.SpecFile, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("could not load the SLO spec: %w", err)
	}
	if sc.Spec != nil {
		sc.Spec(spec)
	}
	if o.SpecEdit != nil {
		o.SpecEdit(spec)
	}
	return spec, nil
}

// cleanQueries must return nothing on the clean scenario.
var cleanQueries = []struct {
	name   string
	params map[string]string
}{
	{"workflow-failed", nil}, {"order-rejected", nil}, {"workflow-stuck", nil}, {"event-dead-lettered", nil},
	{"handler-error", nil}, {"broker-degraded", nil}, {"duplicate-delivery", nil}, {"publish-failed", nil},
	{"poison-event", nil}, {"lambda-timeout", nil}, {"log-volume-spike", nil},
}

// checkFindable runs the scenario's saved query on the run's logs.
func checkFindable(sc Scenario, o *Observed) (Check, error) {
	c := Check{Name: Findable}
	if sc.Query == "" {
		var noisy []string
		for _, q := range cleanQueries {
			r, err := savedQuery(o.Dir, q.name, q.params)
			if err != nil {
				return c, err
			}
			if len(r.Rows) > 0 {
				noisy = append(noisy, fmt.Sprintf("%s (%d rows)", q.name, len(r.Rows)))
			}
		}
		c.Pass = len(noisy) == 0
		c.Detail = fmt.Sprintf("%d incident queries return nothing", len(cleanQueries))
		if !c.Pass {
			c.Detail = fmt.Sprintf("incident queries found rows where none may: %v", noisy)
		}
		if sc.Absorbed != "" {
			n, err := metricSum(o.Dir, sc.Absorbed)
			if err != nil {
				return c, err
			}
			c.Pass = c.Pass && n > 0
			c.Detail += fmt.Sprintf("; %s counted %g", sc.Absorbed, n)
		}
		return c, nil
	}
	r, err := savedQuery(o.Dir, sc.Query, sc.Params)
	if err != nil {
		return c, err
	}
	if sc.Column == "" || sc.Affected == nil {
		c.Pass = len(r.Rows) > 0
		c.Detail = fmt.Sprintf("%s returned %d rows", sc.Query, len(r.Rows))
		return c, nil
	}
	got, want := column(r, sc.Column), sc.Affected(o)
	if sc.Found != nil {
		got = sc.Found(r)
	}
	c.Pass = len(want) > 0 && slices.Equal(got, want)
	c.Detail = fmt.Sprintf("%s returned %d of %d affected workflows", sc.Query, len(got), len(want))
	if !c.Pass {
		c.Detail += fmt.Sprintf(": got %v, want %v", got, want)
	}
	return c, nil
}

// metricSum is the sum of the run's values of the custom metric name,
// over every dimension set.
func metricSum(dir, name string) (float64, error) {
	points, err := alarms.RunMetrics(dir)
	if err != nil {
		return 0, fmt.Errorf("could not read the run's metrics: %w", err)
	}
	var sum float64
	for _, p := range points {
		if p.Name != name || p.Namespace == "AWS/Lambda" {
			continue
		}
		for i, v := range p.Values {
			sum += v * max(p.Counts[i], 1)
		}
	}
	return sum, nil
}

// savedQuery runs saved query name over the run directory's log groups.
func savedQuery(dir, name string, params map[string]string) (*insights.Result, error) {
	sq, err := queries.Get(name)
	if err != nil {
		return nil, err
	}
	text, err := sq.Query(params)
	if err != nil {
		return nil, err
	}
	q, err := insights.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("could not parse query %s: %w", name, err)
	}
	var readErr error
	res := q.Run(func(yield func(*insights.Event) bool) {
		readErr = insights.RunDirEvents(dir, sq.LogGroups, yield)
	}, insights.Options{})
	if readErr != nil {
		return nil, fmt.Errorf("could not read the run's logs: %w", readErr)
	}
	return res, nil
}

// column returns the distinct non-empty values of a result column, sorted.
func column(r *insights.Result, name string) []string {
	i := slices.Index(r.Columns, name)
	if i < 0 {
		return nil
	}
	var out []string
	for _, row := range r.Rows {
		if row[i] != "" {
			out = append(out, row[i])
		}
	}
	return uniq(out)
}

// FoundWorkflows are the workflows the scenario's saved query finds on
// the run in dir (its Column's distinct values, or Found's pick): what an
// operator following the incident's runbook must find too. Nil when the
// scenario names no query or no column.
func FoundWorkflows(sc Scenario, dir string) ([]string, error) {
	if sc.Query == "" || (sc.Column == "" && sc.Found == nil) {
		return nil, nil
	}
	r, err := savedQuery(dir, sc.Query, sc.Params)
	if err != nil {
		return nil, err
	}
	if sc.Found != nil {
		return sc.Found(r), nil
	}
	return column(r, sc.Column), nil
}
