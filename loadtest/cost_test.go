package loadtest

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// testPrices is a price table whose prices are exact in binary floating
// point, so the estimate's dollars compare with ==. Line numbers matter:
// TestParsePricesErrors edits it by line.
const testPrices = `region: us-east-1
as_of: "2026-01-02"
currency: USD
prices:
  lambda_requests:
    usd: 0.5
    per: 1000000
    unit: request
    source: https://example.com/lambda
    verified: true
  lambda_gb_seconds_arm64:
    usd: 0.25
    per: 1
    unit: GB-s
    source: https://example.com/lambda
    verified: true
  eventbridge_custom_events:
    usd: 1
    per: 1000000
    unit: event
    source: https://example.com/events
    verified: true
  logs_ingestion:
    usd: 0.5
    per: 1
    unit: GB
    source: https://example.com/logs
    verified: true
  custom_metrics:
    usd: 0.25
    per: 1
    unit: metric-month
    hours_per_month: 512
    source: https://example.com/metrics
    verified: false
    note: a test price
  dynamodb_write_request_units:
    usd: 0.25
    per: 1000000
    unit: write request unit
    source: https://example.com/dynamodb
    verified: true
  dynamodb_read_request_units:
    usd: 0.125
    per: 1000000
    unit: read request unit
    source: https://example.com/dynamodb
    verified: true
`

func parseTestPrices(t *testing.T) *Prices {
	t.Helper()
	p, err := ParsePrices("test.yaml", []byte(testPrices))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEstimateCost(t *testing.T) {
	stats := TargetStats{
		Invocations:       3_000_000,
		LambdaGBSeconds:   10,
		EventsPublished:   2_000_000,
		LogBytes:          3 << 30,
		CustomMetrics:     40,
		CustomMetricHours: 128,
		DynamoDBRequests:  4_000_000,
	}
	c := EstimateCost(stats, 4, parseTestPrices(t))
	want := []CostLine{
		{Item: "Lambda requests", Quantity: 3e6, Unit: "requests", USD: 1.5, Rate: "$0.50 per 1M requests"},
		{Item: "Lambda compute (arm64)", Quantity: 10, Unit: "GB-s", USD: 2.5, Rate: "$0.25 per GB-s"},
		{Item: "EventBridge custom events", Quantity: 2e6, Unit: "events", USD: 2, Rate: "$1.00 per 1M events"},
		{Item: "CloudWatch Logs ingestion (incl. EMF)", Quantity: 3, Unit: "GB", USD: 1.5, Rate: "$0.50 per GB"},
		{Item: "CloudWatch custom metrics", Quantity: 128, Unit: "metric-hours", USD: 0.0625,
			Rate: "$0.25 per metric-month, pro-rated by the hour (512 h a month)"},
		{Item: "DynamoDB on-demand requests", Quantity: 4e6, Unit: "write request units", USD: 1, Rate: "$0.25 per 1M write request units"},
	}
	if len(c.Lines) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(c.Lines), len(want), c.Lines)
	}
	for i, w := range want {
		got := c.Lines[i]
		if got.Item != w.Item || got.Quantity != w.Quantity || got.Unit != w.Unit || got.USD != w.USD || got.Rate != w.Rate {
			t.Errorf("line %d:\n got %+v\nwant %+v", i, got, w)
		}
		if got.Source == "" {
			t.Errorf("line %d (%s) names no source", i, got.Item)
		}
	}
	if c.TotalUSD != 8.5625 || c.PerWorkflow != 2.140625 {
		t.Errorf("total $%v, per workflow $%v; want $8.5625 and $2.140625", c.TotalUSD, c.PerWorkflow)
	}
	if c.Region != "us-east-1" || c.PricesAsOf != "2026-01-02" {
		t.Errorf("region %q as of %q", c.Region, c.PricesAsOf)
	}
	if c.Lines[4].Verified || !c.Lines[0].Verified {
		t.Error("a line does not carry its price's verified flag")
	}
	notes := strings.Join(c.Notes, "\n")
	for _, want := range []string{"Free tiers", "pro-rated by the hour", "metric-hours × $0.25 / 512 h", "custom_metrics"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the notes do not say %q:\n%s", want, notes)
		}
	}
	if strings.Contains(notes, "did not count metric-hours") {
		t.Error("the notes say the target did not count metric-hours; it did")
	}
}

func TestEstimateCostNoWorkflows(t *testing.T) {
	for _, workflows := range []int{0, -1} {
		c := EstimateCost(TargetStats{Invocations: 1_000_000}, workflows, parseTestPrices(t))
		if c.TotalUSD != 0.5 || c.PerWorkflow != 0 {
			t.Errorf("%d workflows: total %v, per workflow %v; want 0.5 and 0", workflows, c.TotalUSD, c.PerWorkflow)
		}
	}
	c := EstimateCost(TargetStats{}, 0, parseTestPrices(t))
	if c.TotalUSD != 0 || c.PerWorkflow != 0 || math.IsNaN(c.PerWorkflow) {
		t.Errorf("nothing counted: total %v, per workflow %v", c.TotalUSD, c.PerWorkflow)
	}
	if EstimateCost(TargetStats{}, 1, nil) != nil {
		t.Error("no price table gives a cost")
	}
}

// A table built in code with zero Per and HoursPerMonth still gives
// finite dollars (a NaN would make the result unwritable as JSON).
func TestEstimateCostZeroValuePrices(t *testing.T) {
	p := &Prices{Items: PriceItems{LambdaRequests: Price{USD: 2}, CustomMetrics: Price{USD: 0.3}}}
	c := EstimateCost(TargetStats{Invocations: 3, CustomMetrics: 730}, 1, p)
	if c.Lines[0].USD != 6 || math.Abs(c.Lines[4].USD-0.3) > 1e-12 || math.IsNaN(c.TotalUSD) {
		t.Errorf("lines %+v", c.Lines)
	}
}

// A target that counted distinct metrics but not metric-hours: each
// metric is billed for one hour, and the notes say so.
func TestEstimateCostMetricHoursFallback(t *testing.T) {
	c := EstimateCost(TargetStats{CustomMetrics: 64}, 1, parseTestPrices(t))
	l := c.Lines[4]
	if l.Quantity != 64 || l.USD != 0.03125 {
		t.Errorf("metrics line %+v, want 64 metric-hours for $0.03125", l)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "each of the 64 metrics is taken as billed for one hour") {
		t.Errorf("the notes do not say how metric-hours were taken:\n%s", strings.Join(c.Notes, "\n"))
	}
}

func TestPriceRate(t *testing.T) {
	for _, tc := range []struct {
		p    Price
		want string
	}{
		{Price{USD: 0.2, Per: 1e6, Unit: "request"}, "$0.20 per 1M requests"},
		{Price{USD: 0.0000133334, Per: 1, Unit: "GB-s"}, "$0.0000133334 per GB-s"},
		{Price{USD: 0.625, Per: 1e6, Unit: "write request unit"}, "$0.625 per 1M write request units"},
		{Price{USD: 0.5, Per: 1, Unit: "GB"}, "$0.50 per GB"},
		{Price{USD: 3, Per: 1000, Unit: "alarm"}, "$3.00 per 1K alarms"},
		{Price{USD: 1, Per: 250, Unit: "event"}, "$1.00 per 250 events"},
	} {
		if got := tc.p.Rate(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}

// The embedded table parses, covers us-east-1 and says where each price
// comes from; every unverified price has a note, and the report says which.
func TestDefaultPrices(t *testing.T) {
	p, err := DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	if p.Region != "us-east-1" || p.Currency != "USD" {
		t.Errorf("region %q, currency %q", p.Region, p.Currency)
	}
	for _, it := range p.items() {
		if it.price.USD <= 0 || !strings.HasPrefix(it.price.Source, "https://aws.amazon.com/") {
			t.Errorf("%s: $%v from %q", it.name, it.price.USD, it.price.Source)
		}
		if !it.price.Verified && it.price.Note == "" {
			t.Errorf("%s is unverified without a note", it.name)
		}
	}
	p.Items.LambdaRequests.USD = 99
	if fresh, _ := DefaultPrices(); fresh.Items.LambdaRequests.USD == 99 {
		t.Error("DefaultPrices shares its table with callers")
	}
	c := EstimateCost(TargetStats{Invocations: 1}, 1, defaultPricesT(t))
	if u := defaultPricesT(t).Unverified(); len(u) > 0 && !strings.Contains(c.Notes[len(c.Notes)-1], u[0]) {
		t.Errorf("the notes do not name the unverified prices: %q", c.Notes)
	}
}

func defaultPricesT(t *testing.T) *Prices {
	t.Helper()
	p, err := DefaultPrices()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The price table prices Lambda at arm64 and DynamoDB on demand: the
// template must agree.
func TestPricesMatchTemplate(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	arch := yamlPath(doc.Content[0], "Globals", "Function", "Architectures")
	if arch == nil || len(arch.Content) != 1 || arch.Content[0].Value != "arm64" {
		t.Errorf("template.yaml Globals.Function.Architectures is not [arm64]: the table's lambda_gb_seconds_arm64 price is wrong")
	}
	tables := 0
	resources := yamlPath(doc.Content[0], "Resources")
	for i := 0; i+1 < len(resources.Content); i += 2 {
		r := resources.Content[i+1]
		if typ := yamlPath(r, "Type"); typ == nil || typ.Value != "AWS::DynamoDB::Table" {
			continue
		}
		tables++
		if mode := yamlPath(r, "Properties", "BillingMode"); mode == nil || mode.Value != "PAY_PER_REQUEST" {
			t.Errorf("DynamoDB table %s is not PAY_PER_REQUEST: the on-demand prices do not apply", resources.Content[i].Value)
		}
	}
	if tables == 0 {
		t.Error("template.yaml declares no DynamoDB table")
	}
}

func yamlPath(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// editLine replaces line n (1-based) of testPrices.
func editLine(n int, text string) string {
	lines := strings.Split(testPrices, "\n")
	lines[n-1] = text
	return strings.Join(lines, "\n")
}

func TestParsePricesErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string // each must appear in the error
	}{
		{"negative price", editLine(6, "    usd: -0.5"), []string{"test.yaml:6:10: lambda_requests.usd is -0.5: a price cannot be negative"}},
		{"per zero", editLine(13, "    per: 0"), []string{"test.yaml:13:10: lambda_gb_seconds_arm64.per is 0: want the positive number"}},
		{"price not a number", editLine(18, "    usd: one dollar"), []string{`test.yaml:18:10: eventbridge_custom_events.usd "one dollar": want a number`}},
		{"price not finite", editLine(24, "    usd: .nan"), []string{`test.yaml:24:10: logs_ingestion.usd ".nan": want a finite number`}},
		{"unknown item field", editLine(8, "    unit: request\n    currency: EUR"), []string{`test.yaml:9:5: lambda_requests: unknown field "currency"`}},
		{"unknown table field", editLine(3, "currency: USD\nregoin: eu-west-1"), []string{`test.yaml:4:1: price table: unknown field "regoin"`}},
		{"unknown item", editLine(43, "  dynamodb_reads:"), []string{
			`test.yaml:43:3: prices: unknown field "dynamodb_reads"`,
			`test.yaml:4:1: prices: "dynamodb_read_request_units" is missing`}},
		{"repeated field", editLine(7, "    per: 1000000\n    per: 1"), []string{`test.yaml:8:5: lambda_requests: "per" is given twice`}},
		{"unverified without note", editLine(36, ""), []string{"test.yaml:35:15: custom_metrics: an unverified price needs a note"}},
		{"metrics without hours", editLine(33, ""), []string{"test.yaml:29:3: custom_metrics: hours_per_month is missing"}},
		{"hours elsewhere", editLine(25, "    per: 1\n    hours_per_month: 730"), []string{"test.yaml:26:5: logs_ingestion: only custom_metrics takes hours_per_month"}},
		{"bad date", editLine(2, "as_of: last week"), []string{`test.yaml:2:8: as_of "last week": want the date`}},
		{"not https", editLine(9, "    source: http://example.com"), []string{`test.yaml:9:13: lambda_requests.source "http://example.com": want the https:// address`}},
		{"verified not a bool", editLine(10, "    verified: yes please"), []string{`test.yaml:10:15: lambda_requests.verified "yes please": want true or false`}},
		{"currency", editLine(3, "currency: EUR"), []string{`test.yaml:3:11: currency "EUR": the estimate is in USD`}},
		{"missing region", editLine(1, ""), []string{`test.yaml:2:1: price table: "region" is missing`}},
		{"item not a mapping", editLine(5, "  lambda_requests: 0.2\n  x_lambda_requests:"), []string{"test.yaml:5:20: lambda_requests: want a mapping"}},
		{"not YAML", "region: [", []string{"test.yaml: yaml:"}},
		{"empty", "", []string{"test.yaml: the price table is empty"}},
		{"every problem at once", editLine(6, "    usd: -1\n    per: -1"), []string{"test.yaml:6:10: lambda_requests.usd", "test.yaml:7:10: lambda_requests.per", `test.yaml:8:5: lambda_requests: "per" is given twice`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePrices("test.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadPrices(t *testing.T) {
	path := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(path, []byte(editLine(6, "    usd: -1")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPrices(path); err == nil || !strings.Contains(err.Error(), path+":6:10:") {
		t.Errorf("LoadPrices of a bad table: %v, want an error at %s:6:10", err, path)
	}
	if _, err := LoadPrices(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadPrices of a missing file: %v, want fs.ErrNotExist", err)
	}
	p, err := LoadPrices("prices.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d := defaultPricesT(t); *p != *d {
		t.Error("prices.yaml read from disk differs from the embedded table")
	}
}

// FuzzParsePrices: any input either fails with an error or gives a table
// the estimate can use (finite, non-negative dollars).
func FuzzParsePrices(f *testing.F) {
	f.Add([]byte(testPrices))
	f.Add(pricesYAML)
	f.Add([]byte(editLine(6, "    usd: -1")))
	f.Add([]byte("prices: {lambda_requests: {usd: 1e308, per: 1e-308}}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := ParsePrices("fuzz.yaml", src)
		if err != nil {
			return
		}
		c := EstimateCost(TargetStats{Invocations: 1, LambdaGBSeconds: 1, EventsPublished: 1, LogBytes: 1, CustomMetrics: 1, DynamoDBRequests: 1}, 1, p)
		for _, l := range c.Lines {
			if l.USD < 0 || math.IsNaN(l.USD) {
				t.Errorf("%s: $%v", l.Item, l.USD)
			}
		}
	})
}
