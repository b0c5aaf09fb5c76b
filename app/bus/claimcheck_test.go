package bus

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/app/events"
)

// envelope is an EventBridge event around detail.
func envelope(detail []byte) []byte {
	return []byte(`{"version":"0","id":"x","detail-type":"WorkflowStarted","source":"alchemiser.scheduler","account":"0",` +
		`"time":"2026-11-20T14:35:00Z","region":"us-east-1","resources":[],"detail":` + string(detail) + `}`)
}

func TestClaimCheckRoundTrip(t *testing.T) {
	ctx, store := context.Background(), DirClaims{Dir: t.TempDir()}
	ev := started(1)[0]
	detail, _ := json.Marshal(ev)
	pointer, uri, err := PutClaimCheck(ctx, store, ev, detail)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(uri, "claim-checks/WorkflowStarted/"+ev.Meta().EventID+".json") ||
		!strings.Contains(string(pointer), `"claim_check"`) || !strings.Contains(string(pointer), ev.Meta().EventID) {
		t.Fatalf("uri %s, pointer %s", uri, pointer)
	}
	resolved, err := ResolveClaimCheck(ctx, store, envelope(pointer))
	if err != nil {
		t.Fatal(err)
	}
	_, back, err := events.Decode(resolved)
	if err != nil || back.Meta().EventID != ev.Meta().EventID || back.(*events.WorkflowStarted).Trigger != "manual" {
		t.Fatalf("resolved %s: %v", resolved, err)
	}
	if _, err := ResolveClaimCheck(ctx, nil, envelope(pointer)); err == nil {
		t.Error("a claim check without a store is not an error")
	}
	if got, err := ResolveClaimCheck(ctx, nil, envelope(detail)); err != nil || string(got) != string(envelope(detail)) {
		t.Errorf("an event without a claim check: %s, %v; want it unchanged", got, err)
	}
	// A stored detail that changed is refused, permanently.
	if err := os.WriteFile(filepath.FromSlash(strings.TrimPrefix(uri, "file://")), []byte(`{"tampered":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ResolveClaimCheck(ctx, store, envelope(pointer))
	var cerr *ClaimCheckError
	if !errors.As(err, &cerr) || !events.Permanent(err) {
		t.Fatalf("error %v, want a permanent ClaimCheckError", err)
	}
}
