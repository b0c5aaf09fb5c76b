package notify

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Budget is one SLO's error budget over its period, from the good and
// total events the period holds so far.
type Budget struct {
	SLO         string
	Objective   float64 // percent
	Period      time.Duration
	Good, Total float64
}

// bad are the period's bad events.
func (b Budget) bad() float64 { return max(b.Total-b.Good, 0) }

// share is the error budget as a fraction of the events.
func (b Budget) share() float64 { return 1 - b.Objective/100 }

// Remaining is the share of the period's budget left: 1 with no bad
// event (or no event), 0 when the bad events are exactly the budget,
// negative once overspent (-3.76 is 476% spent).
func (b Budget) Remaining() float64 {
	if b.bad() == 0 {
		return 1
	}
	return 1 - b.bad()/(b.share()*b.Total)
}

// FailuresAllowed is how many more bad events the period takes before
// its budget is spent, each bad event counting in the total too: the
// largest k with bad + k ≤ share × (total + k). 0 when the next one
// overspends it (one failure of 21 workflows at 99% already does).
func (b Budget) FailuresAllowed() int {
	k := (b.share()*b.Total - b.bad()) / (1 - b.share())
	return int(max(math.Floor(k+1e-9), 0))
}

// Line is the budget in one line of a notification: the percentage left,
// the failures still allowed, and the events it is computed from.
func (b Budget) Line() string {
	state := fmt.Sprintf("%d more failures allowed before it is spent", b.FailuresAllowed())
	switch n := b.FailuresAllowed(); {
	case b.Remaining() < 0:
		state = "spent"
	case n == 0:
		state = "the next failure spends it"
	case n == 1:
		state = "1 more failure allowed before it is spent"
	}
	return fmt.Sprintf("%s (%s%% over %s): %s%% of the budget remaining, %s; %s bad of %s events in the period",
		b.SLO, trim(b.Objective), days(b.Period), trim(math.Round(b.Remaining()*1000)/10), state, trim(b.bad()), trim(b.Total))
}

func trim(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// days prints a period in days ("30 days"), or as a duration when it is
// not whole days.
func days(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
