package alarms

//go:generate go run ./internal/gentemplate slos.yaml ../template.yaml

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/internal/inputs"
	"github.com/alchemiser/alchemiser/topology"
)

// Spec is alarms/slos.yaml.
type Spec struct {
	Service   string `yaml:"service"`
	Namespace string `yaml:"namespace"`
	SLOs      []SLO  `yaml:"slos"`
	// Symptoms are the symptom alarms' budgets; zero fields take the
	// defaults (LogEventsPerHour).
	Symptoms Budgets `yaml:"symptoms"`
	// Incidents declares each incident type of docs/INCIDENTS.md page,
	// ticket or dashboard: what a human receives when it happens
	// (docs/ALERTING.md says why each is what it is).
	Incidents map[string]Severity `yaml:"incidents"`
	// BurnRateAlerts says whether the deployment evaluated here has the
	// burn-rate tiers: template.yaml deploys them under the condition
	// BurnRateAlerts (parameter BurnRateAlerts, "off" by default, since at
	// one workflow a day no window reaches the minimum volume), and
	// GeneratedStates evaluates them only when this is true. A test holds
	// the parameter's default and this field together.
	BurnRateAlerts bool `yaml:"burn_rate_alerts"`
	// Functions are the functions the per-function symptom alarms and
	// metric filters watch, in template order: not part of the spec file,
	// ParseSpec fills them from the embedded template.yaml.
	Functions []topology.Function `yaml:"-"`
}

// Severity is what an incident type sends a human: a page (act now), a
// ticket (act within the working day) or nothing (dashboard only).
type Severity string

// The severities an incident type may declare.
const (
	SeverityPage      Severity = "page"
	SeverityTicket    Severity = "ticket"
	SeverityDashboard Severity = "dashboard"
)

// Budgets are the thresholds of the symptom alarms that are not "any".
type Budgets struct {
	LogEventsPerHour int `yaml:"log_events_per_hour"` // log events the stack's functions may write in an hour
}

// SLO is one service level objective. Its SLI is good/total (or
// (total-bad)/total) over catalogue metrics, or a latency threshold on a
// histogram metric.
type SLO struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Objective   float64  `yaml:"objective"` // percent
	Period      string   `yaml:"period"`    // 30d or 28d
	Good        []string `yaml:"good"`
	Bad         []string `yaml:"bad"`
	Total       []string `yaml:"total"`
	Latency     *Latency `yaml:"latency"`
	// MinimumVolume is the events a tier's long window must hold for its
	// error ratio to count: below it one bad event would be the whole
	// ratio (docs/ALERTING.md says how the numbers were chosen).
	MinimumVolume int `yaml:"minimum_volume"`
	// There is no per-SLO routing: the SLO's alarms reach PageTopic and
	// TicketTopic through the incident alarms (IncidentAlarms).
	Runbook string `yaml:"runbook"`
	Query   string `yaml:"query"`
	line    int
}

// Latency is a latency SLI: events at most ThresholdMs are good.
type Latency struct {
	Metric      string  `yaml:"metric"`
	ThresholdMs float64 `yaml:"threshold_ms"`
	// Dimensions narrow the histogram to one series besides service
	// (e.g. status: completed, so failed workflows are not counted as
	// fast ones); CloudWatch reads the dimension set exactly, so they are
	// every dimension the metric is recorded with.
	Dimensions map[string]string `yaml:"dimensions"`
}

// withDefaults fills the zero budgets with the defaults.
func (b Budgets) withDefaults() Budgets {
	b.LogEventsPerHour = cmp.Or(b.LogEventsPerHour, LogEventsPerHour)
	return b
}

// Budget is the error budget, as a fraction.
func (s *SLO) Budget() float64 { return 1 - s.Objective/100 }

// PeriodDuration is the SLO period.
func (s *SLO) PeriodDuration() time.Duration {
	d := strings.TrimSuffix(s.Period, "d")
	var n int
	fmt.Sscan(d, &n)
	return time.Duration(n) * 24 * time.Hour
}

// LoadSpec reads and validates an SLO spec. known says whether a metric
// name exists: catalogue metrics by name, platform metrics as
// "AWS/<Namespace>:<Name>".
func LoadSpec(path string, known func(metric string) bool) (*Spec, error) {
	src, err := inputs.ReadFile(path, inputs.Config)
	if err != nil {
		return nil, err
	}
	return ParseSpec(path, src, known)
}

// ParseSpec parses and validates an SLO spec; errors name file:line.
func ParseSpec(file string, src []byte, known func(string) bool) (*Spec, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var spec Spec
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	err := dec.Decode(&spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if spec.Namespace == "" {
		spec.Namespace = "Alchemiser"
	}
	if b := spec.Symptoms; b.LogEventsPerHour < 0 {
		return nil, fmt.Errorf("%s: symptoms: budgets must be positive, got %+v", file, b)
	}
	spec.Symptoms = spec.Symptoms.withDefaults()
	for _, id := range slices.Sorted(maps.Keys(spec.Incidents)) {
		switch spec.Incidents[id] {
		case SeverityPage, SeverityTicket, SeverityDashboard:
		default:
			return nil, fmt.Errorf("%s: incidents: %s: severity %q: page, ticket or dashboard", file, id, spec.Incidents[id])
		}
	}
	if spec.Functions, err = templateFunctions(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// line numbers of each SLO, for errors
	if len(node.Content) > 0 {
		for i := 0; i+1 < len(node.Content[0].Content); i += 2 {
			if node.Content[0].Content[i].Value == "slos" {
				for j, item := range node.Content[0].Content[i+1].Content {
					if j < len(spec.SLOs) {
						spec.SLOs[j].line = item.Line
					}
				}
			}
		}
	}
	seen := map[string]bool{}
	for i := range spec.SLOs {
		s := &spec.SLOs[i]
		if err := s.validate(known, &spec); err != nil {
			return nil, fmt.Errorf("%s:%d: slo %q: %w", file, s.line, s.Name, err)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%s:%d: slo %q is declared twice", file, s.line, s.Name)
		}
		seen[s.Name] = true
	}
	return &spec, nil
}

// templateFunctions are the embedded template's functions, each with the
// log group resource its alarms and metric filters name.
func templateFunctions() ([]topology.Function, error) {
	fns, err := alchemiser.Functions()
	if err != nil {
		return nil, err
	}
	for _, f := range fns {
		if f.LogGroupID == "" {
			return nil, fmt.Errorf("template.yaml: function %s logs to no log group of the template (LoggingConfig.LogGroup): its log-volume alarm and metric filters need one", f.LogicalID)
		}
	}
	return fns, nil
}

func (s *SLO) validate(known func(string) bool, spec *Spec) error {
	switch {
	case s.Name == "":
		return fmt.Errorf("needs a name")
	case s.Objective <= 0 || s.Objective >= 100:
		return fmt.Errorf("objective %v%% is out of range (0, 100)", s.Objective)
	case s.Period != "30d" && s.Period != "28d":
		return fmt.Errorf("period %q: 30d or 28d", s.Period)
	case s.Runbook == "":
		return fmt.Errorf("needs a runbook")
	}
	var metrics []string
	switch {
	case s.Latency != nil:
		if len(s.Good)+len(s.Bad)+len(s.Total) > 0 {
			return fmt.Errorf("a latency SLI takes no good, bad or total")
		}
		if s.Latency.ThresholdMs <= 0 {
			return fmt.Errorf("latency threshold_ms must be positive")
		}
		metrics = []string{s.Latency.Metric}
	case len(s.Total) == 0 || len(s.Good) > 0 == (len(s.Bad) > 0):
		return fmt.Errorf("the SLI needs total and exactly one of good or bad (or latency)")
	default:
		metrics = append(append(append(metrics, s.Good...), s.Bad...), s.Total...)
	}
	for _, m := range metrics {
		if known != nil && !known(m) {
			return fmt.Errorf("metric %q is not in the metric catalogue (platform metrics are AWS/<Namespace>:<Name>)", m)
		}
	}
	for _, t := range Tiers(s.PeriodDuration()) {
		if t.Burn*s.Budget() >= 1 {
			return fmt.Errorf("the %s/%s tier's burn rate %.4g can never fire at objective %v%%: it needs an error ratio of %.4g, above 100%%",
				fmtWindow(t.Long), fmtWindow(t.Short), t.Burn, s.Objective, t.Burn*s.Budget())
		}
	}
	page := Tiers(s.PeriodDuration())[0]
	if need := int(math.Ceil(1 / (page.Burn * s.Budget()))); s.MinimumVolume < need {
		return fmt.Errorf("minimum_volume %d lets one bad event fire the %s tier (a ratio of 1/%d over its threshold %.4g): it needs at least %d",
			s.MinimumVolume, page.Name, max(s.MinimumVolume, 1), page.Burn*s.Budget(), need)
	}
	queries := 0
	for _, m := range metrics {
		queries += len(spec.dimensionSets(m))
	}
	if s.Latency != nil {
		queries++ // the latency SLI reads its metric twice
		for k, v := range s.Latency.Dimensions {
			if k == "" || v == "" || k == "service" {
				return fmt.Errorf("latency dimension %q: %q: a name other than service and a value", k, v)
			}
		}
	}
	if queries > 9 {
		return fmt.Errorf("%d metric queries (a Lambda metric is read once per function): a metric-math alarm allows 10 entries in all", queries)
	}
	return nil
}

// Tier is one multiwindow burn-rate condition.
type Tier struct {
	Name        string // page, ticket
	Long, Short time.Duration
	Burn        float64
	Page        bool
}

// Tiers are two of the SRE Workbook's four conditions for a period, each
// spending a share of the budget within its long window: the page tier
// 2% in an hour (a burn of 14.4 at 30 days, with a 5-minute short window)
// and the ticket tier 10% in three days (a burn of 1, with a 6-hour short
// window). The workbook's 6x page (6 h / 30 min) and 3x ticket (1 d / 2 h)
// are left out to halve the alarms: a burn between 6x and 14.4x pages no
// more and tickets within hours instead; docs/ALERTING.md says what else
// that gives up.
// https://sre.google/workbook/alerting-on-slos/ (section 6, multiwindow,
// multi-burn-rate alerts)
func Tiers(period time.Duration) []Tier {
	mk := func(name string, long, short time.Duration, share float64, page bool) Tier {
		return Tier{Name: name, Long: long, Short: short, Burn: share * float64(period) / float64(long), Page: page}
	}
	return []Tier{
		mk("page", time.Hour, 5*time.Minute, 0.02, true),
		mk("ticket", 72*time.Hour, 6*time.Hour, 0.10, false),
	}
}

func fmtWindow(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return fmt.Sprintf("%dm", d/time.Minute)
}
