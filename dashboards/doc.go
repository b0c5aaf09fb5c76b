// Package dashboards defines the stack's CloudWatch dashboards as typed Go:
// the operations overview (the incident alarms and the symptom alarms
// they combine; SLO status, burn rates and error budget left;
// the workflow; events and dead-letter queues; functions; the broker;
// orders; log bytes per workflow) and the investigation dashboard (every
// saved query as a log widget, every alarm's state, a function picker, a
// stage variable, and the latest workflows). A saved query's required
// parameter (workflow-steps' and workflow-trace's correlation_id) is a
// dashboard input variable whose pattern (__CORRELATION_ID__) stands in
// the query: its widget is empty until an id is pasted from the latest
// workflows, not for good. The functions are template.yaml's
// (Spec.Functions).
//
// `make generate` writes each body to dashboards/<name>.json (with the
// CloudFormation references ${AWS::Region}, ${AWS::AccountId},
// ${AWS::StackName}, ${AWS::Partition} and ${RunbookBaseUrl} left in) and into template.yaml
// as AWS::CloudWatch::Dashboard resources whose DashboardBody is a !Sub:
// there every other "${" (CloudWatch's dynamic labels such as ${SUM}) is
// written "${!", which !Sub turns back into a literal "${". A test fails on
// drift. `alchemiser dashboard validate` checks the bodies against the
// metric catalogue, the saved queries and the template's alarms;
// `alchemiser dashboard render` previews them from a local run.
package dashboards

//go:generate go run ./internal/gendashboards ../alarms/slos.yaml ../template.yaml .
