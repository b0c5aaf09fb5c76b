package local

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/alchemiser/alchemiser/app/events"
)

// Dead is an event whose delivery failed for good.
type Dead struct {
	Function  string          `json:"function"`
	Attempts  int             `json:"attempts"`
	Error     string          `json:"error"`
	Permanent bool            `json:"permanent"`
	Envelope  events.Envelope `json:"envelope"`
}

// DLQ keeps dead events in memory and, when Path is set, appends each as
// one JSON line to the file, so nothing is lost when the process ends.
type DLQ struct {
	Path string

	mu   sync.Mutex
	dead []Dead
	err  error
}

// Add records d.
func (q *DLQ) Add(d Dead) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.dead = append(q.dead, d)
	if q.Path != "" {
		if err := appendLine(q.Path, d); err != nil && q.err == nil {
			q.err = err
		}
	}
}

// Dead returns the recorded dead events.
func (q *DLQ) Dead() []Dead {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]Dead(nil), q.dead...)
}

// Err returns the first error writing the file, if any.
func (q *DLQ) Err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

func appendLine(path string, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("could not encode dead-letter record: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("could not create dead-letter directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("could not open dead-letter file: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("could not write dead-letter file: %w", err)
	}
	return f.Close()
}
