package events

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestRedriveMarkRoundTrips(t *testing.T) {
	for _, detail := range []string{
		`{"metadata":{"event_id":"E1","correlation_id":"C1"},"plan_id":"P"}`,
		`{"plan_id":"P","nested":{"metadata":{}},"metadata":{"event_id":"E1"}}`,
		`{ "metadata" : { "event_id" : "E1" } }`,
		`{"metadata":{}}`,
		`{"metadata":{ }}`,
	} {
		marked, ok := MarkRedriven([]byte(detail), "msg-1")
		if !ok {
			t.Fatalf("%s: not marked", detail)
		}
		var doc struct {
			Metadata struct {
				Redrive string `json:"redrive"`
				EventID string `json:"event_id"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(marked, &doc); err != nil || doc.Metadata.Redrive != "msg-1" {
			t.Errorf("%s: marked %s (%v)", detail, marked, err)
		}
		if got := Unmarked(marked); !bytes.Equal(got, []byte(detail)) {
			t.Errorf("unmarked %s, want %s", got, detail)
		}
		again, _ := MarkRedriven(marked, `msg-"2"`)
		if got := Unmarked(again); !bytes.Equal(got, []byte(detail)) {
			t.Errorf("a second redrive: unmarked %s, want %s", got, detail)
		}
	}
}

func TestOnlyAMetadataObjectIsMarked(t *testing.T) {
	for _, detail := range []string{`{"plan_id":"P"}`, `{"metadata":null}`, `[]`, `not json`} {
		if got, ok := MarkRedriven([]byte(detail), "m"); ok || string(got) != detail {
			t.Errorf("%s: marked as %s", detail, got)
		}
		if got := Unmarked([]byte(detail)); string(got) != detail {
			t.Errorf("%s: unmarked as %s", detail, got)
		}
	}
	// A redrive member the redrive did not write is the detail's own.
	own := `{"metadata":{"event_id":"E1","redrive":"x"}}`
	if got := Unmarked([]byte(own)); string(got) != own {
		t.Errorf("unmarked %s", got)
	}
}

func FuzzRedriveMark(f *testing.F) {
	f.Add([]byte(`{"metadata":{"event_id":"E1"}}`), "m")
	f.Add([]byte(`{"a":[1,{"metadata":2}],"metadata":{}}`), "")
	f.Fuzz(func(t *testing.T, detail []byte, from string) {
		marked, ok := MarkRedriven(detail, from)
		if !ok {
			return
		}
		if !json.Valid(marked) && json.Valid(Unmarked(detail)) {
			t.Fatalf("marking %q made invalid JSON %q", detail, marked)
		}
		if got, want := Unmarked(marked), Unmarked(detail); !bytes.Equal(got, want) {
			t.Fatalf("unmarked %q, want %q", got, want)
		}
	})
}
