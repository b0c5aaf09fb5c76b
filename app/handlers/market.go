package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alchemiser/alchemiser/app/broker"
	"github.com/alchemiser/alchemiser/app/events"
	"github.com/alchemiser/alchemiser/internal/errtype"
)

// Market is the broker's market calendar: Alpaca's GET /v2/clock (is the
// market open now, and the next open and close) and GET /v2/calendar
// (each session's date, open and close; none for weekends and holidays).
// The alpaca adapter implements it; the paper exchange serves both from
// the bundled data set. Calls honour ctx.
type Market interface {
	Clock(ctx context.Context) (broker.Clock, error)
	Calendar(ctx context.Context, start, end time.Time) ([]broker.Session, error)
}

// MarketTimeout bounds each read of the broker's clock and calendar: a
// broker that holds the request open must not spend the scheduler's
// invocation (the watchdog then checks as on a session day; a start is
// retried).
const MarketTimeout = 5 * time.Second

// marketSession is what the broker says of the market when a workflow
// is about to start.
type marketSession struct {
	open  bool
	date  string         // the broker clock's New York date
	hours broker.Session // the session's hours, when open
	clock broker.Clock
}

// session asks the broker whether the market is open now and, when it
// is, for today's session. The workflow asks the broker's clock rather
// than judging the schedule's time: the clock is the broker's own
// (Alpaca's in AWS, the paper exchange's simulated session locally), so a
// manual start at night or on a weekend is judged as what it is.
func (h *Scheduler) session(ctx context.Context) (marketSession, error) {
	cctx, cancel := context.WithTimeout(ctx, MarketTimeout)
	defer cancel()
	c, err := h.Market.Clock(cctx)
	if err != nil {
		return marketSession{}, fmt.Errorf("could not read the market clock: %w", err)
	}
	day := c.Timestamp.In(newYork)
	s := marketSession{date: day.Format(time.DateOnly), clock: c}
	if !c.IsOpen {
		return s, nil
	}
	hours, ok, err := h.sessionOn(ctx, day)
	if err != nil {
		return s, err
	}
	if !ok {
		return s, fmt.Errorf("the market clock says open at %s, but the calendar has no session on %s", c.Timestamp.Format(time.RFC3339), s.date)
	}
	s.open, s.hours = true, hours
	return s, nil
}

// sessionOn returns the calendar's session on day's New York date; ok is
// false on a weekend or holiday.
func (h *Scheduler) sessionOn(ctx context.Context, day time.Time) (broker.Session, bool, error) {
	date := day.In(newYork).Format(time.DateOnly)
	d, _ := time.Parse(time.DateOnly, date)
	cctx, cancel := context.WithTimeout(ctx, MarketTimeout)
	defer cancel()
	days, err := h.Market.Calendar(cctx, d, d)
	if err != nil {
		return broker.Session{}, false, fmt.Errorf("could not read the market calendar: %w", err)
	}
	for _, s := range days {
		if s.Date == date {
			return s, true, nil
		}
	}
	return broker.Session{}, false, nil
}

// closeOnOurClock is the session's close on the clock that stamps the
// workflow's events: the broker's close, moved by the difference between
// the broker's clock and ours (none in AWS, where both are real time).
func (s marketSession) closeOnOurClock(now time.Time) time.Time {
	return now.Add(s.hours.Close.Sub(s.clock.Timestamp)).UTC()
}

// MarketClosedMessage is the scheduler's one log line for a workflow the
// market is not open for.
const MarketClosedMessage = "market closed: workflow ended without trading"

// marketClosed ends, before it starts, a workflow the market is not open
// for: one WorkflowCompleted with outcome events.OutcomeMarketClosed, the
// root of its workflow (no WorkflowStarted, so no step runs and nothing
// trades), and one log line.
func (h *Scheduler) marketClosed(ctx context.Context, start *events.WorkflowStarted, in ScheduleInput, s marketSession) error {
	end := &events.WorkflowCompleted{Metadata: start.Metadata, Workflow: start.Workflow, Outcome: events.OutcomeMarketClosed,
		Allocations: []events.Allocation{}, Items: []events.PlanItem{}, Orders: []events.OrderResult{},
		Before: events.Portfolio{Positions: []events.Holding{}}, After: events.Portfolio{Positions: []events.Holding{}}}
	if err := h.Publisher.Publish(ctx, end); err != nil {
		return fmt.Errorf("could not publish WorkflowCompleted: %w", err)
	}
	log := h.log()
	if in.RunID != "" {
		log = log.With("run_id", in.RunID)
	}
	log.InfoContext(ctx, MarketClosedMessage, "correlation_id", start.CorrelationID,
		"trading_date", start.TradingDate, "trigger", in.Trigger, "outcome", end.Outcome, "market_time", s.clock.Timestamp.UTC().Format(time.RFC3339),
		"next_open", s.clock.NextOpen.UTC().Format(time.RFC3339))
	return nil
}

// ErrSessionClosed is the cause of a plan that reached execution after
// its session's close: no order is placed, the workflow fails at step
// execution.
var ErrSessionClosed = errors.New("the trading session closed before the plan was executed")

// untilClose bounds ctx by the workflow's session close
// (events.Workflow.SessionClose), on the handler's clock: the executor
// refuses an order, a retry's backoff or a wait for fills that would end
// past its context's deadline (less its margin), so nothing is placed
// after the close, and a half day's 13:00 close shortens execution's
// deadline. left is the time to the close (zero with no close); the
// error wraps ErrSessionClosed when the close has passed.
func untilClose(ctx context.Context, d Deps, wf events.Workflow) (bounded context.Context, cancel context.CancelFunc, left time.Duration, err error) {
	if wf.SessionClose.IsZero() {
		return ctx, func() {}, 0, nil
	}
	left = wf.SessionClose.Sub(d.now())
	if left <= 0 {
		return ctx, func() {}, left, fmt.Errorf("%w: it closed at %s", ErrSessionClosed, wf.SessionClose.UTC().Format(time.RFC3339))
	}
	bounded, cancel = context.WithTimeout(ctx, left)
	return bounded, cancel, left, nil
}

// StepMarketCalendar is the step of a workflow that failed because the
// broker's clock or calendar could not be read for good.
const StepMarketCalendar = "market_calendar"

// calendarFailed ends, before it starts, a workflow whose market the
// broker refused to describe for good (credentials refused, an answer
// that contradicts itself): one WorkflowFailed at step market_calendar,
// the root of its workflow, so the owner hears of it; nothing runs, as
// trading without knowing the session is what the calendar prevents.
func (h *Scheduler) calendarFailed(ctx context.Context, start *events.WorkflowStarted, cause error) error {
	f := &events.WorkflowFailed{Metadata: start.Metadata, Workflow: start.Workflow, Step: StepMarketCalendar,
		Reason: cause.Error(), ErrorType: errtype.Of(cause)}
	if err := h.Publisher.Publish(ctx, f); err != nil {
		return fmt.Errorf("could not publish WorkflowFailed: %w", err)
	}
	h.log().ErrorContext(ctx, "workflow failed", "correlation_id", start.CorrelationID, "trading_date", start.TradingDate,
		"step", f.Step, "error", f.Reason, "error_type", f.ErrorType)
	return nil
}
