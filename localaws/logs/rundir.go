package logs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// event is one log event of a group file; seq is its place in the file
// (the files are only appended to, so it is stable), which orders
// events of the same millisecond and makes their ids.
type event struct {
	*insights.Event
	seq int
}

// before orders events by timestamp, then by their place in the file.
func (e *event) before(o *event) bool {
	if e.Timestamp != o.Timestamp {
		return e.Timestamp < o.Timestamp
	}
	return e.seq < o.seq
}

// id is the event's eventId: 56 digits, as AWS's are.
func (e *event) id() string { return fmt.Sprintf("%020d%036d", e.Timestamp, e.seq) }

type stream struct {
	name   string
	events []*event // in order
}

type group struct {
	name    string
	events  []*event // in order
	streams map[string]*stream
	bytes   int64
}

// created is the group's creation time: its first event's.
func (g *group) created() int64 {
	if len(g.events) == 0 {
		return 0
	}
	return g.events[0].Timestamp
}

// snapshot is the run directory's log groups at one call.
type snapshot struct {
	groups map[string]*group
}

// names are the groups' names, ASCII-sorted as DescribeLogGroups lists them.
func (s *snapshot) names() []string {
	out := make([]string, 0, len(s.groups))
	for n := range s.groups {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// group is the named group, or ResourceNotFoundException.
func (s *snapshot) group(name string) (*group, error) {
	g, ok := s.groups[name]
	if !ok {
		return nil, awsapi.Errorf(codeNotFound, "The specified log group does not exist: %s", name)
	}
	return g, nil
}

// snapshot reads the run directory's log groups as they are now: the
// run keeps writing, so every call reads them afresh (a file whose size
// and modification time have not changed is not read again).
func (l *Logs) snapshot() (*snapshot, error) {
	s := &snapshot{groups: map[string]*group{}}
	for _, name := range l.cfg.LogGroups {
		s.groups[name] = &group{name: name, streams: map[string]*stream{}}
	}
	files, err := filepath.Glob(filepath.Join(l.cfg.RunDir, "cloudwatch", "*.jsonl"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		evs, err := l.files.read(f)
		if err != nil {
			return nil, awsapi.Errorf(codeUnavailable, "could not read the log group file: %v", err)
		}
		for _, e := range evs {
			s.add(e)
		}
	}
	for _, g := range s.groups {
		slices.SortStableFunc(g.events, compareEvents)
		for _, st := range g.streams {
			slices.SortStableFunc(st.events, compareEvents)
		}
	}
	return s, nil
}

func compareEvents(a, b *event) int {
	switch {
	case a.before(b):
		return -1
	case b.before(a):
		return 1
	}
	return 0
}

func (s *snapshot) add(e *event) {
	g := s.groups[e.LogGroup]
	if g == nil {
		g = &group{name: e.LogGroup, streams: map[string]*stream{}}
		s.groups[e.LogGroup] = g
	}
	g.events = append(g.events, e)
	g.bytes += int64(len(e.Message))
	st := g.streams[e.LogStream]
	if st == nil {
		st = &stream{name: e.LogStream}
		g.streams[e.LogStream] = st
	}
	st.events = append(st.events, e)
}

// fileCache keeps each group file's events while the file is unchanged.
type fileCache struct {
	mu    sync.Mutex
	files map[string]cachedFile
}

type cachedFile struct {
	size   int64
	mod    time.Time
	events []*event
}

func newFileCache() *fileCache { return &fileCache{files: map[string]cachedFile{}} }

func (c *fileCache) read(name string) ([]*event, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cached, ok := c.files[name]
	c.mu.Unlock()
	if ok && cached.size == st.Size() && cached.mod.Equal(st.ModTime()) {
		return cached.events, nil
	}
	evs, err := readGroupFile(name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.files[name] = cachedFile{size: st.Size(), mod: st.ModTime(), events: evs}
	c.mu.Unlock()
	return evs, nil
}

// readGroupFile reads a group file's complete lines: the stack may be
// writing its last one.
func readGroupFile(name string) ([]*event, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	fallback := groupOfFile(name)
	var out []*event
	err = insights.ReadEvents(bytes.NewReader(b), name, fallback, func(ev *insights.Event) bool {
		out = append(out, &event{Event: ev, seq: len(out) + 1})
		return true
	})
	return out, err
}

// groupOfFile is the group of a file's events that lack logGroupName
// (the stack always writes it): the inverse of emulator.GroupFile for
// Lambda's /aws/lambda/<function>.
func groupOfFile(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), ".jsonl")
	if rest, ok := strings.CutPrefix(base, "aws-lambda-"); ok {
		return "/aws/lambda/" + rest
	}
	return "/" + base
}
