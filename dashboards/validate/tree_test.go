package validate

import (
	"strings"
	"testing"
)

func TestRawCursorFollowsEscapes(t *testing.T) {
	body := []byte(`{"q": "a\n\"b\" \u00e9\ud83d\ude00 xyz"}`)
	root, _, err := parse(body)
	if err != nil {
		t.Fatal(err)
	}
	q := root.get("q")
	xyz, rawXYZ := strings.Index(q.str, "xyz"), strings.Index(string(body), "xyz")
	rc := newRawCursor(body, q.off)
	for _, tc := range []struct{ i, want int }{
		{xyz, rawXYZ},
		{1, q.off + 2}, // the \n, after a later index
		{xyz, rawXYZ},
	} {
		if got := rc.offset(tc.i); got != tc.want {
			t.Errorf("raw offset of %d: %d, want %d", tc.i, got, tc.want)
		}
	}
}

func TestParseKeepsPositionsAndOrder(t *testing.T) {
	body := []byte("{\n \"b\": [1, {\"c\": null}],\n \"a\": true\n}")
	root, _, err := parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if root.members[0].key != "b" || root.members[1].key != "a" {
		t.Errorf("members out of file order: %+v", root.members)
	}
	c := root.get("b").items[1].get("c")
	if line, col := lineCol(body, c.off); line != 2 || col != 17 || c.kind != kindNull {
		t.Errorf("c at %d:%d (%v), want 2:17 null", line, col, c.kind)
	}
}

func TestParseBoundsNesting(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	if _, _, err := parse([]byte(`{"a":` + deep + "}")); err == nil || !strings.Contains(err.Error(), "nests more than") {
		t.Errorf("got %v, want a nesting error", err)
	}
}

// lineCol positions off in body.
func lineCol(body []byte, off int) (line, col int) { return position(lineStarts(body), off) }
