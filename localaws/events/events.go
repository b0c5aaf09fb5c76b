package events

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// Config is what Events reads.
type Config struct {
	// Bus is the local stack's emulated EventBridge. Required.
	Bus *emulator.EventBridge
	// Now stamps the replays' times and the archives' creation; time.Now
	// when nil.
	Now func() time.Time
}

// Events serves EventBridge's API over an emulated bus.
type Events struct {
	bus      *emulator.EventBridge
	top      *topology.Topology
	now      func() time.Time
	archives []archive // template order
	created  time.Time

	mu      sync.Mutex
	replays map[string]*replay
	running sync.WaitGroup
}

// New serves cfg.Bus.
func New(cfg Config) (*Events, error) {
	if cfg.Bus == nil {
		return nil, errors.New("could not start EventBridge's API: Config.Bus is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	e := &Events{bus: cfg.Bus, top: cfg.Bus.Topology(), now: cfg.Now, created: cfg.Now().UTC(), replays: map[string]*replay{}}
	for _, def := range e.top.Archives {
		a, err := e.archiveOf(def)
		if err != nil {
			return nil, err
		}
		e.archives = append(e.archives, a)
	}
	return e, nil
}

// Service is EventBridge's API.
func (e *Events) Service() awsapi.Service {
	return awsapi.Service{SigningName: "events", Protocols: awsapi.JSON, TargetPrefix: "AWSEvents", JSONVersion: "1.1",
		Operations: map[string]awsapi.Operation{
			"PutEvents":        awsapi.Op(e.putEvents),
			"DescribeEventBus": awsapi.Op(e.describeEventBus),
			"ListRules":        awsapi.Op(e.listRules),
			"ListArchives":     awsapi.Op(e.listArchives),
			"DescribeArchive":  awsapi.Op(e.describeArchive),
			"StartReplay":      awsapi.Op(e.startReplay),
			"DescribeReplay":   awsapi.Op(e.describeReplay),
			"ListReplays":      awsapi.Op(e.listReplays),
			"TestEventPattern": awsapi.Op(e.testEventPattern),
		}}
}

// Close waits for the replays running to finish.
func (e *Events) Close() error {
	e.running.Wait()
	return nil
}

// bus is an event bus as the API names it.
type bus struct{ id, name, arn string }

// busOf finds a bus by name or ARN; "" is the default bus.
func (e *Events) busOf(nameOrARN string) (bus, bool) {
	def := bus{id: "default", name: "default", arn: fmt.Sprintf("arn:aws:events:%s:%s:event-bus/default", e.top.Region, e.top.Account)}
	if nameOrARN == "" || nameOrARN == def.name || nameOrARN == def.arn {
		return def, true
	}
	for id, b := range e.top.Buses {
		if b.Name == nameOrARN || b.ARN == nameOrARN {
			return bus{id: id, name: b.Name, arn: b.ARN}, true
		}
	}
	return bus{}, false
}

// busByID is the bus with logical id id.
func (e *Events) busByID(id string) bus {
	if b, ok := e.top.Buses[id]; ok {
		return bus{id: id, name: b.Name, arn: b.ARN}
	}
	b, _ := e.busOf("")
	return b
}

func notFound(format string, args ...any) error {
	return awsapi.Errorf("ResourceNotFoundException", format, args...)
}
