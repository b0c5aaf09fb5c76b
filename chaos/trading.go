package chaos

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/emulator"
)

// NoFailedOrders is the invariant of a recovery that must not trade
// wrongly: no order failed, and exactly the expected workflows ended
// stale_skipped (a redriven event of an earlier session never trades).
const NoFailedOrders = "no failed orders"

// trading is what the run's logs say was traded: the execution
// function's "order failed" lines, and the outcome of each completed
// workflow (the notifications function's "workflow ended" lines).
type trading struct {
	FailedOrders int
	Outcomes     map[string]string // by correlation id
}

func readTrading(dir string) (trading, error) {
	t := trading{Outcomes: map[string]string{}}
	err := eachLine(filepath.Join(dir, "logs", "execution.log"), func(l logLine) {
		if l.Message == "order failed" {
			t.FailedOrders++
		}
	})
	if err != nil {
		return t, err
	}
	err = eachLine(filepath.Join(dir, "logs", "notifications.log"), func(l logLine) {
		if l.Message == "workflow ended" && l.Status == "completed" {
			t.Outcomes[l.CorrelationID] = l.Outcome
		}
	})
	return t, err
}

type logLine struct {
	Message       string `json:"message"`
	CorrelationID string `json:"correlation_id"`
	Status        string `json:"status"`
	Outcome       string `json:"outcome"`
}

// eachLine calls f with each JSON line of a function's log; a function
// never invoked has no log.
func eachLine(path string, f func(logLine)) error {
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("could not read %s: %w", filepath.Base(path), err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			f(l)
		}
	}
	return sc.Err()
}

// checkNoFailedOrders: no order failed, and the workflows stale (the
// scenario's function of what it observed) are exactly those that ended
// stale_skipped.
func checkNoFailedOrders(sc Scenario, o *Observed) (Check, error) {
	t, err := readTrading(o.Dir)
	if err != nil {
		return Check{}, err
	}
	var skipped []string
	for id, outcome := range t.Outcomes {
		if outcome == events.OutcomeStaleSkipped {
			skipped = append(skipped, id)
		}
	}
	slices.Sort(skipped)
	var want []string
	if sc.Stale != nil {
		want = sc.Stale(o)
	}
	c := Check{Name: NoFailedOrders, Pass: t.FailedOrders == 0 && slices.Equal(skipped, want),
		Detail: fmt.Sprintf("%d orders failed; %d workflows skipped as stale %v", t.FailedOrders, len(skipped), skipped)}
	if !slices.Equal(skipped, want) {
		c.Detail += fmt.Sprintf(", want %v", want)
	}
	if t.FailedOrders > 0 {
		c.Detail += "; a redriven or replayed event traded against today's account"
	}
	return c, nil
}

// redrivenBefore are the dead-lettered workflows of every session but
// the last: redriven after the run, on the last session's clock, their
// events are stale.
func redrivenBefore(o *Observed) []string {
	last := ""
	for _, r := range o.Results {
		last = max(last, r.TradingDate)
	}
	var out []string
	for _, r := range o.Results {
		if r.TradingDate != last && slices.Contains(o.DeadLettered, r.CorrelationID) {
			out = append(out, r.CorrelationID)
		}
	}
	slices.Sort(out)
	return out
}

// errSSMUnavailable is the kill switch's reading failing, as SSM's
// GetParameter does when throttled or unreachable.
var errSSMUnavailable = errors.New("ssm GetParameter: ThrottlingException: Rate exceeded (injected)")

// killSwitchDownFirstPlan makes the kill switch unreadable once the first
// session's plan is on the bus, until the next session starts: that
// plan's execution fails all of Lambda's attempts before any order and
// its RebalancePlanned goes to the on-failure destination; the next
// session trades normally.
func killSwitchDownFirstPlan(s *Stack) {
	var down, over atomic.Bool
	s.Bus.Tap(func(d emulator.Delivered) {
		ev := string(d.Event)
		switch {
		case strings.Contains(ev, `"detail-type":"RebalancePlanned"`) && !down.Swap(true):
			s.SetKillSwitchError(errSSMUnavailable)
		case strings.Contains(ev, `"detail-type":"WorkflowStarted"`) && down.Load() && !over.Swap(true):
			s.SetKillSwitchError(nil)
		}
	})
}
