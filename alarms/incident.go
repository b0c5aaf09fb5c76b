package alarms

import (
	"slices"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
)

// The incident alarms are the only alarms with actions: two composite
// alarms, one per notifying severity, each in ALARM while any alarm of
// its severity is (the symptom alarms, the SLO tickets and, with
// BurnRateAlerts, the SLO's burn-rate composites). One fault often
// trips several of them (a handler error dead-letters the event and
// leaves the workflow stuck); CloudWatch sends a composite's
// notification when the composite changes state, not when another child
// joins, so the incident sends one page and one resolve
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-combining.html).
// The ticket composite's actions are suppressed by the page composite
// (IncidentSuppressor): a ticket that is part of a paged incident is
// not sent. Two composites cost $1.00 a month.
const (
	IncidentPage   = "incident-page"
	IncidentTicket = "incident-ticket"
)

// IncidentSuppressor is the ticket composite's actions suppression: the
// page composite; a WaitPeriod for a page that follows its ticket (a
// handler error is a ticket at once; the event it dead-letters pages
// about three minutes later, after Lambda's two retries) yet shorter than
// the briefest ticket (a slow workflow's alarm holds ALARM about 14
// minutes: CloudWatch's documentation does not say whether a change that
// is undone within the WaitPeriod still acts, so no ticket may depend on
// it); and an ExtensionPeriod that covers the tickets that outlive their
// page by less than an hour. A ticket alone arrives WaitPeriod late,
// which a ticket (act within the working day) can afford.
var IncidentSuppressor = cwalarm.Suppressor{Alarm: IncidentPage, Wait: 5 * time.Minute, Extension: time.Hour}

// IncidentHorizon is how long after its children have settled an
// incident alarm may still act (a held ticket): evaluations that count
// notifications run this much longer.
var IncidentHorizon = IncidentSuppressor.Wait + IncidentSuppressor.Extension

// IncidentAlarm is one of the two incident composites.
type IncidentAlarm struct {
	LogicalID, Name string
	Severity        Severity
	// Children are the alarms it combines (names without the stack
	// prefix); Burn those only deployed with BurnRateAlerts.
	Children, Burn []string
	// Suppressor is nil for the page alarm.
	Suppressor *cwalarm.Suppressor
}

// IncidentAlarms are the page and the ticket composite of spec.
func IncidentAlarms(spec *Spec) []IncidentAlarm {
	page := IncidentAlarm{LogicalID: "IncidentPage", Name: IncidentPage, Severity: SeverityPage}
	ticket := IncidentAlarm{LogicalID: "IncidentTicket", Name: IncidentTicket, Severity: SeverityTicket, Suppressor: &IncidentSuppressor}
	for _, s := range Symptoms(spec) {
		switch spec.Incidents[s.Incident] {
		case SeverityPage:
			page.Children = append(page.Children, s.Name)
		case SeverityTicket:
			ticket.Children = append(ticket.Children, s.Name)
		}
	}
	for _, a := range SLOAlarms(spec) {
		if a.Name == BudgetAlarm {
			// A ticket only with the burn-rate tiers: at the traffic
			// without them one bad event spends a budget, and the
			// notification of that event already says so (its Budget
			// line); a ticket would repeat it an hour after the page
			// resolved and stay open for the rest of the period.
			ticket.Burn = append(ticket.Burn, a.Name)
			continue
		}
		ticket.Children = append(ticket.Children, a.Name)
	}
	for i := range spec.SLOs {
		_, comps := BurnAlarms(spec, &spec.SLOs[i])
		for _, c := range comps {
			if c.Page {
				page.Burn = append(page.Burn, c.Name)
			} else {
				ticket.Burn = append(ticket.Burn, c.Name)
			}
		}
	}
	return []IncidentAlarm{page, ticket}
}

// Notice is one notification the incident alarms send: an action run
// (cwalarm.Action) of the alarm of that severity, with the children
// whose change caused it (TriggeringChildren).
type Notice struct {
	Alarm    string
	Severity Severity
	cwalarm.Action
	Triggering []string
}

// IncidentStates are the incident alarms' states after each evaluation
// of their children in states (a child missing from states is OK; the
// burn-rate composites count when spec has BurnRateAlerts).
func IncidentStates(spec *Spec, states map[string][]cwalarm.Sample) map[string][]cwalarm.Sample {
	out := map[string][]cwalarm.Sample{}
	var times []time.Time
	for _, samples := range states {
		if len(samples) > len(times) {
			times = times[:0]
			for _, s := range samples {
				times = append(times, s.At)
			}
		}
	}
	for _, ia := range IncidentAlarms(spec) {
		alarmed := make([]bool, len(times))
		for _, c := range ia.children(spec) {
			// Walk the child's samples along the evaluations: the state at
			// each is its last sample at or before it.
			samples, j, st := states[c], 0, cwalarm.OK
			for i, at := range times {
				for j < len(samples) && !samples[j].At.After(at) {
					st = samples[j].State
					j++
				}
				alarmed[i] = alarmed[i] || st == cwalarm.Alarm
			}
		}
		samples := make([]cwalarm.Sample, len(times))
		for i, at := range times {
			samples[i] = cwalarm.Sample{At: at, State: cwalarm.OK}
			if alarmed[i] {
				samples[i].State = cwalarm.Alarm
			}
		}
		out[ia.Name] = samples
	}
	return out
}

func (ia IncidentAlarm) children(spec *Spec) []string {
	if spec.BurnRateAlerts {
		return append(slices.Clone(ia.Children), ia.Burn...)
	}
	return ia.Children
}

// Notices are the notifications the incident alarms send over states
// (the children's), in the order they are sent.
func Notices(spec *Spec, states map[string][]cwalarm.Sample) []Notice {
	incidents := IncidentStates(spec, states)
	var out []Notice
	for _, ia := range IncidentAlarms(spec) {
		var suppressor []cwalarm.Sample
		if ia.Suppressor != nil {
			suppressor = incidents[ia.Suppressor.Alarm]
		}
		for _, a := range cwalarm.Actions(incidents[ia.Name], suppressor, ia.Suppressor) {
			out = append(out, Notice{Alarm: ia.Name, Severity: ia.Severity, Action: a, Triggering: triggering(ia.children(spec), states, a)})
		}
	}
	slices.SortStableFunc(out, func(a, b Notice) int { return a.At.Compare(b.At) })
	return out
}

// triggering are the children whose change at a's evaluation made the
// composite change: those that went into ALARM then, or back to OK;
// when none changed at that minute (a composite's rule met by the last
// of several), those in the new state.
func triggering(children []string, states map[string][]cwalarm.Sample, a cwalarm.Action) []string {
	var changed, in []string
	for _, c := range children {
		now, before := cwalarm.StateAt(states[c], a.Changed), cwalarm.StateAt(states[c], a.Changed.Add(-time.Nanosecond))
		isAlarm := now == cwalarm.Alarm
		if isAlarm == (a.State == cwalarm.Alarm) {
			in = append(in, c)
			if (before == cwalarm.Alarm) != isAlarm {
				changed = append(changed, c)
			}
		}
	}
	if len(changed) > 0 {
		return changed
	}
	if a.State == cwalarm.OK {
		return nil
	}
	return in
}
