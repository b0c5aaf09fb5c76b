package insights

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSplitSources(t *testing.T) {
	for _, c := range []struct {
		name   string
		q      string
		groups []string
		rest   string
		err    string // the SyntaxError, "line:col: message"
	}{
		{name: "two clauses", q: "SOURCE '/aws/lambda/a' | SOURCE '/aws/lambda/b' | fields @message",
			groups: []string{"/aws/lambda/a", "/aws/lambda/b"}, rest: " fields @message"},
		{name: "case, double quotes, no spaces around |, lines",
			q:      " source '/aws/lambda/a'\n| Source \"/aws/lambda/b\"|fields @message | filter x = 'SOURCE'",
			groups: []string{"/aws/lambda/a", "/aws/lambda/b"}, rest: "fields @message | filter x = 'SOURCE'"},
		{name: "no SOURCE", q: "fields @message", rest: "fields @message"},
		{name: "a word that starts with source", q: "sourceIp | fields x", rest: "sourceIp | fields x"},
		// The cases below are where dashboards/render and dashboards/validate
		// each had their own parser and disagreed: render took the first
		// three as clauses, validate none of them (and then said the query
		// does not start with SOURCE, or passed the clause to the Logs
		// Insights parser).
		{name: "no space after SOURCE", q: "SOURCE'a' | fields x", err: "1:7: SOURCE must be followed by a space and a quoted log group name"},
		{name: "no | after the group", q: "SOURCE 'a' fields x", err: "1:12: a SOURCE clause must end with |"},
		{name: "last clause without a query", q: "SOURCE 'a' | SOURCE 'b'", err: "1:24: no query after the SOURCE clauses"},
		{name: "nothing after |", q: "SOURCE 'a' |  \n", err: "2:1: no query after the SOURCE clauses"},
		{name: "no closing quote", q: "SOURCE '/aws/x | fields a", err: "1:8: the log group name has no closing quote"},
		{name: "unquoted group", q: "SOURCE /aws/x | fields a", err: "1:8: SOURCE needs a log group name in quotes: SOURCE 'log group' | query"},
		{name: "Logs Insights' SOURCE command", q: "SOURCE logGroups(namePrefix: ['/aws'])",
			err: "1:8: SOURCE needs a log group name in quotes: SOURCE 'log group' | query"},
		{name: "SOURCE alone", q: "SOURCE", err: "1:7: SOURCE needs a log group name in quotes: SOURCE 'log group' | query"},
		{name: "empty group", q: "SOURCE 'a' |\nSOURCE '' | fields x", err: "2:8: the log group name is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sources, rest, err := SplitSources(c.q)
			if c.err != "" {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Error() != "query:"+c.err {
					t.Fatalf("error %v, want query:%s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var groups []string
			for _, s := range sources {
				groups = append(groups, s.Group)
				if c.q[s.Off:s.Off+len(s.Group)] != s.Group {
					t.Errorf("group %q is not at offset %d", s.Group, s.Off)
				}
			}
			if !slices.Equal(groups, c.groups) || rest != c.rest {
				t.Errorf("groups %q, rest %q; want %q, %q", groups, rest, c.groups, c.rest)
			}
		})
	}
}

func FuzzSplitSources(f *testing.F) {
	f.Add("SOURCE 'a' | SOURCE \"b\" | fields x")
	f.Add("SOURCE '")
	f.Add(" source 'a'\n|\n")
	f.Fuzz(func(t *testing.T, q string) {
		sources, rest, err := SplitSources(q)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("%q: error %v is not a positioned SyntaxError", q, err)
			}
			return
		}
		if !strings.HasSuffix(q, rest) {
			t.Fatalf("rest %q is not the end of %q", rest, q)
		}
		for _, s := range sources {
			if s.Group == "" || q[s.Off:s.Off+len(s.Group)] != s.Group || s.Off+len(s.Group) > len(q)-len(rest) {
				t.Fatalf("%q: source %+v is not a group before the query", q, s)
			}
		}
		if len(sources) > 0 && strings.Trim(rest, " \t\n\r") == "" { // the lexer's white space
			t.Fatalf("%q: SOURCE clauses and no query", q)
		}
	})
}
