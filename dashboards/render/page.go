package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
)

// DefaultDashboards are the stack's dashboards, relative to the
// repository root.
var DefaultDashboards = []string{"dashboards/operations.json", "dashboards/investigation.json"}

// Config is what New renders.
type Config struct {
	RunDir     string      // a run directory of the local stack; required
	Dashboards []Dashboard // at least one, one section each, in order
	// Spec is the SLO spec whose generated alarms (symptoms, burn-rate
	// alarms, composites) alarm widgets show; nil: their state is shown
	// as not evaluated.
	Spec *alarms.Spec
	// Template resolves the bodies' ${Parameter} placeholders (at their
	// defaults) and the alarms' !Ref dimensions; template.yaml when nil.
	Template []byte
	// The pseudo parameters ${AWS::StackName}, ${AWS::Region} and
	// ${AWS::AccountId}; the local stack's when empty.
	StackName, Region, AccountID string
	MinPoints                    int    // DefaultMinPoints when zero
	Title                        string // "Dashboards preview" when empty
}

func (c Config) withDefaults() Config {
	if len(c.Template) == 0 {
		c.Template = alchemiser.Template
	}
	if c.StackName == "" {
		c.StackName = DefaultStackName
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	if c.MinPoints <= 0 {
		c.MinPoints = DefaultMinPoints
	}
	if c.Title == "" {
		c.Title = "Dashboards preview"
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.RunDir == "":
		return errors.New("no run directory")
	case len(c.Dashboards) == 0:
		return errors.New("no dashboard to render")
	}
	return nil
}

// New reads the run and computes every widget of the dashboards.
func New(cfg Config) (*Page, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("could not render: %w", err)
	}
	st, err := newStack(cfg.Template, cfg.StackName, cfg.Region, cfg.AccountID)
	if err != nil {
		return nil, err
	}
	r, err := loadRun(cfg.RunDir, cfg.Spec, st.resolve)
	if err != nil {
		return nil, err
	}
	b := &builder{cfg: cfg, run: r, stack: st}
	p := b.page()
	for _, d := range cfg.Dashboards {
		s, err := b.section(d)
		if err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", d.Name, err)
		}
		p.Sections = append(p.Sections, s)
	}
	return p, nil
}

// builder computes widgets from one run.
type builder struct {
	cfg   Config
	run   *run
	stack *stack
	next  int // the last widget index given
}

func (b *builder) page() *Page {
	r := b.run
	p := &Page{Title: b.cfg.Title, RunDir: r.dir, Start: r.start, End: r.end, MetricPoints: len(r.metrics),
		LogEvents: len(r.events), MinPoints: b.cfg.MinPoints, AlarmsFrom: r.evalFrom, AlarmsTo: r.evalTo}
	switch {
	case r.start.IsZero():
		p.Notes = append(p.Notes, "the run recorded no log event and no metric: every widget has no data")
	case b.cfg.Spec == nil:
		p.Notes = append(p.Notes, "no SLO spec: alarm states are not evaluated")
	case r.stateErr != nil:
		p.Notes = append(p.Notes, "alarm states are not evaluated: "+r.stateErr.Error())
	}
	return p
}

func (b *builder) section(d Dashboard) (*Section, error) {
	body, props, err := parseBody(d.Body, b.stack.subst)
	if err != nil {
		return nil, err
	}
	s := &Section{Name: d.Name}
	if body.Start != "" || body.End != "" {
		s.Notes = append(s.Notes, fmt.Sprintf("the body's time range (start %q) is replaced by the run's", body.Start))
	}
	ws := append([]widgetJSON(nil), body.Widgets...)
	// Grid order (top to bottom, left to right) is reading order.
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Y < ws[j].Y || ws[i].Y == ws[j].Y && ws[i].X < ws[j].X })
	for _, wj := range ws {
		w := b.widget(wj, props)
		s.Rows = max(s.Rows, w.Y+w.Height)
		s.Widgets = append(s.Widgets, w)
	}
	return s, nil
}

// Default widget sizes, CloudWatch's.
const (
	defaultWidth  = 6
	defaultHeight = 6
	gridColumns   = 24
)

func (b *builder) widget(wj widgetJSON, props map[string]string) *Widget {
	b.next++
	w := &Widget{Index: b.next, Type: wj.Type, X: max(0, min(wj.X, gridColumns-1)), Y: max(0, wj.Y),
		Width: wj.Width, Height: wj.Height}
	if w.Width <= 0 {
		w.Width = defaultWidth
	}
	if w.Height <= 0 {
		w.Height = defaultHeight
	}
	w.Width = min(w.Width, gridColumns-w.X)
	var title struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(wj.Properties, &title)
	w.Title = title.Title
	switch wj.Type {
	case "metric":
		b.metric(w, wj.Properties, props)
	case "log":
		b.log(w, wj.Properties)
	case "alarm":
		b.alarm(w, wj.Properties)
	case "text":
		b.text(w, wj.Properties)
	default:
		w.Notes = append(w.Notes, fmt.Sprintf("widget type %q is not rendered locally", wj.Type))
	}
	return w
}
