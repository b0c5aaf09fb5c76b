package sns

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// Invoker queues an asynchronous invocation of function id (a logical id
// of the template) through its alias qualifier ("" for the function
// itself). emulator.EventBridge implements it (InvokeAsyncAlias).
// Implementations must be safe for concurrent use.
type Invoker interface {
	InvokeAsyncAlias(id, qualifier string, input []byte) error
}

// Config configures SNS.
type Config struct {
	Topology *topology.Topology // required: the topics, subscriptions and alarms
	Lambda   Invoker            // required when a topic has a lambda subscription
	// Dir is the run directory: each delivery is appended to
	// sns/deliveries.jsonl there; in memory only when empty.
	Dir string
	// Now is the clock of message timestamps; time.Now when nil.
	Now func() time.Time
}

// SNS delivers messages to the template's subscriptions.
type SNS struct {
	c          Config
	mu         sync.Mutex
	deliveries []Delivery
}

// Delivery is one message delivered to one subscription.
type Delivery struct {
	MessageID    string    `json:"message_id"`
	TopicARN     string    `json:"topic_arn"`
	Subscription string    `json:"subscription"` // the subscription's logical id
	Protocol     string    `json:"protocol"`
	Endpoint     string    `json:"endpoint"`
	Subject      string    `json:"subject"`
	Message      string    `json:"message"`
	Timestamp    time.Time `json:"timestamp"`
	// Error is why a lambda subscription's invocation could not be
	// queued; "" when it was.
	Error string `json:"error,omitempty"`
}

// Human reports whether the delivery went to a person's or another
// system's endpoint (email, email-json, sms, http, https) rather than to
// an AWS service the template holds (lambda, sqs).
func (d Delivery) Human() bool { return Human(d.Protocol) }

// Human reports whether protocol delivers to a person's or another
// system's endpoint.
func Human(protocol string) bool {
	return slices.Contains([]string{"email", "email-json", "sms", "http", "https"}, protocol)
}

// DeliveriesFile is where a run directory keeps the deliveries.
func DeliveriesFile(dir string) string { return filepath.Join(dir, "sns", "deliveries.jsonl") }

// New returns the SNS of c.Topology.
func New(c Config) (*SNS, error) {
	if c.Topology == nil {
		return nil, errors.New("could not start SNS: no topology")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &SNS{c: c}, nil
}

// ErrUnknownTopic is Publish's error for a topic the template does not
// declare (SNS's NotFound).
var ErrUnknownTopic = errors.New("topic does not exist")

// Publish delivers message to every subscription of the topic topicARN
// and returns its message id. A lambda subscription's invocation that
// could not be queued is recorded with its error and joined into the
// returned error; the other subscriptions still get the message.
func (s *SNS) Publish(topicARN, subject, message string) (string, error) {
	tp := s.c.Topology.TopicByARN(topicARN)
	if tp == nil {
		return "", fmt.Errorf("could not publish to %s: %w", topicARN, ErrUnknownTopic)
	}
	id, now := uuid(), s.c.Now().UTC()
	var errs []error
	for _, sub := range tp.Subscriptions {
		d := Delivery{MessageID: id, TopicARN: tp.ARN, Subscription: sub.LogicalID, Protocol: sub.Protocol,
			Endpoint: sub.Endpoint, Subject: subject, Message: message, Timestamp: now}
		if sub.Protocol == "lambda" {
			if err := s.invoke(tp, sub, d); err != nil {
				d.Error = err.Error()
				errs = append(errs, err)
			}
		}
		if err := s.record(d); err != nil {
			errs = append(errs, err)
		}
	}
	return id, errors.Join(errs...)
}

// invoke queues the SNS event of d for the subscribed function.
func (s *SNS) invoke(tp *topology.Topic, sub topology.Subscription, d Delivery) error {
	if s.c.Lambda == nil || sub.Function == "" {
		return fmt.Errorf("could not deliver to %s: not a function of the template", sub.Endpoint)
	}
	ev, err := json.Marshal(lambdaEvent(tp, d))
	if err != nil {
		return err
	}
	if err := s.c.Lambda.InvokeAsyncAlias(sub.Function, sub.Qualifier, ev); err != nil {
		return fmt.Errorf("could not deliver to %s: %w", sub.Endpoint, err)
	}
	return nil
}

// record keeps d, and appends it to the run directory's file.
func (s *SNS) record(d Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
	if s.c.Dir == "" {
		return nil
	}
	line, err := json.Marshal(d)
	if err != nil {
		return err
	}
	path := DeliveriesFile(s.c.Dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("could not record the delivery: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("could not record the delivery: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("could not record the delivery: %w", err)
	}
	return f.Close()
}

// Deliveries are the deliveries so far, in order.
func (s *SNS) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// ReadDeliveries reads the deliveries a run directory recorded; none when
// it has no file.
func ReadDeliveries(dir string) ([]Delivery, error) {
	raw, err := os.ReadFile(DeliveriesFile(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("could not read the SNS deliveries: %w", err)
	}
	var out []Delivery
	dec := json.NewDecoder(bytes.NewReader(raw))
	for dec.More() {
		var d Delivery
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("could not read the SNS deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, nil
}

// lambdaEvent is the event SNS invokes a function with
// (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html).
func lambdaEvent(tp *topology.Topic, d Delivery) map[string]any {
	return map[string]any{"Records": []map[string]any{{
		"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": tp.ARN + ":" + d.Subscription,
		"Sns": map[string]any{
			"Type": "Notification", "MessageId": d.MessageID, "TopicArn": tp.ARN, "Subject": d.Subject,
			"Message": d.Message, "Timestamp": d.Timestamp.Format("2006-01-02T15:04:05.000Z"),
			"SignatureVersion": "1", "Signature": "EXAMPLE", "SigningCertUrl": "EXAMPLE", "UnsubscribeUrl": "EXAMPLE",
			"MessageAttributes": map[string]any{},
		},
	}}}
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
