package metricdata_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/metricdata"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	localcw "github.com/alchemiser/alchemiser/localaws/cloudwatch"
	"github.com/alchemiser/alchemiser/topology"
)

// A month of one workflow a trading day, one failed, read over the
// GetMetricData protocol from the local CloudWatch endpoint: 20 good of
// 21 workflows; the latency SLO (TC and SampleCount of a histogram) and
// the platform's AsyncEventsDropped by function name as well.
func TestValuesOverGetMetricData(t *testing.T) {
	dir := t.TempDir()
	day := time.Date(2026, 11, 2, 14, 36, 0, 0, time.UTC)
	var lines string
	line := func(at time.Time, ns, name, value string, dims ...string) {
		keys, vals := "", ""
		for i := 0; i < len(dims); i += 2 {
			keys += fmt.Sprintf("%q,", dims[i])
			vals += fmt.Sprintf("%q:%q,", dims[i], dims[i+1])
		}
		lines += fmt.Sprintf(`{"_aws":{"Timestamp":%d,"CloudWatchMetrics":[{"Namespace":%q,"Dimensions":[[%s]],"Metrics":[{"Name":%q}]}]},%s%q:%s}`+"\n",
			at.UnixMilli(), ns, keys[:len(keys)-1], name, vals, name, value)
	}
	for i := range 21 {
		at := day.AddDate(0, 0, i)
		if i == 7 {
			line(at, "Alchemiser", "WorkflowsFailed", "1", "service", "alchemiser")
			continue
		}
		line(at, "Alchemiser", "WorkflowsCompleted", "1", "service", "alchemiser")
		ms := "60000"
		if i == 9 {
			ms = "180000" // over the 120 s threshold
		}
		line(at, "Alchemiser", "WorkflowDuration", `{"Values":[`+ms+`],"Counts":[1]}`, "service", "alchemiser", "function", "notifications", "status", "completed")
		line(at, "Alchemiser", "EventsPublished", "5", "service", "alchemiser")
	}
	line(day.AddDate(0, 0, 3), "AWS/Lambda", "AsyncEventsDropped", "1", "FunctionName", "alchemiser-portfolio")
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "logs", "eventbridge.log"), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	end := day.AddDate(0, 0, 21)
	cw, err := localcw.New(localcw.Config{RunDir: dir, Now: func() time.Time { return end }})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{cw.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client := cloudwatch.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	spec, err := alarms.DefaultSpec(nil)
	if err != nil {
		t.Fatal(err)
	}
	read := metricdata.Values(client, func(expr string) (string, error) {
		return "alchemiser-" + topology.FunctionName(strings.TrimPrefix(expr, "!Ref ")), nil
	})
	want := map[string][2]float64{"workflow-success": {20, 21}, "workflow-latency": {19, 20}, "order-success": {0, 0}, "event-delivery": {99, 100}}
	for i := range spec.SLOs {
		s := &spec.SLOs[i]
		good, total, err := spec.Events(context.Background(), s, end.Add(-s.PeriodDuration()), end, read)
		if err != nil {
			t.Fatal(err)
		}
		if w := want[s.Name]; good != w[0] || total != w[1] {
			t.Errorf("%s: %g good of %g, want %g of %g", s.Name, good, total, w[0], w[1])
		}
	}
}
