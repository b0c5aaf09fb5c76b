package cost

// workload prices what the observed system itself costs.
func (m *model) workload() []Item {
	wf, wd, runs := m.run.Workflow, m.run.Watchdog, float64(m.run.Workflows)
	watchMonth := float64(m.watchPerDay) * WeekdaysPerMonth
	watchShare := 0.0
	if wd.Invocations > 0 {
		watchShare = watchMonth / float64(wd.Invocations)
	}
	requests := float64(wf.Invocations)/runs*m.wfMonth + float64(wd.Invocations)*watchShare
	var armGBs, x86GBs float64
	for _, f := range m.inv.Functions {
		gbs := (wf.BilledMs[f.LogGroup]/runs*m.wfMonth + wd.BilledMs[f.LogGroup]*watchShare) / 1000 * float64(f.MemoryMB) / 1024
		if f.Arm64 {
			armGBs += gbs
		} else {
			x86GBs += gbs
		}
	}
	items := []Item{
		line(priceLambdaRequests, requests, "%d invocations per workflow (the run) × %g + %.0f watchdog invocations", wf.Invocations/m.run.Workflows, m.wfMonth, watchMonth),
		line(priceLambdaArm, armGBs, "the run's billed durations × the template's MemorySize, arm64 functions"),
	}
	if x86GBs > 0 {
		items = append(items, line(priceLambdaX86, x86GBs, "the run's billed durations × the template's MemorySize, x86_64 functions"))
	}
	var perDay int
	for _, s := range m.inv.Schedules {
		perDay += s.PerDay
	}
	items = append(items,
		line(priceEvents, float64(m.run.EventsPublished)/runs*m.wfMonth, "%.0f custom events per workflow (the run) × %g", float64(m.run.EventsPublished)/runs, m.wfMonth),
		line(priceScheduler, float64(perDay)*WeekdaysPerMonth, "%d schedule firings a weekday × %.2f", perDay, WeekdaysPerMonth))
	if m.inv.Archives > 0 {
		items = append(items, line(priceArchive, float64(m.run.ArchiveBytes)/runs*m.wfMonth/gib, "the run's archived bytes per workflow × %g", m.wfMonth))
	}
	idem := float64(wf.Invocations) / runs * 2
	if m.inv.OnDemandTables > 0 {
		items = append(items, line(priceDynamoWrites, idem*m.wfMonth, "2 writes per workflow invocation (idempotency record put and completion; the scheduler's ledger): an upper bound"))
	}
	if m.inv.Buckets > 0 {
		items = append(items, line(priceS3Requests, 0, "claim checks are written only for events over the publish limit: none in the run"))
	}
	if m.inv.Secrets > 0 {
		items = append(items,
			line(priceSecrets, float64(m.inv.Secrets), "the template's secrets"),
			line(priceSecretCalls, float64(wf.ColdStarts)/runs*m.wfMonth, "one read per cold start of a workflow invocation (the run's cold starts): an upper bound"))
	}
	notes := float64(m.run.Notifications) / runs * m.wfMonth
	items = append(items, line(priceSNSPublish, notes, "%.0f workflow summaries per workflow (the run) × %g; alarms publish only on a state change", float64(m.run.Notifications)/runs, m.wfMonth))
	if m.inv.EmailSubscriptions > 0 {
		items = append(items, line(priceSNSEmail, notes*float64(m.inv.EmailSubscriptions), "each summary to the %d email subscription(s) the parameters create", m.inv.EmailSubscriptions))
	}
	m.note("Lambda compute uses the run's billed durations: a local run's handlers are faster than Lambda's (no network to AWS), so compute is understated; it is a small line at this traffic either way.")
	m.note("Not priced: SQS (DLQs and on-failure destinations receive messages only on failure), SSM standard parameters (free), X-Ray spans (Tracing and the OTLP exporter: ingested through Transaction Search, billed apart from logs), data transfer.")
	return items
}
