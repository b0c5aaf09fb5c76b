package sqs

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// Config is what SQS reads.
type Config struct {
	// Queues are the local stack's queues (emulator.EventBridge.Queues).
	// Required.
	Queues *emulator.Queues
	// Top is the template's model: the queues' names, ARNs and
	// properties. Required.
	Top *topology.Topology
	// Endpoint is the local endpoint's base URL (http://127.0.0.1:4566),
	// the start of the queue URLs given out; AWS's URLs when empty.
	Endpoint string
	// Now is the clock of visibility timeouts and receive times;
	// time.Now when nil.
	Now func() time.Time
}

// SQS serves SQS's API over the emulator's queues.
type SQS struct {
	queues   *emulator.Queues
	top      *topology.Topology
	endpoint string
	now      func() time.Time
	created  time.Time

	mu    sync.Mutex
	state map[string]*delivery // by message id
}

// delivery is what SQS knows of a message beyond the emulator: when it
// is visible again, and its receives.
type delivery struct {
	visibleAt    time.Time
	receives     int
	firstReceive time.Time
}

// New serves cfg.Queues.
func New(cfg Config) (*SQS, error) {
	if cfg.Queues == nil || cfg.Top == nil {
		return nil, errors.New("could not start SQS's API: Config.Queues and Config.Top are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &SQS{queues: cfg.Queues, top: cfg.Top, endpoint: strings.TrimSuffix(cfg.Endpoint, "/"), now: cfg.Now,
		created: cfg.Now().UTC(), state: map[string]*delivery{}}, nil
}

// Service is SQS's API, in JSON 1.0 and query.
func (s *SQS) Service() awsapi.Service {
	return awsapi.Service{SigningName: "sqs", Protocols: awsapi.JSON | awsapi.Query, TargetPrefix: "AmazonSQS", JSONVersion: "1.0",
		XMLNamespace: "http://queue.amazonaws.com/doc/2012-11-05/",
		QueryErrors: map[string]string{
			codeNoQueue:          "AWS.SimpleQueueService.NonExistentQueue;Sender",
			codeBadHandle:        "ReceiptHandleIsInvalid;Sender",
			codeInvalidParameter: "InvalidParameterValue;Sender",
			codeInvalidAttribute: "InvalidAttributeName;Sender",
			codeInvalidAddress:   "InvalidAddress;Sender",
			codeNotInflight:      "AWS.SimpleQueueService.MessageNotInflight;Sender",
			codeMissingParameter: "MissingParameter;Sender",
		},
		Operations: map[string]awsapi.Operation{
			"GetQueueUrl":             awsapi.Op(s.getQueueURL),
			"ListQueues":              awsapi.Op(s.listQueues),
			"GetQueueAttributes":      awsapi.Op(s.getQueueAttributes),
			"ReceiveMessage":          awsapi.Op(s.receiveMessage),
			"DeleteMessage":           awsapi.Op(s.deleteMessage),
			"SendMessage":             awsapi.Op(s.sendMessage),
			"ChangeMessageVisibility": awsapi.Op(s.changeMessageVisibility),
		}}
}

// The error codes, as the JSON protocol names them.
const (
	codeNoQueue          = "QueueDoesNotExist"
	codeBadHandle        = "ReceiptHandleIsInvalid"
	codeInvalidParameter = "InvalidParameterValue"
	codeInvalidAttribute = "InvalidAttributeName"
	codeInvalidAddress   = "InvalidAddress"
	codeNotInflight      = "MessageNotInflight"
	codeMissingParameter = "MissingParameter"
)

// queue is one of the template's queues: its logical id and names.
type queue struct {
	id string
	*topology.Queue
}

// queueNamed finds a queue by name.
func (s *SQS) queueNamed(name string) (queue, bool) {
	for id, q := range s.top.Queues {
		if q.Name == name {
			return queue{id: id, Queue: q}, true
		}
	}
	return queue{}, false
}

// queueAt finds the queue of a URL: its last path segment.
func (s *SQS) queueAt(url string) (queue, error) {
	trimmed := strings.TrimSuffix(url, "/")
	if trimmed == "" {
		return queue{}, awsapi.Errorf(codeInvalidAddress, "The address %q is not valid for this endpoint.", url)
	}
	name := trimmed[strings.LastIndex(trimmed, "/")+1:]
	q, ok := s.queueNamed(name)
	if !ok {
		return queue{}, awsapi.Errorf(codeNoQueue, "The specified queue does not exist.")
	}
	return q, nil
}

// url is a queue's URL as this endpoint gives it out.
func (s *SQS) url(q queue) string {
	if s.endpoint == "" {
		return q.URL
	}
	return fmt.Sprintf("%s/%s/%s", s.endpoint, s.top.Account, q.Name)
}

// names are the queues' names, sorted.
func (s *SQS) names() []string {
	var out []string
	for _, q := range s.top.Queues {
		out = append(out, q.Name)
	}
	slices.Sort(out)
	return out
}

// prop is a queue property of the template as seconds or bytes, or def.
func (s *SQS) prop(q queue, name string, def int) int {
	v, ok := s.top.Resources[q.id].Properties[name]
	if !ok {
		return def
	}
	var n int
	if _, err := fmt.Sscan(fmt.Sprint(v), &n); err != nil {
		return def
	}
	return n
}

// deliveryOf is message id's delivery state; the caller holds s.mu.
func (s *SQS) deliveryOf(id string) *delivery {
	d, ok := s.state[id]
	if !ok {
		d = &delivery{}
		s.state[id] = d
	}
	return d
}

// forget drops the states of messages no longer in any queue (deleted
// by a redrive); the caller holds s.mu.
func (s *SQS) forget() {
	live := map[string]bool{}
	for id := range s.top.Queues {
		for _, m := range s.queues.Messages(id) {
			live[m.ID] = true
		}
	}
	for _, id := range slices.Collect(maps.Keys(s.state)) {
		if !live[id] {
			delete(s.state, id)
		}
	}
}
