package cwalarm

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// timeline reads one character a minute: A is ALARM, O is OK, I is
// INSUFFICIENT_DATA.
func timeline(t0 time.Time, s string) []Sample {
	out := make([]Sample, 0, len(s))
	for i, c := range s {
		st := map[rune]State{'A': Alarm, 'O': OK, 'I': InsufficientData}[c]
		out = append(out, Sample{At: t0.Add(time.Duration(i) * time.Minute), State: st})
	}
	return out
}

// runs writes actions as "STATE@changed>at" in minutes from t0.
func runs(t0 time.Time, as []Action) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, string(a.State[:1])+"@"+strconv.Itoa(int(a.Changed.Sub(t0)/time.Minute))+">"+strconv.Itoa(int(a.At.Sub(t0)/time.Minute)))
	}
	return strings.Join(parts, " ")
}

func TestActionsUnderSuppression(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	sup := &Suppressor{Alarm: "page", Wait: 3 * time.Minute, Extension: 5 * time.Minute}
	for _, tc := range []struct {
		name, alarm, suppressor string
		sup                     *Suppressor
		want                    string
	}{
		{"no suppressor: every change runs when it happens", "OOAAAOOAAO", "OOOOOOOOOO", nil, "A@2>2 O@5>5 A@7>7 O@9>9"},
		{"the first OK of an evaluation from scratch is no news", "IIOOAAO", "OOOOOOO", nil, "A@4>4 O@6>6"},
		{"a change with a quiet suppressor runs when the wait period ends", "OAAAAAAAAAAAAAAA", "OOOOOOOOOOOOOOOO", sup, "A@1>4"},
		{"a suppressor already in ALARM holds the change and its resolve", "OOAAAAOOOOOOOOOO", "OAAAAAAAOOOOOOOO", sup, ""},
		{"a suppressor entering ALARM within the wait period holds it", "OAAAAOOOOOOOOOOO", "OOOAAAAAAAOOOOOO", sup, ""},
		{"a suppressor entering ALARM after the wait period is too late", "OAAAAAAAAAOOOOOO", "OOOOOOAAAOOOOOOO", sup, "A@1>4 O@10>14"},
		{"a change still in ALARM when the extension ends runs then", "OOAAAAAAAAAAAAAAAAAAA", "OAAAAOOOOOOOOOOOOOOOO", sup, "A@2>10"},
		{"a change within the extension is held to its end", "OOOOOOOAAAAAAAAAAAAAA", "OAAAAOOOOOOOOOOOOOOOO", sup, "A@7>10"},
		{"a suppressor back in ALARM within the extension keeps holding", "OOAAAAAAAAAAAAAAAAAAAAA", "OAAAAOOOAAAOOOOOOOOOOOO", sup, "A@2>16"},
		{"held past the end of the samples: not run", "OOAAAAAA", "OAAAAAAA", sup, ""},
		{"its resolve after the ALARM ran is sent, after its own wait", "OAAAAAOOOOOOOO", "OOOOOOOOOOOOOO", sup, "A@1>4 O@6>9"},
		{"a change replaced before its wait ends never runs", "OAOOOOOOO", "OOOOOOOOO", sup, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runs(t0, Actions(timeline(t0, tc.alarm), timeline(t0, tc.suppressor), tc.sup))
			if got != tc.want {
				t.Errorf("actions %q, want %q", got, tc.want)
			}
		})
	}
}

func TestActionsKeepTheOrderOfChanges(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	as := Actions(timeline(t0, "OAAOOAAOOO"), nil, nil)
	if !slices.IsSortedFunc(as, func(a, b Action) int { return a.At.Compare(b.At) }) || len(as) != 4 {
		t.Fatalf("actions %v", as)
	}
	if as[0].Old != OK || as[1].Old != Alarm {
		t.Errorf("old states %s, %s: want OK, ALARM", as[0].Old, as[1].Old)
	}
}
