package alarms

import "strings"

// Links are what a generated alarm's description points the on-call to:
// the runbook to follow and the saved query (package queries) to run
// first.
type Links struct {
	Runbook, Query string
}

// DescriptionLinks reads the links of an alarm description as the
// generator writes it (description and symptomProperties: "... Runbook:
// URL Query: NAME"); a link the description lacks is "".
func DescriptionLinks(description string) Links {
	return Links{Runbook: word(description, "Runbook: "), Query: word(description, "Query: ")}
}

// word is the space-delimited word after the last label in s.
func word(s, label string) string {
	i := strings.LastIndex(s, label)
	if i < 0 {
		return ""
	}
	w, _, _ := strings.Cut(s[i+len(label):], " ")
	return w
}
