package insights

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunDirEvents(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "cloudwatch"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, lines ...string) {
		if err := os.WriteFile(filepath.Join(dir, "cloudwatch", name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.jsonl", `{"logGroupName":"/aws/lambda/s-a","logStreamName":"x","timestamp":1,"message":"a1"}`,
		`{"logGroupName":"/aws/lambda/s-a","logStreamName":"x","timestamp":2,"message":"a2"}`)
	write("b.jsonl", `{"logGroupName":"/aws/lambda/s-b","logStreamName":"x","timestamp":3,"message":"b1"}`)
	read := func(groups []string, limit int) []string {
		var got []string
		err := RunDirEvents(dir, groups, func(ev *Event) bool {
			got = append(got, ev.Message)
			return len(got) < limit
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := strings.Join(read(nil, 10), " "); got != "a1 a2 b1" {
		t.Errorf("every group: %s", got)
	}
	if got := strings.Join(read([]string{"b"}, 10), " "); got != "b1" {
		t.Errorf("group b: %s", got)
	}
	if got := strings.Join(read(nil, 1), " "); got != "a1" {
		t.Errorf("stopped after one: %s", got)
	}
	if err := RunDirEvents(t.TempDir(), nil, func(*Event) bool { return true }); err == nil {
		t.Error("a directory without log groups reads")
	}
	write("c.jsonl", `not an event`)
	if err := RunDirEvents(dir, nil, func(*Event) bool { return true }); err == nil || !strings.Contains(err.Error(), "c.jsonl:1") {
		t.Errorf("a bad line: %v", err)
	}
}
