package main

import (
	"slices"
	"strings"
	"testing"
)

// An alarm's saved query resolves to its deployed text over the stack's
// log groups, so the notification's Logs Insights link runs it.
func TestSavedQueriesResolveTextAndTheStacksLogGroups(t *testing.T) {
	q := savedQueries("prod")
	text, groups, ok := q("workflow-failed")
	if !ok || !strings.Contains(text, `filter message = "workflow ended" and status = "failed"`) {
		t.Fatalf("workflow-failed: ok %v, text %q", ok, text)
	}
	if !slices.Equal(groups, []string{"/aws/lambda/prod-notifications"}) {
		t.Errorf("groups %v", groups)
	}
	if _, _, ok := q("no-such-query"); ok {
		t.Error("an unknown query resolved")
	}
}
