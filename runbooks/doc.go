// Package runbooks holds one markdown runbook per alarm and incident
// type; its test checks them against the alarms, the saved queries and
// the CLI.
package runbooks
