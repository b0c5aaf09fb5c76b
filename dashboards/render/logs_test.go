package render

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSplitSources(t *testing.T) {
	groups, rest, err := splitSources(` SOURCE '/aws/lambda/a' | source "/aws/lambda/b"|fields @message | filter x = 'SOURCE'`)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(groups, []string{"/aws/lambda/a", "/aws/lambda/b"}) || rest != `fields @message | filter x = 'SOURCE'` {
		t.Errorf("groups %q, rest %q", groups, rest)
	}
	if g, rest, _ := splitSources("fields @message"); g != nil || rest != "fields @message" {
		t.Errorf("no SOURCE: %q %q", g, rest)
	}
	for _, bad := range []string{"SOURCE logGroups(namePrefix: ['/aws'])", "SOURCE '/aws/x | fields a"} {
		if _, _, err := splitSources(bad); err == nil {
			t.Errorf("%q splits", bad)
		}
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

func FuzzSplitSources(f *testing.F) {
	f.Add("SOURCE 'a' | SOURCE \"b\" | fields x")
	f.Add("SOURCE '")
	f.Fuzz(func(t *testing.T, q string) {
		groups, rest, err := splitSources(q)
		if err != nil {
			return
		}
		for _, g := range groups {
			if strings.ContainsAny(g, `'"`) && !strings.Contains(q, g) {
				t.Fatalf("group %q is not in %q", g, q)
			}
		}
		if len(rest) > len(q) {
			t.Fatalf("rest %q is longer than the query", rest)
		}
	})
}
