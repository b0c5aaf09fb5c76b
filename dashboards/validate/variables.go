package validate

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Limits of dashboard variables, from the Variables Array Structure.
const (
	maxVariableValues = 500  // "as many as 500" values
	maxValueLength    = 255  // values, labels of values, an input's default
	maxLabelLength    = 30   // the input field's label
	maxSearchLength   = 2048 // the search expression
)

var (
	variableFields = []string{"type", "property", "pattern", "inputType", "id", "label", "defaultValue", "visible",
		"values", "search", "populateFrom"}
	// variableIDRE: "up to 32 characters, and valid characters are 0-9A-Za-z-_".
	variableIDRE = regexp.MustCompile(`^[0-9A-Za-z_-]{1,32}$`)
)

// variables checks the dashboard variables.
func (c *checker) variables(root *node) {
	vs, path := child(root, "", "variables")
	if vs == nil || !c.is(vs, path, kindArray, "variables") {
		return
	}
	if len(vs.items) > maxVariables {
		c.errorf(vs, path, "%d variables: a dashboard has at most %d", len(vs.items), maxVariables)
	}
	ids := map[string]string{}
	for i, v := range vs.items {
		c.variable(v, fmt.Sprintf("%s/%d", path, i), ids)
	}
}

// variable checks one variable: its type and what the type needs, its
// input and where its choices come from.
func (c *checker) variable(v *node, path string, ids map[string]string) {
	if !c.is(v, path, kindObject, "a variable") {
		return
	}
	c.fields(v, path, "a variable", variableFields...)
	c.variableID(v, path, ids)
	typ, _ := c.str(v, path, "type", true)
	switch typ {
	case "property", "pattern":
		c.str(v, path, typ, true)
		other := map[string]string{"property": "pattern", "pattern": "property"}[typ]
		if n, p := child(v, path, other); n != nil {
			c.errorf(n, p, "%s belongs to a variable of type %s, not %s", other, other, typ)
		}
	case "":
	default:
		n, p := child(v, path, "type")
		c.errorf(n, p, "type %q is not property or pattern", typ)
	}
	if label, ok := c.str(v, path, "label", false); ok && utf8.RuneCountInString(label) > maxLabelLength {
		n, p := child(v, path, "label")
		c.errorf(n, p, "the label has %d characters; at most %d", utf8.RuneCountInString(label), maxLabelLength)
	}
	c.boolean(v, path, "visible")
	c.input(v, path)
}

func (c *checker) variableID(v *node, path string, ids map[string]string) {
	id, ok := c.str(v, path, "id", true)
	if !ok {
		return
	}
	n, p := child(v, path, "id")
	switch {
	case !variableIDRE.MatchString(id):
		c.errorf(n, p, "id %q must be 1 to 32 of 0-9 A-Z a-z - _", id)
	case ids[id] != "":
		c.errorf(n, p, "id %q is already the id of %s", id, ids[id])
	default:
		ids[id] = path
	}
}

// input checks inputType and the choices: select and radio need values
// or a search (with populateFrom); the default must be one of the values.
func (c *checker) input(v *node, path string) {
	in, _ := c.str(v, path, "inputType", true)
	if in != "" && !contains([]string{"input", "select", "radio"}, in) {
		n, p := child(v, path, "inputType")
		c.errorf(n, p, "inputType %q is not input, select or radio", in)
		return
	}
	values := c.values(v, path)
	search, hasSearch := c.str(v, path, "search", false)
	if hasSearch && len(search) > maxSearchLength {
		n, p := child(v, path, "search")
		c.errorf(n, p, "the search has %d characters; at most %d", len(search), maxSearchLength)
	}
	_, hasFrom := c.str(v, path, "populateFrom", false)
	switch {
	case in == "input" && (values != nil || hasSearch):
		c.errorf(v, path, "an input variable takes what is typed: values and search are for select and radio")
	case in != "input" && in != "" && values == nil && !hasSearch:
		c.errorf(v, path+"/values", "a %s variable needs values, or a search with populateFrom", in)
	case hasSearch && !hasFrom:
		c.errorf(v, path+"/populateFrom", "populateFrom is required with a search: the dimension whose values to offer")
	}
	c.defaultValue(v, path, in, values, hasSearch)
}

// values returns the variable's values as strings, or nil when absent.
func (c *checker) values(v *node, path string) []string {
	vs, vp := child(v, path, "values")
	if vs == nil || !c.is(vs, vp, kindArray, "values") {
		return nil
	}
	if n := len(vs.items); n == 0 || n > maxVariableValues {
		c.errorf(vs, vp, "%d values: give 1 to %d", n, maxVariableValues)
	}
	out := []string{}
	for i, item := range vs.items {
		ip := fmt.Sprintf("%s/%d", vp, i)
		if !c.is(item, ip, kindObject, "a value") {
			continue
		}
		c.fields(item, ip, "a value", "value", "label")
		if s, ok := c.scalar(item, ip, "value", true); ok {
			out = append(out, s)
		}
		if label, ok := c.str(item, ip, "label", false); ok && utf8.RuneCountInString(label) > maxValueLength {
			c.errorf(item.get("label"), ip+"/label", "the label has more than %d characters", maxValueLength)
		}
	}
	return out
}

// scalar returns obj's string, number or boolean property as text, at
// most 255 characters long.
func (c *checker) scalar(obj *node, path, key string, required bool) (string, bool) {
	n, p := child(obj, path, key)
	var s string
	switch {
	case n == nil:
		if required {
			c.errorf(obj, p, "%s is required", key)
		}
		return "", false
	case n.kind == kindString:
		s = n.str
	case n.kind == kindNumber:
		s = n.num.String()
	case n.kind == kindBool:
		s = fmt.Sprint(n.b)
	default:
		c.errorf(n, p, "%s must be a string, a number or a boolean, not %s", key, n.kind)
		return "", false
	}
	if utf8.RuneCountInString(s) > maxValueLength {
		c.errorf(n, p, "%s has more than %d characters", key, maxValueLength)
	}
	return s, true
}

// defaultValue checks that a select or radio default is one of the
// values (or, with a search, anything; __FIRST picks the first result).
func (c *checker) defaultValue(v *node, path, in string, values []string, hasSearch bool) {
	def, ok := c.scalar(v, path, "defaultValue", false)
	if !ok || in == "input" || hasSearch || values == nil || contains(values, def) {
		return
	}
	n, p := child(v, path, "defaultValue")
	c.errorf(n, p, "defaultValue %q is not one of the values%s", def, didYouMean(def, values))
}
