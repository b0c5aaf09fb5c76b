package loadtest

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/internal/inputs"
	"gopkg.in/yaml.v3"
)

//go:embed prices.yaml
var pricesYAML []byte

// Prices is a price table: unit prices for one region, as of a date.
type Prices struct {
	Region   string     `yaml:"region"`
	AsOf     string     `yaml:"as_of"` // YYYY-MM-DD: when the prices were read
	Currency string     `yaml:"currency"`
	Items    PriceItems `yaml:"prices"`
}

// PriceItems are the prices the estimate uses, one per billed quantity.
type PriceItems struct {
	LambdaRequests  Price `yaml:"lambda_requests"`
	LambdaGBSeconds Price `yaml:"lambda_gb_seconds_arm64"`
	Events          Price `yaml:"eventbridge_custom_events"`
	LogsIngestion   Price `yaml:"logs_ingestion"`
	CustomMetrics   Price `yaml:"custom_metrics"`
	DynamoDBWrites  Price `yaml:"dynamodb_write_request_units"`
	DynamoDBReads   Price `yaml:"dynamodb_read_request_units"`
}

// Price is USD for Per units of Unit (e.g. 0.20 per 1000000 request).
// In a Price built in code, Per 0 means 1 and HoursPerMonth 0 means 730;
// ParsePrices requires both.
type Price struct {
	USD           float64 `yaml:"usd"`
	Per           float64 `yaml:"per"`
	Unit          string  `yaml:"unit"`
	HoursPerMonth float64 `yaml:"hours_per_month,omitempty"` // custom metrics: a metric-month's hours
	Source        string  `yaml:"source"`
	Verified      bool    `yaml:"verified"` // read on AWS's own pricing page
	Note          string  `yaml:"note,omitempty"`
}

// Rate is the price as people write it: "$0.20 per 1M requests".
func (p Price) Rate() string {
	if p.per() == 1 {
		return dollars(p.USD) + " per " + p.Unit
	}
	unit := p.Unit
	if !strings.HasSuffix(unit, "s") {
		unit += "s"
	}
	return dollars(p.USD) + " per " + countLabel(p.per()) + " " + unit
}

// dollars writes a price in full: cents at least ($0.20), every digit
// after ($0.0000133334).
func dollars(usd float64) string {
	if usd == math.Round(usd*100)/100 {
		return "$" + strconv.FormatFloat(usd, 'f', 2, 64)
	}
	return "$" + strconv.FormatFloat(usd, 'f', -1, 64)
}

func countLabel(n float64) string {
	switch {
	case n >= 1e6 && math.Mod(n, 1e6) == 0:
		return strconv.FormatFloat(n/1e6, 'f', -1, 64) + "M"
	case n >= 1e3 && math.Mod(n, 1e3) == 0:
		return strconv.FormatFloat(n/1e3, 'f', -1, 64) + "K"
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// bytesPerGB is the GB logs ingestion is billed in.
const bytesPerGB = 1 << 30

// EstimateCost prices what a run's target counted with a price table
// (DefaultPrices, or LoadPrices) and shares the total over workflows (the
// executor passes the workflows started; 0 gives a per-workflow cost of
// 0). It returns nil when prices is nil. It estimates the list price of
// the run alone:
//
//   - Free tiers are ignored, and so are Savings Plans and volume tiers
//     beyond the first: a load test should not look cheaper because the
//     account had free tier left.
//   - Lambda: requests, and compute in GB-s at the arm64 price (the
//     template's Globals set Architectures: [arm64]).
//   - EventBridge: custom events published; each PutEvents entry of up to
//     64 KB is one event (the target counts entries; ours are far smaller).
//   - CloudWatch Logs: bytes ingested, GB = 2^30 bytes. EMF metric values
//     are not billed per value: they are log bytes, in this line.
//   - CloudWatch custom metrics: billed per metric-month, pro-rated by the
//     hour, and only for the hours a metric receives a value. A run pays
//     metric-hours × price / hours_per_month (730). The target counts the
//     distinct (metric, clock hour) pairs (CustomMetricHours); when it did
//     not, each distinct metric is taken as billed for one hour, which
//     undercounts a run that crosses a clock hour.
//   - DynamoDB on-demand: every request is priced as one write request
//     unit. The idempotency store writes (conditional PutItem, UpdateItem,
//     DeleteItem of items under 1 KB) and reads only when a check fails,
//     and a read request unit costs less, so this is an upper bound.
//   - Not counted: SQS, SNS, Secrets Manager, SSM, log storage, data
//     transfer.
//
// The cost's Notes say the same on the report.
func EstimateCost(stats TargetStats, workflows int, prices *Prices) *Cost {
	if prices == nil {
		return nil
	}
	it := prices.Items
	c := &Cost{Region: prices.Region, PricesAsOf: prices.AsOf, Lines: []CostLine{
		priced("Lambda requests", float64(stats.Invocations), "requests", it.LambdaRequests),
		priced("Lambda compute (arm64)", stats.LambdaGBSeconds, "GB-s", it.LambdaGBSeconds),
		priced("EventBridge custom events", float64(stats.EventsPublished), "events", it.Events),
		priced("CloudWatch Logs ingestion (incl. EMF)", float64(stats.LogBytes)/bytesPerGB, "GB", it.LogsIngestion),
		metricsLine(metricHours(stats), it.CustomMetrics),
		priced("DynamoDB on-demand requests", float64(stats.DynamoDBRequests), "write request units", it.DynamoDBWrites),
	}}
	for i, stat := range costStats {
		if slices.Contains(stats.Unmeasured, stat) {
			l := &c.Lines[i]
			l.Quantity, l.USD, l.Unknown = 0, 0, true
			c.Unknown = append(c.Unknown, l.Item)
		}
	}
	for _, l := range c.Lines {
		c.TotalUSD += l.USD
	}
	if workflows > 0 {
		c.PerWorkflow = c.TotalUSD / float64(workflows)
	}
	c.Notes = costNotes(stats, prices)
	if len(c.Unknown) > 0 {
		c.Notes = append([]string{fmt.Sprintf("The cost is unknown: the target did not measure %s; the total counts only the other lines.",
			strings.Join(c.Unknown, ", "))}, c.Notes...)
	}
	return c
}

// costStats are the TargetStats (by the names TargetStats.Unmeasured
// uses) each line of EstimateCost is priced from, in line order.
var costStats = []string{StatInvocations, StatLambdaGBSeconds, StatEventsPublished, StatLogBytes, StatCustomMetrics, StatDynamoDBRequests}

func priced(item string, quantity float64, unit string, p Price) CostLine {
	return CostLine{Item: item, Quantity: quantity, Unit: unit, USD: quantity * p.USD / p.per(),
		Rate: p.Rate(), Source: p.Source, Verified: p.Verified}
}

// metricsLine prices metric-hours: a metric-month pro-rated by the hour.
func metricsLine(hours float64, p Price) CostLine {
	l := priced("CloudWatch custom metrics", hours, "metric-hours", p)
	l.USD = hours * p.USD / (p.per() * p.hoursPerMonth())
	l.Rate += fmt.Sprintf(", pro-rated by the hour (%g h a month)", p.hoursPerMonth())
	return l
}

// defaultHoursPerMonth is the month AWS's pricing examples use.
const defaultHoursPerMonth = 730

func (p Price) per() float64 {
	if p.Per <= 0 {
		return 1
	}
	return p.Per
}

func (p Price) hoursPerMonth() float64 {
	if p.HoursPerMonth <= 0 {
		return defaultHoursPerMonth
	}
	return p.HoursPerMonth
}

// metricHours are the billed metric-hours: as counted, else one hour for
// each distinct metric.
func metricHours(s TargetStats) float64 {
	if s.CustomMetricHours > 0 {
		return float64(s.CustomMetricHours)
	}
	return float64(s.CustomMetrics)
}

func costNotes(s TargetStats, p *Prices) []string {
	m := p.Items.CustomMetrics
	notes := []string{
		"Free tiers, Savings Plans and volume tiers beyond the first are ignored: on-demand list prices.",
		fmt.Sprintf("Custom metrics are billed per metric-month, pro-rated by the hour and only for hours a metric receives a value: "+
			"the run pays metric-hours × %s / %g h.", dollars(m.USD/m.per()), m.hoursPerMonth()),
		"EMF metric values are log bytes: billed in the Logs ingestion line, not per value.",
		"DynamoDB requests are priced as write request units (the idempotency store writes items under 1 KB; reads cost less): an upper bound.",
		"Not counted: SQS, SNS, Secrets Manager, SSM, log storage, data transfer.",
	}
	if s.CustomMetricHours == 0 && s.CustomMetrics > 0 {
		notes = append(notes, fmt.Sprintf("The target did not count metric-hours: each of the %d metrics is taken as billed for one hour "+
			"(a run crossing a clock hour, or longer than one, costs more).", s.CustomMetrics))
	}
	if u := p.Unverified(); len(u) > 0 {
		notes = append(notes, "Not confirmed on AWS's own pricing page (see prices.yaml): "+strings.Join(u, ", ")+".")
	}
	return notes
}

// Unverified names the items whose price was not read on AWS's own page.
func (p *Prices) Unverified() []string {
	var out []string
	for _, it := range p.items() {
		if !it.price.Verified {
			out = append(out, it.name)
		}
	}
	return out
}

type namedPrice struct {
	name  string
	price *Price
}

func (p *Prices) items() []namedPrice {
	it := &p.Items
	return []namedPrice{
		{"lambda_requests", &it.LambdaRequests},
		{"lambda_gb_seconds_arm64", &it.LambdaGBSeconds},
		{"eventbridge_custom_events", &it.Events},
		{"logs_ingestion", &it.LogsIngestion},
		{"custom_metrics", &it.CustomMetrics},
		{"dynamodb_write_request_units", &it.DynamoDBWrites},
		{"dynamodb_read_request_units", &it.DynamoDBReads},
	}
}

var defaultPrices = sync.OnceValues(func() (*Prices, error) {
	return ParsePrices("loadtest/prices.yaml", pricesYAML)
})

// DefaultPrices is the embedded price table (loadtest/prices.yaml); each
// call returns a copy.
func DefaultPrices() (*Prices, error) {
	p, err := defaultPrices()
	if err != nil {
		return nil, err
	}
	c := *p
	return &c, nil
}

// LoadPrices reads and validates a price table.
func LoadPrices(path string) (*Prices, error) {
	src, err := inputs.ReadFile(path, inputs.Config)
	if err != nil {
		return nil, fmt.Errorf("could not read the price table: %w", err)
	}
	return ParsePrices(path, src)
}

// ParsePrices parses and validates a price table. Every problem is
// reported, each as file:line:col: unknown or repeated fields, missing
// items, prices that are negative or not numbers, per <= 0, a custom
// metrics price without hours_per_month, an unverified price without a
// note.
func ParsePrices(file string, src []byte) (*Prices, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the price table is empty", file)
	}
	root := doc.Content[0]
	v := &priceChecker{file: file}
	v.table(root)
	if err := errors.Join(v.errs...); err != nil {
		return nil, err
	}
	var p Prices
	if err := root.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &p, nil
}

// priceChecker validates a price table's YAML nodes, so that every error
// names the line and column it is about.
type priceChecker struct {
	file string
	errs []error
}

// priceField is a mapping entry: its key (for positions) and value.
type priceField struct{ key, val *yaml.Node }

var (
	tableFields = []string{"region", "as_of", "currency", "prices"}
	priceFields = []string{"usd", "per", "unit", "hours_per_month", "source", "verified", "note"}
)

func (v *priceChecker) errorf(n *yaml.Node, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s:%d:%d: %s", v.file, n.Line, n.Column, fmt.Sprintf(format, args...)))
}

// fields reads a mapping: unknown and repeated keys are errors; required
// keys that are missing are errors at at.
func (v *priceChecker) fields(at, n *yaml.Node, what string, known, required []string) map[string]priceField {
	if n.Kind != yaml.MappingNode {
		v.errorf(n, "%s: want a mapping", what)
		return nil
	}
	out := map[string]priceField{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		switch _, seen := out[k.Value]; {
		case !slices.Contains(known, k.Value):
			v.errorf(k, "%s: unknown field %q (known: %s)", what, k.Value, strings.Join(known, ", "))
		case seen:
			v.errorf(k, "%s: %q is given twice", what, k.Value)
		default:
			out[k.Value] = priceField{k, val}
		}
	}
	for _, r := range required {
		if _, ok := out[r]; !ok {
			v.errorf(at, "%s: %q is missing", what, r)
		}
	}
	return out
}

func (v *priceChecker) table(root *yaml.Node) {
	f := v.fields(root, root, "price table", tableFields, tableFields)
	if x, ok := f["region"]; ok {
		v.text(x.val, "region")
	}
	if x, ok := f["as_of"]; ok {
		if _, err := time.Parse(time.DateOnly, x.val.Value); err != nil || x.val.Kind != yaml.ScalarNode {
			v.errorf(x.val, "as_of %q: want the date the prices were read, YYYY-MM-DD", x.val.Value)
		}
	}
	if x, ok := f["currency"]; ok && x.val.Value != "USD" {
		v.errorf(x.val, "currency %q: the estimate is in USD", x.val.Value)
	}
	if x, ok := f["prices"]; ok {
		v.items(x)
	}
}

func (v *priceChecker) items(prices priceField) {
	var names []string
	for _, it := range (&Prices{}).items() {
		names = append(names, it.name)
	}
	f := v.fields(prices.key, prices.val, "prices", names, names)
	for _, name := range names {
		if x, ok := f[name]; ok {
			v.price(name, x)
		}
	}
}

func (v *priceChecker) price(name string, p priceField) {
	f := v.fields(p.key, p.val, name, priceFields, []string{"usd", "per", "unit", "source", "verified"})
	if x, ok := f["usd"]; ok {
		if usd, ok := v.number(x.val, name+".usd"); ok && usd < 0 {
			v.errorf(x.val, "%s.usd is %s: a price cannot be negative", name, x.val.Value)
		}
	}
	if x, ok := f["per"]; ok {
		if per, ok := v.number(x.val, name+".per"); ok && per <= 0 {
			v.errorf(x.val, "%s.per is %s: want the positive number of units the price is for", name, x.val.Value)
		}
	}
	for _, k := range []string{"unit", "source"} {
		if x, ok := f[k]; ok {
			v.text(x.val, name+"."+k)
		}
	}
	if x, ok := f["source"]; ok && !strings.HasPrefix(x.val.Value, "https://") {
		v.errorf(x.val, "%s.source %q: want the https:// address the price was read on", name, x.val.Value)
	}
	v.hours(name, p, f)
	v.verified(name, f)
}

// hours checks hours_per_month: required by custom_metrics (a metric-month
// is pro-rated by the hour), meaningless elsewhere.
func (v *priceChecker) hours(name string, p priceField, f map[string]priceField) {
	x, ok := f["hours_per_month"]
	switch {
	case name == "custom_metrics" && !ok:
		v.errorf(p.key, "%s: hours_per_month is missing (a metric-month is pro-rated by the hour)", name)
	case name != "custom_metrics" && ok:
		v.errorf(x.key, "%s: only custom_metrics takes hours_per_month", name)
	case ok:
		if h, ok := v.number(x.val, name+".hours_per_month"); ok && h <= 0 {
			v.errorf(x.val, "%s.hours_per_month is %s: want a positive number", name, x.val.Value)
		}
	}
}

func (v *priceChecker) verified(name string, f map[string]priceField) {
	x, ok := f["verified"]
	if !ok {
		return
	}
	var verified bool
	if x.val.Kind != yaml.ScalarNode || x.val.ShortTag() != "!!bool" || x.val.Decode(&verified) != nil {
		v.errorf(x.val, "%s.verified %q: want true or false", name, x.val.Value)
		return
	}
	if n, ok := f["note"]; !verified && (!ok || strings.TrimSpace(n.val.Value) == "") {
		v.errorf(x.val, "%s: an unverified price needs a note saying where the figure was read", name)
	}
}

func (v *priceChecker) number(n *yaml.Node, what string) (float64, bool) {
	var x float64
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || n.Decode(&x) != nil {
		v.errorf(n, "%s %q: want a number", what, n.Value)
		return 0, false
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.errorf(n, "%s %q: want a finite number", what, n.Value)
		return 0, false
	}
	return x, true
}

func (v *priceChecker) text(n *yaml.Node, what string) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || strings.TrimSpace(n.Value) == "" {
		v.errorf(n, "%s: want text", what)
	}
}
