//go:build external

package cloudwatch

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/awsclitest"
)

// The AWS CLI v2.9 of Debian's awscli package (ALCHEMISER_AWS_CLI names
// another), which calls CloudWatch with the query protocol, against the
// service on the handler-error run.

// cli runs aws cloudwatch with args (internal/awsclitest) and decodes its
// JSON output into out; it returns the CLI's stderr when the command
// fails.
func cli(t *testing.T, url string, out any, args ...string) string {
	t.Helper()
	stdout, stderr, err := awsclitest.Run(t, url, append([]string{"cloudwatch"}, args...)...)
	if err != nil {
		if strings.Contains(stderr, "InvalidAction") {
			t.Skip("the query protocol is not served yet (emulator/awsapi): ", stderr)
		}
		return stderr
	}
	if out != nil {
		if err := json.Unmarshal([]byte(stdout), out); err != nil {
			t.Fatalf("aws cloudwatch %v: %v\n%s", args, err, stdout)
		}
	}
	return ""
}

func TestAWSCLI(t *testing.T) {
	dir := handlerErrorRun(t)
	created := firstMetric(t, dir).Truncate(time.Minute)
	clk := &clock{t: created.Add(2 * time.Minute)}
	cw, err := New(Config{RunDir: dir, Now: clk.Now, Created: created})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{cw.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	var alarms struct {
		MetricAlarms []struct {
			AlarmName, StateValue, StateReason string
			Dimensions                         []struct{ Name, Value string }
		}
		CompositeAlarms []struct{ AlarmName, AlarmRule string }
	}
	if msg := cli(t, hs.URL, &alarms, "describe-alarms", "--alarm-names", "alchemiser-handler-error"); msg != "" {
		t.Fatal(msg)
	}
	if len(alarms.MetricAlarms) != 1 || alarms.MetricAlarms[0].StateValue != "ALARM" || len(alarms.MetricAlarms[0].Dimensions) != 0 {
		t.Errorf("describe-alarms: %+v", alarms)
	}
	// The CLI pages through every alarm (page size 7 forces many pages).
	alarms.MetricAlarms, alarms.CompositeAlarms = nil, nil
	if msg := cli(t, hs.URL, &alarms, "describe-alarms", "--alarm-types", "MetricAlarm", "CompositeAlarm", "--page-size", "7"); msg != "" {
		t.Fatal(msg)
	}
	metric, composite := templateAlarms(t, burnRateStack(t, "off"))
	if len(alarms.MetricAlarms) != len(metric) || len(alarms.CompositeAlarms) != len(composite) {
		t.Errorf("describe-alarms: %d metric, %d composite alarms; the template has %d and %d",
			len(alarms.MetricAlarms), len(alarms.CompositeAlarms), len(metric), len(composite))
	}

	clk.Set(created.Add(40 * time.Minute))
	var hist struct {
		AlarmHistoryItems []struct{ HistorySummary, HistoryData string }
	}
	if msg := cli(t, hs.URL, &hist, "describe-alarm-history", "--alarm-name", "alchemiser-handler-error", "--history-item-type", "StateUpdate"); msg != "" {
		t.Fatal(msg)
	}
	if len(hist.AlarmHistoryItems) != 2 || hist.AlarmHistoryItems[0].HistorySummary != "Alarm updated from ALARM to OK" {
		t.Errorf("history: %+v", hist)
	}

	var metrics struct {
		Metrics []struct{ Namespace, MetricName string }
	}
	if msg := cli(t, hs.URL, &metrics, "list-metrics", "--namespace", "AWS/Lambda", "--metric-name", "Errors"); msg != "" {
		t.Fatal(msg)
	}
	if len(metrics.Metrics) == 0 {
		t.Error("list-metrics: no AWS/Lambda Errors")
	}

	var data struct {
		MetricDataResults []struct {
			Id         string
			Values     []float64
			StatusCode string
		}
	}
	queries := `[{"Id":"errors","MetricStat":{"Metric":{"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"alchemiser-portfolio"}]},"Period":60,"Stat":"Sum"}},` +
		`{"Id":"twice","Expression":"errors * 2"}]`
	if msg := cli(t, hs.URL, &data, "get-metric-data", "--metric-data-queries", queries,
		"--start-time", created.Add(-time.Hour).Format(time.RFC3339), "--end-time", created.Add(time.Hour).Format(time.RFC3339)); msg != "" {
		t.Fatal(msg)
	}
	if len(data.MetricDataResults) != 2 || len(data.MetricDataResults[0].Values) == 0 ||
		data.MetricDataResults[1].Values[0] != 2*data.MetricDataResults[0].Values[0] {
		t.Errorf("get-metric-data: %+v", data)
	}

	var list struct {
		DashboardEntries []struct{ DashboardName string }
	}
	if msg := cli(t, hs.URL, &list, "list-dashboards"); msg != "" || len(list.DashboardEntries) != 2 {
		t.Errorf("list-dashboards: %s %+v", msg, list)
	}
	var dash struct{ DashboardBody string }
	if msg := cli(t, hs.URL, &dash, "get-dashboard", "--dashboard-name", "Alchemiser-alchemiser"); msg != "" || !json.Valid([]byte(dash.DashboardBody)) {
		t.Errorf("get-dashboard: %s", msg)
	}
	if msg := cli(t, hs.URL, nil, "get-dashboard", "--dashboard-name", "nope"); !strings.Contains(msg, "ResourceNotFound") {
		t.Errorf("get-dashboard of an unknown name: %q", msg)
	}
}
