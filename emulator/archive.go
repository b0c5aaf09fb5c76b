package emulator

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/emulator/eventpattern"
	"github.com/alchemiser/alchemiser/topology"
)

// Archived is one event kept by an archive.
type Archived struct {
	Archive  string          `json:"archive"`
	Bus      string          `json:"bus"`
	Ingested time.Time       `json:"ingested"`
	Event    json.RawMessage `json:"event"`
}

// Archive keeps the events of the template's archives, appending each to
// <dir>/archive/<ArchiveLogicalId>.jsonl with WithDir. Its methods are
// safe for concurrent use.
type Archive struct {
	dir   string // "" keeps events in memory only
	clock Clock

	mu       sync.Mutex
	archives []archiveDef
	events   []Archived
	err      error
}

type archiveDef struct {
	*topology.Archive
	pattern *eventpattern.Pattern // nil: every event
}

func (a *Archive) compile(top *topology.Topology) error {
	for _, def := range top.Archives {
		d := archiveDef{Archive: def}
		if len(def.Pattern) > 0 {
			p, err := eventpattern.Compile(def.Pattern)
			if err != nil {
				return fmt.Errorf("archive %s: %w", def.LogicalID, err)
			}
			d.pattern = p
		}
		a.archives = append(a.archives, d)
	}
	return nil
}

func (a *Archive) add(bus string, raw []byte) {
	for _, d := range a.archives {
		if d.Bus != bus {
			continue
		}
		if d.pattern != nil {
			if ok, err := d.pattern.MatchValid(raw); err != nil || !ok { // an envelope put built
				continue
			}
		}
		ev := Archived{Archive: d.LogicalID, Bus: bus, Ingested: a.clock.Now().UTC(), Event: append(json.RawMessage(nil), raw...)}
		a.mu.Lock()
		a.events = append(a.events, ev)
		if a.dir != "" {
			if err := appendJSONLine(filepath.Join(a.dir, d.LogicalID+".jsonl"), ev); err != nil && a.err == nil {
				a.err = err
			}
		}
		a.mu.Unlock()
	}
}

// Err returns the first error writing an archive file.
func (a *Archive) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Events returns archive id's events.
func (a *Archive) Events(id string) []Archived {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Archived
	for _, ev := range a.events {
		if ev.Archive == id {
			out = append(out, ev)
		}
	}
	return out
}

// LoadArchive reads an archive file written by an earlier run.
func LoadArchive(path string) ([]Archived, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Archived
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var ev Archived
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}

// Replay puts archived events back on their bus, as an EventBridge
// replay does: each carries replay-name, and is routed by the rules (but
// not archived again). AWS replays in one-minute windows of event time,
// not necessarily in order; locally they go in archive order.
func (e *EventBridge) Replay(_ context.Context, name string, evs []Archived) (int, error) {
	for _, ev := range evs {
		var env map[string]json.RawMessage
		if err := json.Unmarshal(ev.Event, &env); err != nil {
			return 0, fmt.Errorf("archived event is not an object: %w", err)
		}
		env["replay-name"], _ = json.Marshal(name)
		raw, _ := json.Marshal(env)
		var id string
		_ = json.Unmarshal(env["id"], &id)
		e.stats.Replayed.Add(1)
		e.put(ev.Bus, raw, id)
	}
	return len(evs), nil
}
