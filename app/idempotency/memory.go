package idempotency

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// MemoryStore keeps records in memory under one lock, which makes Acquire
// atomic. With a path (NewFileStore) every change is also written to a
// file, so records survive the process: the local stack keeps them in its
// run directory.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]Record
	path    string
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{records: map[string]Record{}} }

// NewFileStore returns a store persisted at path, loading what an
// earlier process left there.
func NewFileStore(path string) (*MemoryStore, error) {
	s := &MemoryStore{records: map[string]Record{}, path: path}
	b, err := os.ReadFile(path)
	switch {
	case os.IsNotExist(err):
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("could not read idempotency records: %w", err)
	}
	var recs []Record
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, r := range recs {
		s.records[r.Key] = r
	}
	return s, nil
}

// Acquire implements Store.
func (s *MemoryStore) Acquire(_ context.Context, r Record, now time.Time) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.records[r.Key]; ok && old.blocks(now) {
		return &old, ErrExists
	}
	s.records[r.Key] = r
	return nil, s.save()
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, r Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records[r.Key] = r
	return s.save()
}

// Delete implements Store.
func (s *MemoryStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.records, key)
	return s.save()
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, key string) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[key]
	if !ok {
		return nil, nil
	}
	return &r, nil
}

// Records returns every record, by key.
func (s *MemoryStore) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Record, 0, len(s.records))
	for _, r := range s.records {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// save writes every record to the file, atomically (temporary file and
// rename). Called with s.mu held.
func (s *MemoryStore) save() error {
	if s.path == "" {
		return nil
	}
	recs := make([]Record, 0, len(s.records))
	for _, r := range s.records {
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].Key < recs[j].Key })
	b, err := json.MarshalIndent(recs, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("could not write idempotency records: %w", err)
	}
	return os.Rename(tmp, s.path)
}
