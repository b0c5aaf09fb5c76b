package validate

import "fmt"

// line describes one kind of annotation: horizontal lines are at a value
// (a number), vertical ones at a time (ISO 8601).
type line struct {
	key    string
	fields []string
	fills  []string
	at     func(c *checker, n *node, path string)
}

var (
	horizontal = line{key: "horizontal", fields: []string{"value", "label", "color", "fill", "visible", "yAxis"},
		fills: []string{"above", "below", "none"}, at: func(c *checker, n *node, path string) { c.number(n, path, "value") }}
	vertical = line{key: "vertical", fields: []string{"value", "label", "color", "fill", "visible"},
		fills: []string{"before", "after", "none"}, at: func(c *checker, n *node, path string) {
			if c.is(n, path, kindString, "value") {
				if _, ok := absoluteTime(n.str); !ok {
					c.errorf(n, path, "value %q is not an ISO 8601 time (2018-08-28T15:25:26Z)", n.str)
				}
			}
		}}
)

// annotations checks a metric widget's annotations and reports whether
// they hold an alarm: "A single metric widget can have up to one alarm, or
// it can have one or more horizontal or vertical annotations."
func (c *checker) annotations(props *node, path string) (hasAlarm bool) {
	a, ap := child(props, path, "annotations")
	if a == nil || !c.is(a, ap, kindObject, "annotations") {
		return false
	}
	c.fields(a, ap, "annotations", "alarms", "horizontal", "vertical")
	hasAlarm = c.annotationAlarm(a, ap)
	for _, l := range []line{horizontal, vertical} {
		c.lines(a, ap, l)
	}
	if hasAlarm && (a.get("horizontal") != nil || a.get("vertical") != nil) {
		c.errorf(a, ap, "a widget cannot have both an alarm and horizontal or vertical annotations")
	}
	return hasAlarm
}

// annotationAlarm checks annotations.alarms: at most one alarm ARN.
func (c *checker) annotationAlarm(a *node, path string) bool {
	alarms, p := child(a, path, "alarms")
	if alarms == nil || !c.is(alarms, p, kindArray, "annotations.alarms") {
		return false
	}
	if len(alarms.items) > 1 {
		c.errorf(alarms, p, "%d alarms: an alarm annotation holds at most one", len(alarms.items))
	}
	for i, arn := range alarms.items {
		c.alarmARN(arn, fmt.Sprintf("%s/%d", p, i))
	}
	return len(alarms.items) > 0
}

// lines checks the horizontal or vertical annotations: single lines, or
// bands of two linked lines (whose fill is ignored).
func (c *checker) lines(a *node, path string, l line) {
	list, lp := child(a, path, l.key)
	if list == nil || !c.is(list, lp, kindArray, l.key) {
		return
	}
	for i, item := range list.items {
		ip := fmt.Sprintf("%s/%d", lp, i)
		if item.kind != kindArray {
			c.annotation(item, ip, l, false)
			continue
		}
		if len(item.items) != 2 {
			c.errorf(item, ip, "a band annotation is two linked annotations, not %d", len(item.items))
		}
		for j, edge := range item.items {
			c.annotation(edge, fmt.Sprintf("%s/%d", ip, j), l, true)
		}
	}
}

func (c *checker) annotation(n *node, path string, l line, band bool) {
	if !c.is(n, path, kindObject, "an annotation") {
		return
	}
	c.fields(n, path, "a "+l.key+" annotation", l.fields...)
	if v, vp := child(n, path, "value"); v == nil {
		c.errorf(n, vp, "value is required")
	} else {
		l.at(c, v, vp)
	}
	c.str(n, path, "label", false)
	c.pattern(n, path, "color", false, colorRE, "an HTML colour such as #9467bd")
	c.boolean(n, path, "visible")
	c.enum(n, path, "yAxis", "left", "right")
	if band {
		c.str(n, path, "fill", false)
	} else {
		c.enum(n, path, "fill", l.fills...)
	}
}
