package validate

import "fmt"

// maxExplorerMetrics is the metrics of a metrics explorer widget: "1–100".
const maxExplorerMetrics = 100

// explorerNamespaces maps the resource types whose metrics the stack has
// to their namespaces; an explorer widget on any other type shows nothing
// of ours.
var explorerNamespaces = map[string]string{
	"AWS::Lambda::Function": "AWS/Lambda",
	"AWS::SQS::Queue":       "AWS/SQS",
	"AWS::Events::Rule":     "AWS/Events",
	"AWS::Logs::LogGroup":   "AWS/Logs",
}

// explorerWidget checks a metrics explorer widget.
func (c *checker) explorerWidget(props *node, path string) {
	c.fields(props, path, "an explorer widget", "aggregateBy", "labels", "metrics", "period", "splitBy", "title", "widgetOptions")
	c.str(props, path, "title", false)
	c.str(props, path, "splitBy", false)
	c.statAndPeriod(props, path)
	c.aggregateBy(props, path)
	c.explorerLabels(props, path)
	c.widgetOptions(props, path)
	ms, mp := child(props, path, "metrics")
	if ms == nil {
		c.errorf(props, mp, "metrics is required")
		return
	}
	if !c.is(ms, mp, kindArray, "metrics") {
		return
	}
	if n := len(ms.items); n == 0 || n > maxExplorerMetrics {
		c.errorf(ms, mp, "%d metrics: an explorer widget has 1 to %d", n, maxExplorerMetrics)
	}
	first := ""
	for i, m := range ms.items {
		first = c.explorerMetric(m, fmt.Sprintf("%s/%d", mp, i), first)
	}
}

// explorerMetric checks {metricName, resourceType, stat}; every metric has
// the first one's resourceType. It returns the resourceType to compare to.
func (c *checker) explorerMetric(m *node, path, first string) string {
	if !c.is(m, path, kindObject, "an explorer metric") {
		return first
	}
	c.fields(m, path, "an explorer metric", "metricName", "resourceType", "stat")
	c.statAndPeriod(m, path)
	name, _ := c.str(m, path, "metricName", true)
	typ, ok := c.str(m, path, "resourceType", true)
	if !ok {
		return first
	}
	n, p := child(m, path, "resourceType")
	ns, known := explorerNamespaces[typ]
	switch {
	case first != "" && typ != first:
		c.errorf(n, p, "resourceType %s differs from the first metric's %s: a widget has one", typ, first)
	case !known || c.k.Metrics[ns] == nil:
		c.errorf(n, p, "resourceType %s: the stack publishes no metrics for it", typ)
	case name != "" && c.k.Metrics[ns][name] == nil:
		c.errorf(m, path, "metric %s/%s is not in the catalogue%s", ns, name, didYouMean(name, keys(c.k.Metrics[ns])))
	}
	if first == "" {
		return typ
	}
	return first
}

func (c *checker) aggregateBy(props *node, path string) {
	a, ap := child(props, path, "aggregateBy")
	if a == nil || !c.is(a, ap, kindObject, "aggregateBy") {
		return
	}
	c.fields(a, ap, "aggregateBy", "key", "func")
	c.str(a, ap, "key", true)
	c.enum(a, ap, "func", "AVG", "MIN", "MAX", "STDDEV", "SUM")
}

// explorerLabels checks labels, the required tag or property filters.
func (c *checker) explorerLabels(props *node, path string) {
	ls, lp := child(props, path, "labels")
	if ls == nil {
		c.errorf(props, lp, "labels is required: the tags or properties that pick the resources")
		return
	}
	if !c.is(ls, lp, kindArray, "labels") {
		return
	}
	for i, l := range ls.items {
		ip := fmt.Sprintf("%s/%d", lp, i)
		if c.is(l, ip, kindObject, "a label") {
			c.fields(l, ip, "a label", "key", "value")
			c.str(l, ip, "key", true)
			c.str(l, ip, "value", false)
		}
	}
}

func (c *checker) widgetOptions(props *node, path string) {
	o, op := child(props, path, "widgetOptions")
	if o == nil || !c.is(o, op, kindObject, "widgetOptions") {
		return
	}
	c.fields(o, op, "widgetOptions", "legend", "rowsPerPage", "stacked", "view", "widgetsPerRow")
	c.legend(o, op)
	c.boolean(o, op, "stacked")
	c.enum(o, op, "view", "timeSeries", "bar", "pie")
	for _, key := range []string{"rowsPerPage", "widgetsPerRow"} {
		if v, _, ok := c.integer(o, op, key); ok && v < 1 {
			c.errorf(o.get(key), op+"/"+key, "%s must be 1 or more", key)
		}
	}
}
