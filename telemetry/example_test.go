package telemetry_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/alchemiser/alchemiser/telemetry"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Init builds the telemetry of an execution environment, Wrap the Lambda
// handler; each invocation writes JSON log lines and, when it ends, EMF
// lines for its metrics. The environment and the output are injected here;
// a function reads its own and writes to stdout.
func Example() {
	env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "execution", "AWS_REGION": "us-east-1"}
	var out bytes.Buffer
	tel, err := telemetry.Init(context.Background(), nil,
		telemetry.WithEnv(func(k string) string { return env[k] }), telemetry.WithOutput(&out))
	if err != nil {
		log.Fatal(err)
	}
	h := tel.Wrap(func(ctx context.Context, event json.RawMessage) error {
		tel.Logger().InfoContext(ctx, "order placed", "symbol", "SPY")
		return nil
	})

	event := []byte(`{"version": "0", "id": "eb-1", "detail-type": "RebalancePlanned", "source": "alchemiser.portfolio",
		"detail": {"metadata": {"event_id": "E2", "correlation_id": "C1", "causation_id": "E1", "schema_version": "1.0"}}}`)
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1",
		InvokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:execution"})
	if err := telemetry.Invoke(ctx, h, event); err != nil { // lambda.Start(h) in a function
		log.Fatal(err)
	}

	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		fmt.Println(describe(sc.Bytes()))
	}
	// Output:
	// EMF Alchemiser [ColdStart] by [function service]
	// log timestamp=<time> level=INFO message=order placed requestId=req-1 service=alchemiser function=execution version=$LATEST cold_start=true trace_id=<id> span_id=<id> xray_trace_id=<id> correlation_id=C1 causation_id=E1 event_id=E2 event_type=RebalancePlanned symbol=SPY
	// EMF Alchemiser [Invocations InvocationDuration] by [event_type function service]
}

// describe prints a log line's keys in order with their values, the time
// and trace ids masked; an EMF line as its namespace, metrics and first
// dimension set.
func describe(line []byte) string {
	var emf struct {
		AWS *struct {
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name string }
			}
		} `json:"_aws"`
	}
	if err := json.Unmarshal(line, &emf); err == nil && emf.AWS != nil {
		d := emf.AWS.CloudWatchMetrics[0]
		var names []string
		for _, m := range d.Metrics {
			names = append(names, m.Name)
		}
		return fmt.Sprintf("EMF %s %v by %v", d.Namespace, names, d.Dimensions[0])
	}
	var b strings.Builder
	b.WriteString("log")
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.Token() // {
	for dec.More() {
		key, _ := dec.Token()
		var v any
		_ = dec.Decode(&v)
		switch key {
		case "timestamp":
			v = "<time>"
		case "trace_id", "span_id", "xray_trace_id":
			v = "<id>"
		}
		fmt.Fprintf(&b, " %s=%v", key, v)
	}
	return b.String()
}
