package idempotency

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
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

// NewFileStore returns a store persisted at path as JSON lines, one
// record a line, loading what an earlier process left there.
func NewFileStore(path string) (*MemoryStore, error) {
	records, err := load(path)
	if err != nil {
		return nil, err
	}
	return &MemoryStore{records: records, path: path}, nil
}

// Acquire implements Store.
func (s *MemoryStore) Acquire(_ context.Context, r Record, now time.Time) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.records[r.Key]; ok && !old.acquirable(now) {
		return &old, ErrExists
	}
	return nil, s.change(r.Key, &r)
}

// Complete implements Store.
func (s *MemoryStore) Complete(_ context.Context, r Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.records[r.Key]; r.Owner != "" && (!ok || old.Owner != r.Owner) {
		return ErrLeaseLost
	}
	return s.change(r.Key, &r)
}

// Delete implements Store.
func (s *MemoryStore) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.change(key, nil)
}

// Extend implements Store.
func (s *MemoryStore) Extend(_ context.Context, key, owner string, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[key]
	if !ok || r.Status != InProgress || r.Owner != owner {
		return ErrLeaseLost
	}
	r.InProgressExpiry = until
	return s.change(key, &r)
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key, owner string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.records[key]; !ok || r.Status != InProgress || r.Owner != owner {
		return nil
	}
	return s.change(key, nil)
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
	return s.sorted()
}

// change sets key's record (nil deletes it) and saves. If the save fails
// it restores the previous record, so memory never runs ahead of the
// file: a change the caller saw fail did not happen. Called with s.mu held.
func (s *MemoryStore) change(key string, r *Record) error {
	prev, had := s.records[key]
	if r != nil {
		s.records[key] = *r
	} else {
		delete(s.records, key)
	}
	err := s.save()
	if err == nil {
		return nil
	}
	if had {
		s.records[key] = prev
	} else {
		delete(s.records, key)
	}
	return fmt.Errorf("could not save idempotency key %s: %w", key, err)
}

func (s *MemoryStore) sorted() []Record {
	out := make([]Record, 0, len(s.records))
	for _, r := range s.records {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// save rewrites the whole file through a temporary file and a rename, so
// a crash leaves the old file or the new one, never half of one. Called
// with s.mu held.
func (s *MemoryStore) save() error {
	if s.path == "" {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range s.sorted() {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return writeAtomically(s.path, buf.Bytes())
}

func writeAtomically(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// load reads the records at path: none when there is no file. It also
// reads the JSON array earlier versions wrote, so old run directories
// still load.
func load(path string) (map[string]Record, error) {
	records := map[string]Record{}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return records, nil
	case err != nil:
		return nil, fmt.Errorf("could not read idempotency records: %w", err)
	}
	if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '[' {
		var legacy []Record
		if err := json.Unmarshal(trimmed, &legacy); err != nil {
			return nil, fmt.Errorf("idempotency records %s: %w", path, err)
		}
		for _, r := range legacy {
			records[r.Key] = r
		}
		return records, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	for line := 1; ; line++ {
		var r Record
		err := dec.Decode(&r)
		if errors.Is(err, io.EOF) {
			return records, nil
		}
		if err != nil {
			return nil, fmt.Errorf("idempotency records %s, record %d: %w", path, line, err)
		}
		records[r.Key] = r
	}
}
