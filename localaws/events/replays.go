package events

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// The replay states
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html#eventbridge-DescribeReplay-response-State).
const (
	starting  = "STARTING"
	running   = "RUNNING"
	completed = "COMPLETED"
	failed    = "FAILED"
)

// replay is one replay's record; its fields change under Events.mu.
type replay struct {
	name, arn, description string
	archive                archive
	destination            string
	start, end             time.Time // the events' window
	state, reason          string
	lastReplayed           time.Time
	began, ended           time.Time
}

type destination struct {
	Arn        string   `json:"Arn"`
	FilterArns []string `json:"FilterArns,omitempty"`
}

type startReplayIn struct {
	ReplayName     string       `json:"ReplayName"`
	Description    string       `json:"Description,omitempty"`
	EventSourceArn string       `json:"EventSourceArn"`
	EventStartTime *awsapi.Time `json:"EventStartTime"`
	EventEndTime   *awsapi.Time `json:"EventEndTime"`
	Destination    *destination `json:"Destination"`
}

type startReplayOut struct {
	ReplayArn       string       `json:"ReplayArn"`
	State           string       `json:"State"`
	StateReason     string       `json:"StateReason,omitempty"`
	ReplayStartTime *awsapi.Time `json:"ReplayStartTime,omitempty"`
}

// replayName is StartReplay's ReplayName pattern, 1 to 64 characters.
var replayName = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)

// startReplay is StartReplay: checked, recorded as STARTING, and run in
// the background
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html).
func (e *Events) startReplay(_ context.Context, in *startReplayIn) (*startReplayOut, error) {
	r, err := e.newReplay(in)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.replays[r.name]; ok {
		return nil, awsapi.Errorf("ResourceAlreadyExistsException", "Replay %s already exists.", r.name)
	}
	e.replays[r.name] = r
	e.running.Add(1)
	go e.run(r)
	return &startReplayOut{ReplayArn: r.arn, State: r.state, ReplayStartTime: awsapi.At(r.began)}, nil
}

// newReplay checks StartReplay's input against the archives and buses.
func (e *Events) newReplay(in *startReplayIn) (*replay, error) {
	switch {
	case !replayName.MatchString(in.ReplayName):
		return nil, awsapi.Validationf("Parameter ReplayName is not valid. Reason: it must be 1 to 64 of [.-_A-Za-z0-9], got %q.", in.ReplayName)
	case in.EventSourceArn == "":
		return nil, awsapi.Validationf("Parameter EventSourceArn is not valid. Reason: it is required.")
	case in.EventStartTime == nil || in.EventEndTime == nil:
		return nil, awsapi.Validationf("Parameters EventStartTime and EventEndTime are required.")
	case !in.EventStartTime.Before(in.EventEndTime.Time):
		return nil, awsapi.Validationf("Parameter EventStartTime is not valid. Reason: EventStartTime must be before EventEndTime.")
	case in.Destination == nil || in.Destination.Arn == "":
		return nil, awsapi.Validationf("Parameter Destination.Arn is not valid. Reason: it is required.")
	case len(in.Destination.FilterArns) > 0:
		return nil, awsapi.Validationf("Parameter Destination.FilterArns is not valid. Reason: the local emulator replays to every rule of the bus.")
	}
	a, ok := e.archiveNamed(in.EventSourceArn)
	if !ok || a.arn != in.EventSourceArn {
		return nil, notFound("Archive %s does not exist.", in.EventSourceArn)
	}
	if in.Destination.Arn != a.bus.arn {
		return nil, awsapi.Validationf("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted (archive %s is on %s).", a.name, a.bus.arn)
	}
	return &replay{name: in.ReplayName, description: in.Description, archive: a, destination: in.Destination.Arn,
		arn:   fmt.Sprintf("arn:aws:events:%s:%s:replay/%s", e.top.Region, e.top.Account, in.ReplayName),
		start: in.EventStartTime.Time, end: in.EventEndTime.Time, state: starting, began: e.now().UTC()}, nil
}

// run replays r's events through the emulator.
func (e *Events) run(r *replay) {
	defer e.running.Done()
	e.set(r, func() { r.state = running })
	evs, last := window(e.bus.Archive().Events(r.archive.def.LogicalID), r.start, r.end)
	_, err := e.bus.Replay(context.Background(), r.name, evs)
	e.set(r, func() {
		r.ended = e.now().UTC()
		if err != nil {
			r.state, r.reason = failed, err.Error()
			return
		}
		r.state, r.lastReplayed = completed, last
	})
}

func (e *Events) set(r *replay, f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f()
}

// window is the archived events whose time is in [start, end), and the
// latest such time.
func window(evs []emulator.Archived, start, end time.Time) ([]emulator.Archived, time.Time) {
	var out []emulator.Archived
	var last time.Time
	for _, ev := range evs {
		t := eventTime(ev)
		if t.Before(start) || !t.Before(end) {
			continue
		}
		out = append(out, ev)
		if t.After(last) {
			last = t
		}
	}
	return out, last
}

// eventTime is an archived event's "time", or when it was archived if
// it has none.
func eventTime(ev emulator.Archived) time.Time {
	var probe struct {
		Time time.Time `json:"time"`
	}
	if json.Unmarshal(ev.Event, &probe) != nil || probe.Time.IsZero() {
		return ev.Ingested
	}
	return probe.Time
}

type replayOut struct {
	ReplayName            string       `json:"ReplayName"`
	EventSourceArn        string       `json:"EventSourceArn"`
	State                 string       `json:"State"`
	StateReason           string       `json:"StateReason,omitempty"`
	EventStartTime        *awsapi.Time `json:"EventStartTime,omitempty"`
	EventEndTime          *awsapi.Time `json:"EventEndTime,omitempty"`
	EventLastReplayedTime *awsapi.Time `json:"EventLastReplayedTime,omitempty"`
	ReplayStartTime       *awsapi.Time `json:"ReplayStartTime,omitempty"`
	ReplayEndTime         *awsapi.Time `json:"ReplayEndTime,omitempty"`
}

// out is r as the API gives it; the caller holds e.mu.
func (r *replay) out() replayOut {
	return replayOut{ReplayName: r.name, EventSourceArn: r.archive.arn, State: r.state, StateReason: r.reason,
		EventStartTime: awsapi.At(r.start), EventEndTime: awsapi.At(r.end), EventLastReplayedTime: awsapi.At(r.lastReplayed),
		ReplayStartTime: awsapi.At(r.began), ReplayEndTime: awsapi.At(r.ended)}
}

type describeReplayIn struct {
	ReplayName string `json:"ReplayName"`
}

type describeReplayOut struct {
	ReplayArn   string       `json:"ReplayArn"`
	Description string       `json:"Description,omitempty"`
	Destination *destination `json:"Destination,omitempty"`
	replayOut
}

// describeReplay is DescribeReplay
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeReplay.html).
func (e *Events) describeReplay(_ context.Context, in *describeReplayIn) (*describeReplayOut, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.replays[in.ReplayName]
	if !ok {
		return nil, notFound("Replay %s does not exist.", in.ReplayName)
	}
	return &describeReplayOut{ReplayArn: r.arn, Description: r.description, Destination: &destination{Arn: r.destination}, replayOut: r.out()}, nil
}

type listReplaysIn struct {
	NamePrefix     string `json:"NamePrefix,omitempty"`
	State          string `json:"State,omitempty"`
	EventSourceArn string `json:"EventSourceArn,omitempty"`
	NextToken      string `json:"NextToken,omitempty"`
	Limit          int32  `json:"Limit,omitempty"`
}

type listReplaysOut struct {
	Replays   []replayOut `json:"Replays"`
	NextToken string      `json:"NextToken,omitempty"`
}

// listReplays is ListReplays
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListReplays.html).
func (e *Events) listReplays(_ context.Context, in *listReplaysIn) (*listReplaysOut, error) {
	e.mu.Lock()
	var all []replayOut
	for _, r := range e.replays {
		if (in.State == "" || in.State == r.state) && (in.EventSourceArn == "" || in.EventSourceArn == r.archive.arn) {
			all = append(all, r.out())
		}
	}
	e.mu.Unlock()
	replays, next, err := page(all, func(r replayOut) string { return r.ReplayName }, in.NamePrefix, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	if replays == nil {
		replays = []replayOut{}
	}
	return &listReplaysOut{Replays: replays, NextToken: next}, nil
}
