package insights

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// RunDirEvents reads the log groups of a local stack's run directory
// (DIR/cloudwatch/*.jsonl, one file per group) and yields the events of
// the groups that MatchGroup accepts, until yield returns false.
func RunDirEvents(dir string, groups []string, yield func(*Event) bool) error {
	files, err := filepath.Glob(filepath.Join(dir, "cloudwatch", "*.jsonl"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("%s has no cloudwatch/*.jsonl log groups: is it a run directory?", dir)
	}
	for _, name := range files {
		stop, err := readGroupFile(name, "", groups, ReadEvents, yield)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// FileEvents reads one file of log events, in any form ReadLogEvents
// reads (a run directory's log group, events exported from AWS as JSON
// Lines, or the document aws logs filter-log-events or get-log-events
// prints), and yields those of the groups MatchGroup accepts, until yield
// returns false.
//
// An event that names no log group (those documents never do: the
// request named it) is in group, a log group name or ARN; with group
// empty its group is unknown, and MatchGroup lets it through whatever the
// groups wanted.
func FileEvents(name, group string, groups []string, yield func(*Event) bool) error {
	_, err := readGroupFile(name, groupName(group), groups, ReadLogEvents, yield)
	return err
}

type eventReader func(r io.Reader, name, group string, yield func(*Event) bool) error

func readGroupFile(name, group string, groups []string, read eventReader, yield func(*Event) bool) (stop bool, err error) {
	f, err := os.Open(name)
	if err != nil {
		return false, fmt.Errorf("could not read log group: %w", err)
	}
	defer f.Close()
	err = read(f, name, group, func(ev *Event) bool {
		if !MatchGroup(ev.LogGroup, groups) {
			return true
		}
		stop = !yield(ev)
		return !stop
	})
	return stop, err
}
