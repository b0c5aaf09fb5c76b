package insights

import (
	"fmt"
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
		stop, err := readGroupFile(name, groups, yield)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// FileEvents reads one file of log events (a run directory's log group,
// or events exported from AWS) and yields those of the groups MatchGroup
// accepts, until yield returns false.
func FileEvents(name string, groups []string, yield func(*Event) bool) error {
	_, err := readGroupFile(name, groups, yield)
	return err
}

func readGroupFile(name string, groups []string, yield func(*Event) bool) (stop bool, err error) {
	f, err := os.Open(name)
	if err != nil {
		return false, fmt.Errorf("could not read log group: %w", err)
	}
	defer f.Close()
	err = ReadEvents(f, name, "", func(ev *Event) bool {
		if !MatchGroup(ev.LogGroup, groups) {
			return true
		}
		stop = !yield(ev)
		return !stop
	})
	return stop, err
}
