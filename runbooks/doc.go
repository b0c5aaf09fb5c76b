// Package runbooks holds one markdown runbook per alarm and incident
// type; its tests check them against the alarms, the saved queries, the
// CLI and the incident catalogue, docs/INCIDENTS.md (which they also check
// against the alarms, queries and chaos scenarios, both ways). The tests
// with the build tag external execute every runbook's sh steps on the
// local AWS endpoint running the incident's chaos scenario.
package runbooks
