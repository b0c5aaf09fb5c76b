package dashboards

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/app/execution"
	"github.com/alchemiser/alchemiser/app/metrics"
	"github.com/alchemiser/alchemiser/queries"
	"github.com/alchemiser/alchemiser/topology"
)

// CloudFormation references the bodies use; the template deploys them
// through !Sub, which resolves these and nothing else (see Template).
const (
	Region  = "${AWS::Region}"
	Stack   = "${AWS::StackName}"
	Account = "${AWS::AccountId}"
	Runbook = "${RunbookBaseUrl}"
	// Partition is the ARN partition (aws, aws-cn, aws-us-gov), so the
	// alarm ARNs hold in every partition the stack deploys to.
	Partition = "${AWS::Partition}"
)

// Colours of the series the preview test looks for; CloudWatch uses them
// too, so the deployed and previewed dashboards look alike.
const (
	green  = "#2ca02c"
	red    = "#d62728"
	blue   = "#1f77b4"
	orange = "#ff7f0e"
	purple = "#9467bd"
)

// All returns the stack's dashboards: the operations overview and the
// investigation dashboard.
func All(spec *alarms.Spec) ([]*Dashboard, error) {
	inv, err := Investigation(spec)
	if err != nil {
		return nil, err
	}
	return []*Dashboard{Operations(spec), inv}, nil
}

func service(spec *alarms.Spec) [][2]string { return [][2]string{{"service", spec.Service}} }

// business is a catalogue metric summed over the whole service (the EMF
// rollup dimension set [service]).
func business(spec *alarms.Spec, name, stat, label, color string) MetricRow {
	return MetricRow{Namespace: metrics.Namespace, Name: name, Dims: service(spec),
		Options: RowOptions{Stat: stat, Label: label, Color: color}}
}

func timeSeries(title string, rows ...MetricRow) MetricProps {
	return MetricProps{Title: title, Region: Region, View: "timeSeries", Period: 300, Stat: "Sum", Metrics: rows}
}

// functions are the short names of the stack's functions (scheduler), in
// the template's order, which is the workflow's.
func functions(spec *alarms.Spec) []string {
	out := make([]string, len(spec.Functions))
	for i, f := range spec.Functions {
		out[i] = topology.FunctionName(f.LogicalID)
	}
	return out
}

// functionName is function fn's FunctionName as the template sets it.
func functionName(fn string) string { return Stack + "-" + fn }

func alarmARN(name string) string {
	return fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:%s-%s", Partition, Region, Account, Stack, name)
}

// Operations is the overview: SLOs, the workflow, events, queues,
// functions, the broker, orders and log volume, top to bottom.
func Operations(spec *alarms.Spec) *Dashboard {
	g := &grid{}
	g.add("text", 24, 2, TextProps{Markdown: "# Alchemiser operations (" + Stack + ")\n" +
		"SLO status and burn rates first; then the workflow, events, dead-letter queues, functions, the broker and orders. " +
		"Every alarm links its runbook ([runbooks](" + Runbook + "/README.md)); the investigation dashboard runs the saved queries."})

	// Incidents: the two incident alarms (the only ones that notify) and
	// the symptom alarms they combine, so that the page's alarm and its
	// triggering child are side by side.
	incidents := []string{alarmARN(alarms.IncidentPage), alarmARN(alarms.IncidentTicket)}
	for _, sym := range alarms.Symptoms(spec) {
		incidents = append(incidents, alarmARN(sym.Name))
	}
	g.add("alarm", 24, 3, AlarmProps{Title: "Incidents: the page and ticket alarms, and the alarms they combine", Alarms: incidents})

	// SLOs: the budget and data-missing tickets (and, where the
	// deployment has them, the burn-rate page and ticket), each SLO's
	// budget remaining over its period, and the burn rates over the page
	// tier's long window where they are deployed.
	var slos []string
	for _, a := range alarms.SLOAlarms(spec) {
		slos = append(slos, alarmARN(a.Name))
	}
	if spec.BurnRateAlerts {
		for _, s := range spec.SLOs {
			slos = append(slos, alarmARN("slo-"+s.Name+"-page"), alarmARN("slo-"+s.Name+"-ticket"))
		}
	}
	g.add("alarm", 24, 3, AlarmProps{Title: "SLO alarms", Alarms: slos})
	for i := range spec.SLOs {
		s := &spec.SLOs[i]
		g.add("metric", 6, 4, budgetRemaining(spec, s))
	}
	g.newRow()
	g.add("metric", 24, 6, budgetTrend(spec))
	if spec.BurnRateAlerts {
		for i := range spec.SLOs {
			s := &spec.SLOs[i]
			g.add("metric", 8, 6, burnRate(spec, s))
		}
	}
	g.newRow()

	// The workflow.
	g.add("metric", 8, 6, timeSeries("Workflows started, completed, failed",
		business(spec, metrics.WorkflowsStarted, "Sum", "started (${SUM} in range)", blue),
		business(spec, metrics.WorkflowsCompleted, "Sum", "completed", green),
		business(spec, metrics.WorkflowsFailed, "Sum", "failed", red)))
	latency := timeSeries("End-to-end workflow latency (ms)",
		business(spec, metrics.WorkflowDuration, "p50", "p50", blue),
		business(spec, metrics.WorkflowDuration, "p90", "p90", orange),
		business(spec, metrics.WorkflowDuration, "p99", "p99", red))
	latency.Annotations = &Annotations{Horizontal: []Annotation{{Label: "SLO threshold", Value: latencyThreshold(spec), Color: red}}}
	g.add("metric", 8, 6, latency)
	g.add("metric", 8, 6, timeSeries("Watchdog: scheduled workflow not started / stuck",
		business(spec, metrics.WorkflowsNotStarted, "Maximum", "not started", red),
		business(spec, metrics.WorkflowsStuck, "Maximum", "stuck", orange)))

	// Events and dead letters.
	g.add("metric", 8, 6, timeSeries("Events published and failed",
		business(spec, metrics.EventsPublished, "Sum", "published", green),
		business(spec, metrics.PublishFailures, "Sum", "publish failures", red),
		business(spec, metrics.PublishRetries, "Sum", "retried entries", orange),
		business(spec, metrics.DuplicateEvents, "Sum", "duplicate deliveries", purple)))
	dlq := func(queue, label, color string) MetricRow {
		return MetricRow{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible", Dims: [][2]string{{"QueueName", Stack + "-" + queue}},
			Options: RowOptions{Stat: "Maximum", Label: label, Color: color}}
	}
	depth := timeSeries("Dead-letter queues: messages visible",
		dlq("events-dlq", "events DLQ (rule targets)", red), dlq("failed-invocations", "on-failure destination (functions)", orange))
	depth.Stat = "Maximum"
	g.add("metric", 8, 6, depth)
	g.add("metric", 8, 6, timeSeries("Asynchronous invocations dropped (all functions)",
		MetricRow{Namespace: "AWS/Lambda", Name: "AsyncEventsDropped", Options: RowOptions{Stat: "Sum", Label: "dropped", Color: red}}))

	// Functions.
	perFunction := func(title, ns, name, stat string) MetricProps {
		var rows []MetricRow
		for _, fn := range functions(spec) {
			rows = append(rows, MetricRow{Namespace: ns, Name: name, Dims: [][2]string{{"FunctionName", functionName(fn)}},
				Options: RowOptions{Stat: stat, Label: fn}})
		}
		p := timeSeries(title, rows...)
		p.Stat = stat
		return p
	}
	g.add("metric", 6, 6, perFunction("Invocations by function", "AWS/Lambda", "Invocations", "Sum"))
	g.add("metric", 6, 6, perFunction("Errors by function", "AWS/Lambda", "Errors", "Sum"))
	g.add("metric", 6, 6, perFunction("Duration p99 by function (ms)", "AWS/Lambda", "Duration", "p99"))
	g.add("metric", 6, 6, perFunction("Throttles by function", "AWS/Lambda", "Throttles", "Sum"))
	var cold []MetricRow
	for _, fn := range functions(spec) {
		cold = append(cold, MetricRow{Namespace: metrics.Namespace, Name: "ColdStart", Dims: [][2]string{{"function", fn}, {"service", spec.Service}},
			Options: RowOptions{Label: fn}})
	}
	g.add("metric", 12, 6, timeSeries("Cold starts by function", cold...))
	initDuration := timeSeries("Init duration of cold starts (ms, all functions)",
		MetricRow{Namespace: metrics.Namespace, Name: "LambdaInitDuration", Options: RowOptions{Stat: "p50", Label: "p50", Color: blue}},
		MetricRow{Namespace: metrics.Namespace, Name: "LambdaInitDuration", Options: RowOptions{Stat: "Maximum", Label: "max", Color: red}})
	initDuration.Annotations = &Annotations{Horizontal: []Annotation{{Label: "slow init", Value: alarms.InitBaselineMs, Color: red}}}
	g.add("metric", 12, 6, initDuration)

	// The broker.
	var lat, errs []MetricRow
	for _, e := range execution.Endpoints {
		dims := [][2]string{{"endpoint", e}, {"function", "execution"}, {"service", spec.Service}}
		lat = append(lat, MetricRow{Namespace: metrics.Namespace, Name: metrics.BrokerLatency, Dims: dims, Options: RowOptions{Stat: "p99", Label: e}})
	}
	errs = append(errs, business(spec, metrics.BrokerErrors, "Sum", "broker errors (all endpoints)", red),
		MetricRow{Namespace: metrics.Namespace, Name: metrics.BreakerStateChanges,
			Dims:    [][2]string{{"function", "execution"}, {"service", spec.Service}, {"state", "open"}},
			Options: RowOptions{Stat: "Sum", Label: "breaker opened", Color: orange}})
	brokerLatency := timeSeries("Broker latency p99 by endpoint (ms)", lat...)
	brokerLatency.Stat = "p99"
	g.add("metric", 12, 6, brokerLatency)
	g.add("metric", 12, 6, timeSeries("Broker errors and breaker", errs...))

	// Orders and log volume.
	g.add("metric", 12, 6, timeSeries("Orders submitted, filled, rejected, canceled at the deadline",
		business(spec, metrics.OrdersSubmitted, "Sum", "submitted", blue),
		business(spec, metrics.OrdersFilled, "Sum", "filled", green),
		business(spec, metrics.OrdersRejected, "Sum", "rejected", red),
		business(spec, metrics.OrdersCanceled, "Sum", "canceled", orange)))
	g.add("metric", 12, 6, logBytesPerWorkflow(spec))
	return &Dashboard{Start: "-PT12H", Widgets: g.widgets}
}

// burnRate charts an SLO's burn rate over its page tier's long window (1 h
// at 30 days), with the page thresholds as lines: the metric queries are
// the generated alarm's own.
func burnRate(spec *alarms.Spec, s *alarms.SLO) MetricProps {
	tiers := alarms.Tiers(s.PeriodDuration())
	rows, ratio := sloRows(spec, s, tiers[0].Long)
	rows = append(rows, MetricRow{Expression: fmt.Sprintf("%s / %g", ratio, s.Budget()),
		Options: RowOptions{ID: "burn", Label: "burn rate (" + fmtWindow(tiers[0].Long) + ")", Color: orange}})
	p := MetricProps{Title: "Burn rate: " + s.Name, Region: Region, View: "timeSeries", Period: int(tiers[0].Long / time.Second), Metrics: rows}
	for _, t := range tiers {
		if t.Page {
			p.Annotations = appendLine(p.Annotations, Annotation{Label: fmt.Sprintf("page %g×", t.Burn), Value: t.Burn, Color: red})
		}
	}
	return p
}

// budgetRow is an SLO's ErrorBudgetRemaining series, as the
// notifications function records it at each workflow's end.
func budgetRow(spec *alarms.Spec, s *alarms.SLO, stat, color string) MetricRow {
	return MetricRow{Namespace: metrics.Namespace, Name: metrics.ErrorBudgetRemaining,
		Dims:    [][2]string{{"function", "notifications"}, {"service", spec.Service}, {"slo", s.Name}},
		Options: RowOptions{Stat: stat, Label: s.Name, Color: color}}
}

// budgetRemaining is the share of the SLO's error budget left over its
// period (30 days) at the last workflow's end: the notifications
// function reads the period's events and records it, since no alarm or
// widget can read 30 days of a metric at the resolution the burn-rate
// math needs. Negative once overspent.
func budgetRemaining(spec *alarms.Spec, s *alarms.SLO) MetricProps {
	return MetricProps{Title: fmt.Sprintf("Error budget remaining over %s (%%): %s", s.Period, s.Name), Region: Region, View: "singleValue",
		Period: 86400, Metrics: []MetricRow{budgetRow(spec, s, "Minimum", green)}}
}

// budgetTrend charts every SLO's budget remaining, one point a workflow,
// with the line at 0 below which the budget-exhausted ticket fires.
func budgetTrend(spec *alarms.Spec) MetricProps {
	colors := []string{blue, green, orange, red}
	var rows []MetricRow
	for i := range spec.SLOs {
		rows = append(rows, budgetRow(spec, &spec.SLOs[i], "Minimum", colors[i%len(colors)]))
	}
	return MetricProps{Title: "Error budget remaining over each SLO's period (%), at each workflow's end", Region: Region,
		View: "timeSeries", Period: 3600, Stat: "Minimum", Metrics: rows,
		Annotations: &Annotations{Horizontal: []Annotation{{Label: "budget spent: ticket", Value: 0, Color: red}}}}
}

// sloRows are the SLO's metrics and ratio expression as the burn alarm
// of window w has them, hidden, and the id of the ratio.
func sloRows(spec *alarms.Spec, s *alarms.SLO, w time.Duration) ([]MetricRow, string) {
	gens, _ := alarms.BurnAlarms(spec, s)
	var a *cwalarm.MetricAlarm
	for i := range gens {
		if gens[i].Window == w {
			a = &gens[i].Alarm
			break
		}
	}
	if a == nil {
		a = &gens[0].Alarm
	}
	hidden := false
	var rows []MetricRow
	ratio := ""
	for _, q := range a.Metrics {
		opts := RowOptions{ID: q.Id, Visible: &hidden}
		if q.Expression != "" {
			rows = append(rows, MetricRow{Expression: q.Expression, Options: opts})
			ratio = q.Id
			continue
		}
		m := q.MetricStat.Metric
		r := MetricRow{Namespace: m.Namespace, Name: m.MetricName, Options: opts}
		r.Options.Stat = q.MetricStat.Stat
		if m.Namespace == spec.Namespace {
			r.Dims = service(spec)
		}
		rows = append(rows, r)
	}
	return rows, ratio
}

func appendLine(a *Annotations, l Annotation) *Annotations {
	if a == nil {
		a = &Annotations{}
	}
	a.Horizontal = append(a.Horizontal, l)
	return a
}

func latencyThreshold(spec *alarms.Spec) float64 {
	for _, s := range spec.SLOs {
		if s.Latency != nil {
			return s.Latency.ThresholdMs
		}
	}
	return 0
}

// logBytesPerWorkflow divides the bytes the functions' log groups ingested
// by the workflows started: the cost budget of log-volume-spike.
func logBytesPerWorkflow(spec *alarms.Spec) MetricProps {
	hidden := false
	var rows []MetricRow
	var ids []string
	for i, fn := range functions(spec) {
		id := fmt.Sprintf("b%d", i)
		ids = append(ids, id)
		rows = append(rows, MetricRow{Namespace: "AWS/Logs", Name: "IncomingBytes", Dims: [][2]string{{"LogGroupName", "/aws/lambda/" + functionName(fn)}},
			Options: RowOptions{ID: id, Stat: "Sum", Label: fn + " bytes", Visible: &hidden}})
	}
	rows = append(rows,
		MetricRow{Namespace: metrics.Namespace, Name: metrics.WorkflowsStarted, Dims: service(spec), Options: RowOptions{ID: "started", Stat: "Sum", Visible: &hidden}},
		MetricRow{Expression: "(" + strings.Join(ids, " + ") + ") / started", Options: RowOptions{ID: "perWorkflow", Label: "log bytes per workflow", Color: purple}})
	return MetricProps{Title: "Log bytes ingested per workflow", Region: Region, View: "timeSeries", Period: 3600, Metrics: rows}
}

// Investigation runs the saved queries (one log widget each), shows every
// alarm's state, and the functions' metrics for the function the reader
// picks; a stage variable switches the stack.
func Investigation(spec *alarms.Spec) (*Dashboard, error) {
	saved, err := queries.All()
	if err != nil {
		return nil, err
	}
	g := &grid{}
	g.add("text", 24, 2, TextProps{Markdown: "# Alchemiser investigation (" + Stack + ")\n" +
		"Each log widget runs a saved query of `queries/` (the same text `alchemiser query NAME` runs locally) over the dashboard's time range. " +
		"Pick a function above to chart it; type another stack name into *stage* to look at another deployment; " +
		"paste a correlation id from *Latest workflows* into *Correlation id* for the queries of one workflow."})
	var all []string
	for _, s := range alarms.Symptoms(spec) {
		all = append(all, alarmARN(s.Name))
	}
	for _, a := range alarms.SLOAlarms(spec) {
		all = append(all, alarmARN(a.Name))
	}
	if spec.BurnRateAlerts {
		for _, s := range spec.SLOs {
			all = append(all, alarmARN("slo-"+s.Name+"-page"), alarmARN("slo-"+s.Name+"-ticket"))
		}
	}
	g.add("alarm", 24, 6, AlarmProps{Title: "All alarms", Alarms: all, SortBy: "stateUpdatedTimestamp"})
	fns := functions(spec)
	fn := func(name, stat, color string) MetricRow {
		return MetricRow{Namespace: "AWS/Lambda", Name: name, Dims: [][2]string{{"FunctionName", functionName(fns[0])}},
			Options: RowOptions{Stat: stat, Label: name, Color: color}}
	}
	g.add("metric", 12, 6, timeSeries("Selected function: invocations, errors, throttles",
		fn("Invocations", "Sum", blue), fn("Errors", "Sum", red), fn("Throttles", "Sum", orange)))
	dur := timeSeries("Selected function: duration (ms)", fn("Duration", "p50", blue), fn("Duration", "p99", red))
	dur.Stat = "p99"
	g.add("metric", 12, 6, dur)
	// The latest workflows, whose ids the queries of one workflow take.
	g.add("log", 24, 6, LogProps{Title: "Latest workflows: paste a correlation id into Correlation id above for " + strings.Join(parameterised(saved), " and "),
		Region: Region, View: "table", Query: sources(fns, []string{fns[0]}) + latestWorkflows})
	params := map[string]queries.Param{}
	for _, s := range saved {
		// A required parameter becomes a dashboard variable: its widget
		// is empty until a value is typed, not for good.
		values := map[string]string{}
		for _, p := range s.Required() {
			values[p.Name], params[p.Name] = paramPattern(p.Name), p
		}
		q, err := s.Query(values)
		if err != nil {
			return nil, fmt.Errorf("saved query %s: %w", s.Name, err)
		}
		g.add("log", 12, 6, LogProps{Title: s.Name + ": " + s.Description, Region: Region, View: "table", Query: sources(fns, s.LogGroups) + q})
	}
	values := make([]VariableValue, len(fns))
	for i, f := range fns {
		values[i] = VariableValue{Value: functionName(f), Label: f}
	}
	vars := []Variable{
		{Type: "property", Property: "FunctionName", InputType: "select", ID: "function", Label: "Function",
			DefaultValue: functionName(fns[0]), Visible: true, Values: values},
		{Type: "pattern", Pattern: Stack, InputType: "input", ID: "stage", Label: "Stage (stack name)",
			DefaultValue: Stack, Visible: true},
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		vars = append(vars, Variable{Type: "pattern", Pattern: paramPattern(name), InputType: "input", ID: name,
			Label: paramLabel(name), Visible: true})
	}
	return &Dashboard{Name: "investigation", Start: "-PT3H", Widgets: g.widgets, Variables: vars}, nil
}

// latestWorkflows lists the workflows the scheduler started, newest first.
const latestWorkflows = `filter message = "workflow started" | fields @timestamp, correlation_id, trading_date | sort @timestamp desc | limit 20`

// parameterised names the saved queries with a required parameter.
func parameterised(saved []*queries.Saved) []string {
	var out []string
	for _, s := range saved {
		if len(s.Required()) > 0 {
			out = append(out, s.Name)
		}
	}
	return out
}

// paramPattern is the text a dashboard variable replaces with the value
// of a saved query's parameter: __NAME__, which no query or title holds
// otherwise (not {{name}}: CloudFormation reads {{ as a dynamic reference).
func paramPattern(name string) string { return "__" + strings.ToUpper(name) + "__" }

// paramLabel is a parameter's variable label: correlation_id reads
// "Correlation id".
func paramLabel(name string) string {
	l := strings.ReplaceAll(name, "_", " ")
	return strings.ToUpper(l[:1]) + l[1:]
}

// sources is the SOURCE clauses of a log widget for the log groups of
// functions fns (all of them when fns is empty).
func sources(all, fns []string) string {
	if len(fns) == 0 {
		fns = all
	}
	var b strings.Builder
	for _, f := range fns {
		fmt.Fprintf(&b, "SOURCE '/aws/lambda/%s' | ", functionName(f))
	}
	return b.String()
}

func fmtWindow(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
