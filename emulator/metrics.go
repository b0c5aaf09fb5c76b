package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// metric writes one CloudWatch EMF line for a metric AWS itself would
// publish (AWS/Events for rules, AWS/Lambda for functions), so the run's
// metrics include the platform's and alarms can be evaluated on them.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
func (e *EventBridge) metric(namespace, name, dimKey, dimValue string) {
	e.metricValue(namespace, name, "Count", dimKey, dimValue, 1)
}

func (e *EventBridge) metricValue(namespace, name, unit, dimKey, dimValue string, value float64) {
	if e.metrics == nil {
		return
	}
	q := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	// _aws first, as the telemetry layer's EMF lines have it.
	line := fmt.Sprintf(`{"_aws":{"Timestamp":%d,"CloudWatchMetrics":[{"Namespace":%s,"Dimensions":[[%s]],`+
		`"Metrics":[{"Name":%s,"Unit":%s}]}]},%s:%s,%s:%s,"level":"INFO"}`,
		e.clock.Now().UnixMilli(), q(namespace), q(dimKey), q(name), q(unit), q(dimKey), q(dimValue), q(name), strconv.FormatFloat(value, 'f', -1, 64))
	e.metricsMu.Lock()
	defer e.metricsMu.Unlock()
	_, _ = io.WriteString(e.metrics, line+"\n")
}

// queueDepth publishes a queue's depth as SQS's
// ApproximateNumberOfMessagesVisible (messages are never consumed locally).
func (e *EventBridge) queueDepth(id string) {
	name := id
	if q, ok := e.top.Queues[id]; ok {
		name = q.Name
	}
	e.metricValue("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Count", "QueueName", name, float64(len(e.queues.Messages(id))))
}
