package cwalarm

import (
	"fmt"
	"time"
)

// Suppressor is a composite alarm's actions suppression: its
// ActionsSuppressor (another alarm), ActionsSuppressorWaitPeriod and
// ActionsSuppressorExtensionPeriod
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html,
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html).
type Suppressor struct {
	Alarm     string
	Wait      time.Duration
	Extension time.Duration
}

// Action is a run of an alarm's actions: its change to State at Changed
// (from Old), run At, which is later than Changed when suppression held
// it back.
type Action struct {
	Old, State  State
	Changed, At time.Time
}

// Actions are the action runs of an alarm whose states are samples: one
// per change into ALARM and per return to OK from ALARM (an evaluation
// starts in INSUFFICIENT_DATA only because it starts from scratch, where
// a deployed alarm rests in OK, so its first OK is no news). Without a
// suppressor (sup nil) each runs when its change happens. With one
// (suppressor's samples, on the same evaluations), CloudWatch's rules as
// the user guide and the API reference state them:
//
//   - a change while the suppressor is in ALARM is held until the
//     suppressor leaves ALARM and then for ExtensionPeriod
//     (ActionsSuppressedBy Alarm, then ExtensionPeriod);
//   - a change within ExtensionPeriod of the suppressor leaving ALARM is
//     held until that period ends;
//   - any other change waits up to WaitPeriod for the suppressor to go
//     into ALARM (ActionsSuppressedBy WaitPeriod): if it does, the change
//     is held as in the first case; if not, the actions run when the
//     WaitPeriod ends;
//   - "after this time, the composite alarm performs its actions": a
//     held change runs when its hold ends if the alarm is still in that
//     state; a later change replaces it (an ALARM held until the alarm
//     went back to OK never runs, and neither does that OK, whose ALARM
//     no one received).
//
// A change still held when the samples end has not run. The guide does
// not say what happens to an OK whose ALARM was suppressed; we send
// nothing for it, as a resolve of an incident no one heard of would be
// noise, and say so here.
func Actions(samples []Sample, suppressor []Sample, sup *Suppressor) []Action {
	var changes []Action
	last, prev := OK, OK
	for _, s := range samples {
		if s.State == Alarm && last != Alarm || s.State == OK && last == Alarm {
			changes = append(changes, Action{Old: prev, State: s.State, Changed: s.At})
			last = s.State
		}
		prev = s.State
	}
	if sup == nil {
		for i := range changes {
			changes[i].At = changes[i].Changed
		}
		return changes
	}
	var out []Action
	alarmSent := false
	end := time.Time{}
	if len(samples) > 0 {
		end = samples[len(samples)-1].At
	}
	for i, c := range changes {
		at, ok := heldUntil(suppressor, c.Changed, sup)
		if !ok || at.After(end) {
			continue // still held when the evaluation ends
		}
		if i+1 < len(changes) && !changes[i+1].Changed.After(at) {
			continue // replaced by the next change before its hold ended
		}
		if c.State == OK && !alarmSent {
			continue
		}
		alarmSent = c.State == Alarm
		c.At = at
		out = append(out, c)
	}
	return out
}

// heldUntil is when the actions of a change at t run under sup, given the
// suppressor's samples; false when the suppressor never releases them.
func heldUntil(suppressor []Sample, t time.Time, sup *Suppressor) (time.Time, bool) {
	inAlarm := func(at time.Time) bool { return StateAt(suppressor, at) == Alarm }
	// When the suppressor last left ALARM at or before at (zero if never).
	leftAt := func(at time.Time) time.Time {
		var left time.Time
		was := false
		for _, s := range suppressor {
			if s.At.After(at) {
				break
			}
			if was && s.State != Alarm {
				left = s.At
			}
			was = s.State == Alarm
		}
		return left
	}
	// The suppressor's first entry into ALARM in [from, to], if any.
	entry := func(from, to time.Time) (time.Time, bool) {
		for _, s := range suppressor {
			if !s.At.Before(from) && !s.At.After(to) && s.State == Alarm {
				return s.At, true
			}
		}
		return time.Time{}, false
	}
	cur := t
	if l := leftAt(cur); !inAlarm(cur) && (l.IsZero() || !cur.Before(l.Add(sup.Extension))) {
		e, ok := entry(cur, cur.Add(sup.Wait))
		if !ok {
			return cur.Add(sup.Wait), true
		}
		cur = e
	}
	for {
		if inAlarm(cur) {
			var left bool
			for _, s := range suppressor {
				if s.At.After(cur) && s.State != Alarm {
					cur, left = s.At, true
					break
				}
			}
			if !left {
				return time.Time{}, false
			}
		}
		release := leftAt(cur).Add(sup.Extension)
		e, again := entry(cur, release)
		if !again {
			return release, true
		}
		cur = e
	}
}

// StateAt is the state of the last sample at or before at (OK before the
// first: a deployed alarm rests in OK).
func StateAt(samples []Sample, at time.Time) State {
	st := OK
	for _, s := range samples {
		if s.At.After(at) {
			break
		}
		st = s.State
	}
	return st
}

// String is the action as a history line.
func (a Action) String() string {
	if a.At.Equal(a.Changed) {
		return fmt.Sprintf("%s at %s", a.State, a.Changed.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%s at %s, actions run at %s", a.State, a.Changed.UTC().Format(time.RFC3339), a.At.UTC().Format(time.RFC3339))
}
