package render

import (
	"slices"
	"testing"
	"time"
)

func TestSourceGroups(t *testing.T) {
	groups, rest, err := sourceGroups(` SOURCE '/aws/lambda/a' | source "/aws/lambda/b"|fields @message | filter x = 'SOURCE' `)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(groups, []string{"/aws/lambda/a", "/aws/lambda/b"}) || rest != `fields @message | filter x = 'SOURCE'` {
		t.Errorf("groups %q, rest %q", groups, rest)
	}
	if g, rest, _ := sourceGroups(" fields @message"); g != nil || rest != "fields @message" {
		t.Errorf("no SOURCE: %q %q", g, rest)
	}
	if _, _, err := sourceGroups("SOURCE '/aws/x | fields a"); err == nil || err.Error() != "query:1:8: the log group name has no closing quote" {
		t.Errorf("an unclosed group: %v", err)
	}
}

func TestRebin(t *testing.T) {
	b := &builder{cfg: Config{MinPoints: 20}, run: &run{end: time.Unix(0, 0).Add(400 * time.Millisecond), start: time.Unix(0, 0)}}
	w := &Widget{}
	if got := b.rebin(w, "stats count(*) by bin(5m), function"); got != "stats count(*) by bin(20ms), function" {
		t.Errorf("rebin: %q", got)
	}
	if w.Period.Requested != 5*time.Minute || w.Period.Used != 20*time.Millisecond {
		t.Errorf("period %+v", w.Period)
	}
	b.run.end = b.run.start.Add(10 * 24 * time.Hour)
	if got := b.rebin(&Widget{}, "stats count(*) by BIN(5m)"); got != "stats count(*) by BIN(5m)" {
		t.Errorf("a long run keeps its bin: %q", got)
	}
}
