package cloudwatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/topology"
)

// canonical is a point as comparable text.
func canonical(ps []cwalarm.EMFPoint) []string {
	var out []string
	for _, p := range ps {
		b, _ := json.Marshal(p)
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// The store reads what alarms.RunMetrics reads, also when the run is
// read while it appends: the second read parses only the new lines.
func TestStoreReadsWhatRunMetricsReads(t *testing.T) {
	src := handlerErrorRun(t)
	want, err := alarms.RunMetrics(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for _, pattern := range []string{"cloudwatch/*.jsonl", "logs/eventbridge.log"} {
		m, _ := filepath.Glob(filepath.Join(src, pattern))
		files = append(files, m...)
	}
	halves := map[string][2][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cut := len(b) / 2 // mid-line: the partial line waits for its end
		rel, _ := filepath.Rel(src, f)
		halves[rel] = [2][]byte{b[:cut], b[cut:]}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(i int) {
		for rel, h := range halves {
			f, err := os.OpenFile(filepath.Join(dir, rel), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.Write(h[i])
			f.Close()
		}
	}
	s := newMetricStore(dir, "Alchemiser")
	write(0)
	first, err := s.refresh()
	if err != nil {
		t.Fatal(err)
	}
	write(1)
	second, err := s.refresh()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || len(second) == 0 {
		t.Errorf("reads of %d and %d points", len(first), len(second))
	}
	if got := canonical(s.points); !slices.Equal(got, canonical(want)) {
		t.Errorf("store has %d points, RunMetrics %d", len(got), len(want))
	}
	if again, _ := s.refresh(); len(again) != 0 {
		t.Errorf("a third read found %d points in nothing new", len(again))
	}
}

// A run of 1200 metrics (one per function_id value), for pagination.
func manyMetricsRun(t *testing.T, n int, at time.Time) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "logs", "eventbridge.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := range n {
		fmt.Fprintf(f, `{"_aws":{"Timestamp":%d,"CloudWatchMetrics":[{"Namespace":"Test","Dimensions":[["shard"]],"Metrics":[{"Name":"Hits","Unit":"Count"}]}]},"shard":"s%04d","Hits":%d}`+"\n",
			at.Add(time.Duration(i)*time.Second).UnixMilli(), i, i)
	}
	return dir
}

func TestListMetricsPagesAndFilters(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	now := at.Add(time.Hour)
	c, _ := serve(t, Config{RunDir: manyMetricsRun(t, 1200, at), Now: func() time.Time { return now }})
	ctx := context.Background()
	var all []types.Metric
	pages := 0
	p := cloudwatch.NewListMetricsPaginator(c, &cloudwatch.ListMetricsInput{Namespace: aws.String("Test")})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Metrics) > 500 {
			t.Errorf("a page of %d metrics", len(out.Metrics))
		}
		all, pages = append(all, out.Metrics...), pages+1
	}
	if len(all) != 1200 || pages != 3 {
		t.Errorf("%d metrics in %d pages", len(all), pages)
	}
	out, err := c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Dimensions: []types.DimensionFilter{{Name: aws.String("shard"), Value: aws.String("s0042")}}})
	if err != nil || len(out.Metrics) != 1 || aws.ToString(out.Metrics[0].MetricName) != "Hits" {
		t.Errorf("shard s0042: %v %+v", err, out)
	}
	out, err = c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{RecentlyActive: types.RecentlyActivePt3h, MetricName: aws.String("Misses")})
	if err != nil || len(out.Metrics) != 0 {
		t.Errorf("Misses: %v %+v", err, out)
	}
	_, err = c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{NextToken: aws.String("not-a-token")})
	var bad *types.InvalidNextToken
	if !errors.As(err, &bad) {
		t.Errorf("bad token: %v", err)
	}
}

func TestListMetricsOfARun(t *testing.T) {
	dir := handlerErrorRun(t)
	first := firstMetric(t, dir)
	clk := &clock{t: first.Add(time.Hour)}
	c, _ := serve(t, Config{RunDir: dir, Now: clk.Now, Created: first})
	ctx := context.Background()
	out, err := c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String("Errors"),
		Dimensions: []types.DimensionFilter{{Name: aws.String("FunctionName"), Value: aws.String("alchemiser-portfolio")}}})
	if err != nil || len(out.Metrics) != 1 {
		t.Fatalf("portfolio's Errors: %v %+v", err, out)
	}
	out, err = c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("Alchemiser"),
		Dimensions: []types.DimensionFilter{{Name: aws.String("service")}}})
	if err != nil || len(out.Metrics) < 2 {
		t.Fatalf("Alchemiser metrics with a service dimension: %v %d", err, len(out.Metrics))
	}
	for _, m := range out.Metrics {
		if !slices.ContainsFunc(m.Dimensions, func(d types.Dimension) bool { return aws.ToString(d.Name) == "service" }) {
			t.Errorf("%s has no service dimension: %+v", aws.ToString(m.MetricName), m.Dimensions)
		}
	}
	recent, _ := c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{RecentlyActive: types.RecentlyActivePt3h})
	clk.Set(first.Add(4 * time.Hour))
	stale, _ := c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{RecentlyActive: types.RecentlyActivePt3h})
	if len(recent.Metrics) == 0 || len(stale.Metrics) != 0 {
		t.Errorf("recently active: %d an hour after, %d four hours after", len(recent.Metrics), len(stale.Metrics))
	}
}

func TestGetMetricData(t *testing.T) {
	dir := handlerErrorRun(t)
	first := firstMetric(t, dir)
	c, _ := serve(t, Config{RunDir: dir, Now: func() time.Time { return first.Add(time.Hour) }, Created: first})
	ctx := context.Background()
	emf, _ := alarms.RunMetrics(dir)
	lambda := func(name string) cwalarm.Metric {
		return cwalarm.Metric{Namespace: "AWS/Lambda", Name: name, Dims: map[string]string{"FunctionName": "alchemiser-portfolio"}}
	}
	errs, invocations := cwalarm.Points(emf, lambda("Errors")), cwalarm.Points(emf, lambda("Invocations"))
	if len(errs) == 0 || len(invocations) == 0 {
		t.Fatalf("%d errors, %d invocations", len(errs), len(invocations))
	}
	stat := func(id, name string) types.MetricDataQuery {
		return types.MetricDataQuery{Id: aws.String(id), MetricStat: &types.MetricStat{Period: aws.Int32(60), Stat: aws.String("Sum"),
			Metric: &types.Metric{Namespace: aws.String("AWS/Lambda"), MetricName: aws.String(name),
				Dimensions: []types.Dimension{{Name: aws.String("FunctionName"), Value: aws.String("alchemiser-portfolio")}}}}}
	}
	start, end := first.Add(-10*time.Minute), first.Add(10*time.Minute)
	inv := stat("invocations", "Invocations")
	inv.ReturnData = aws.Bool(false)
	out, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end),
		MetricDataQueries: []types.MetricDataQuery{stat("errors", "Errors"), inv,
			{Id: aws.String("rate"), Expression: aws.String("100 * FILL(errors, 0) / invocations"), Label: aws.String("error rate %")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricDataResults) != 2 {
		t.Fatalf("results %+v", out.MetricDataResults)
	}
	e, rate := out.MetricDataResults[0], out.MetricDataResults[1]
	var sum float64
	for _, v := range e.Values {
		sum += v
	}
	if aws.ToString(e.Label) != "Errors" || e.StatusCode != types.StatusCodeComplete || sum != float64(len(errs)) {
		t.Errorf("errors: %+v (sum %v, %d points)", e, sum, len(errs))
	}
	if !slices.IsSortedFunc(e.Timestamps, func(a, b time.Time) int { return b.Compare(a) }) {
		t.Errorf("timestamps not newest first: %v", e.Timestamps)
	}
	if aws.ToString(rate.Label) != "error rate %" || len(rate.Values) == 0 {
		t.Errorf("rate %+v", rate)
	}
	for _, v := range rate.Values {
		if v <= 0 || v > 100 || math.IsNaN(v) {
			t.Errorf("rate value %v", v)
		}
	}
	// One data point a page, oldest first.
	var got []time.Time
	var token *string
	for i := 0; ; i++ {
		out, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end),
			ScanBy: types.ScanByTimestampAscending, MaxDatapoints: aws.Int32(1), NextToken: token,
			MetricDataQueries: []types.MetricDataQuery{stat("errors", "Errors")}})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.MetricDataResults[0].Timestamps...)
		if token = out.NextToken; token == nil {
			break
		}
		if out.MetricDataResults[0].StatusCode != types.StatusCodePartialData || i > 100 {
			t.Fatalf("page %d: %+v", i, out.MetricDataResults[0])
		}
	}
	if len(got) != len(e.Timestamps) || !slices.IsSortedFunc(got, func(a, b time.Time) int { return a.Compare(b) }) {
		t.Errorf("paged timestamps %v, all at once %v", got, e.Timestamps)
	}
	p99 := stat("p", "Duration")
	p99.MetricStat.Stat = aws.String("p99")
	out, err = c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end),
		MetricDataQueries: []types.MetricDataQuery{p99}})
	if err != nil || out.MetricDataResults[0].StatusCode != types.StatusCodeInternalError || len(out.MetricDataResults[0].Messages) != 1 {
		t.Errorf("p99: %v %+v", err, out)
	}
	for name, in := range map[string]*cloudwatch.GetMetricDataInput{
		"end before start": {StartTime: aws.Time(end), EndTime: aws.Time(start), MetricDataQueries: []types.MetricDataQuery{stat("errors", "Errors")}},
		"bad id":           {StartTime: aws.Time(start), EndTime: aws.Time(end), MetricDataQueries: []types.MetricDataQuery{stat("Errors", "Errors")}},
		"unknown ref": {StartTime: aws.Time(start), EndTime: aws.Time(end),
			MetricDataQueries: []types.MetricDataQuery{{Id: aws.String("x"), Expression: aws.String("y * 2")}}},
	} {
		if _, err := c.GetMetricData(ctx, in); errorCode(err) != "ValidationError" {
			t.Errorf("%s: %v (code %q)", name, err, errorCode(err))
		}
	}
}

func TestDashboards(t *testing.T) {
	c, _ := serve(t, Config{RunDir: t.TempDir(), Now: func() time.Time { return time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC) }})
	ctx := context.Background()
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range top.Resources {
		if r.Type == "AWS::CloudWatch::Dashboard" {
			want[r.Properties["DashboardName"].(string)] = r.Properties["DashboardBody"].(string)
		}
	}
	list, err := c.ListDashboards(ctx, &cloudwatch.ListDashboardsInput{})
	if err != nil || len(list.DashboardEntries) != len(want) || len(want) != 2 {
		t.Fatalf("dashboards %v %+v, template has %d", err, list, len(want))
	}
	for _, e := range list.DashboardEntries {
		d, err := c.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: e.DashboardName})
		if err != nil {
			t.Fatal(err)
		}
		var got, exp any
		if json.Unmarshal([]byte(aws.ToString(d.DashboardBody)), &got) != nil || json.Unmarshal([]byte(want[aws.ToString(e.DashboardName)]), &exp) != nil {
			t.Fatalf("%s: bodies are not JSON", aws.ToString(e.DashboardName))
		}
		if g, w := fmt.Sprint(got), fmt.Sprint(exp); g != w {
			t.Errorf("%s: body differs from the template's", aws.ToString(e.DashboardName))
		}
		if aws.ToInt64(e.Size) != int64(len(aws.ToString(d.DashboardBody))) ||
			aws.ToString(d.DashboardArn) != "arn:aws:cloudwatch::000000000000:dashboard/"+aws.ToString(e.DashboardName) {
			t.Errorf("entry %+v, dashboard arn %s", e, aws.ToString(d.DashboardArn))
		}
	}
	prefixed, err := c.ListDashboards(ctx, &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String("Alchemiser-alchemiser-inv")})
	if err != nil || len(prefixed.DashboardEntries) != 1 {
		t.Errorf("prefix: %v %+v", err, prefixed)
	}
	_, err = c.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String("nope")})
	var nf *types.DashboardNotFoundError
	if !errors.As(err, &nf) || errorCode(err) != "ResourceNotFound" {
		t.Errorf("unknown dashboard: %v (code %q)", err, errorCode(err))
	}
}

func TestUnknownOperation(t *testing.T) {
	c, _ := serve(t, Config{RunDir: t.TempDir()})
	_, err := c.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("X"),
		MetricData: []types.MetricDatum{{MetricName: aws.String("m"), Value: aws.Float64(1)}}})
	if errorCode(err) != "UnknownOperationException" {
		t.Errorf("PutMetricData: %v", err)
	}
}
