package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// Message is one SQS message of a local queue.
type Message struct {
	ID         string            `json:"message_id"`
	Queue      string            `json:"queue"`
	SentAt     time.Time         `json:"sent_at"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Body       string            `json:"body"`
}

// Queues are the template's SQS queues (DLQs and on-failure
// destinations). With WithDir each message is also appended to
// <dir>/queues/<name>.jsonl, so nothing is lost when the process stops.
// Its methods are safe for concurrent use.
type Queues struct {
	dir   string // "" keeps messages in memory only
	top   *topology.Topology
	clock Clock

	mu   sync.Mutex
	msgs map[string][]Message // by logical id
	err  error
}

// newQueues returns the queues of top, persisted under dir.
func newQueues(top *topology.Topology, dir string, clock Clock) *Queues {
	return &Queues{dir: dir, top: top, clock: clock, msgs: map[string][]Message{}}
}

// Send puts a message on queue id and returns it, with the id and
// sent time SQS's SendMessage answers with.
func (q *Queues) Send(id, body string, attrs map[string]string) Message {
	name := id
	if qu, ok := q.top.Queues[id]; ok {
		name = qu.Name
	}
	m := Message{ID: uuid(), Queue: name, SentAt: q.clock.Now().UTC(), Attributes: attrs, Body: body}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.msgs[id] = append(q.msgs[id], m)
	if q.dir == "" {
		return m
	}
	if err := appendJSONLine(filepath.Join(q.dir, name+".jsonl"), m); err != nil && q.err == nil {
		q.err = err
	}
	return m
}

// Messages returns queue id's messages.
func (q *Queues) Messages(id string) []Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]Message(nil), q.msgs[id]...)
}

// Delete removes message messageID from queue id, as SQS's
// DeleteMessage does once a consumer is done with it, and reports whether
// it was there. The queue's file keeps it: it records what was sent.
func (q *Queues) Delete(id, messageID string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	ms := q.msgs[id]
	i := slices.IndexFunc(ms, func(m Message) bool { return m.ID == messageID })
	if i < 0 {
		return false
	}
	q.msgs[id] = slices.Delete(ms, i, i+1)
	return true
}

// Count is the number of messages in every queue.
func (q *Queues) Count() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, ms := range q.msgs {
		n += len(ms)
	}
	return n
}

// Err returns the first error writing a queue file.
func (q *Queues) Err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// appendJSONLine appends v as one line to path, creating its directory.
func appendJSONLine(path string, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("could not open %s: %w", path, err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("could not write %s: %w", path, err)
	}
	return f.Close()
}
