package validate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/alchemiser/alchemiser/queries/insights"
)

// maxSources is the log groups one query reads: StartQuery takes at most
// 50 log group names.
const maxSources = 50

// logWidget checks a log widget: its fields, and its query.
func (c *checker) logWidget(props *node, path string) {
	c.fields(props, path, "a log widget", "accountId", "query", "region", "stacked", "title", "view")
	c.str(props, path, "title", false)
	c.pattern(props, path, "region", true, regionRE, "an AWS Region such as us-east-1, or ${AWS::Region}")
	c.pattern(props, path, "accountId", false, accountRE, "a 12-digit account id, or ${AWS::AccountId}")
	c.enum(props, path, "view", "table", "timeSeries", "bar", "pie")
	c.boolean(props, path, "stacked")
	if _, ok := c.str(props, path, "query", true); ok {
		q, qp := child(props, path, "query")
		c.query(q, qp)
	}
}

// query checks a log widget's query: SOURCE clauses naming log groups of
// the template, then a query the Logs Insights parser accepts. Problems
// are positioned inside the query string.
func (c *checker) query(q *node, path string) {
	rc := newRawCursor(c.body, q.off)
	sources, rest, err := insights.SplitSources(q.str)
	switch {
	case err != nil:
		c.at(rc.offset(queryIndex(q.str, err)), path, "%s", sourceMessage(err))
		return
	case len(sources) == 0:
		c.errorf(q, path, "the query must start with the log groups to read: SOURCE '/aws/lambda/...' | ...")
		return
	case len(sources) > maxSources:
		c.errorf(q, path, "%d log groups: a query reads at most %d", len(sources), maxSources)
	}
	for _, s := range sources {
		if !c.logGroupDeclared(s.Group) {
			c.at(rc.offset(s.Off), path, "log group %s is not declared in the template%s",
				s.Group, didYouMean(s.Group, keys(c.k.LogGroups)))
		}
	}
	start := len(q.str) - len(rest)
	if _, err := insights.Parse(rest); err != nil {
		c.at(rc.offset(start+queryIndex(rest, err)), path, "Logs Insights query: %s", queryMessage(err))
	}
}

// queryIndex is the byte index of a parse error in the query.
func queryIndex(q string, err error) int {
	var se *insights.SyntaxError
	if !errors.As(err, &se) {
		return 0
	}
	i := 0
	for line := 1; line < se.Line; line++ {
		nl := strings.IndexByte(q[i:], '\n')
		if nl < 0 {
			return i
		}
		i += nl + 1
	}
	return min(i+se.Col-1, len(q))
}

// sourceMessage is a SOURCE clause's problem; the error's position is
// the caller's.
func sourceMessage(err error) string {
	var se *insights.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

func queryMessage(err error) string {
	var se *insights.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (line %d, column %d after the SOURCE clauses)", se.Msg, se.Line, se.Col)
	}
	return err.Error()
}

// logGroupDeclared reports whether the template declares group, written
// as the template writes it (with ${AWS::StackName}) or with a real stack
// name in its place.
func (c *checker) logGroupDeclared(group string) bool {
	if c.k.LogGroups[group] {
		return true
	}
	if c.groups == nil {
		c.groups = map[string]*regexp.Regexp{}
		for g := range c.k.LogGroups {
			c.groups[g] = placeholderPattern(g)
		}
	}
	for _, re := range c.groups {
		if re.MatchString(group) {
			return true
		}
	}
	return false
}

// placeholderPattern matches s with each ${AWS::...} placeholder replaced
// by a name (letters, digits, hyphens).
func placeholderPattern(s string) *regexp.Regexp {
	var re strings.Builder
	re.WriteString("^")
	for i, part := range placeholderRE.Split(s, -1) {
		if i > 0 {
			re.WriteString(`[-A-Za-z0-9]+`)
		}
		re.WriteString(regexp.QuoteMeta(part))
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String())
}

var placeholderRE = regexp.MustCompile(`\$\{AWS::[A-Za-z]+\}`)
