package insights

import "strings"

// Source is one SOURCE clause of a dashboard log widget's query.
type Source struct {
	Group string // the log group, without its quotes
	Off   int    // the byte offset of the group in the query
}

// SplitSources takes the SOURCE clauses off the front of a CloudWatch
// dashboard log widget's query and returns them with the query after the
// last clause's | (a suffix of q, as written). The form is the dashboard body's:
// SOURCE 'log group' | SOURCE 'other' | query
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html#CloudWatch-Dashboard-Properties-Log-Widget-Object).
//
// SOURCE is case-insensitive and followed by white space; the group is in
// single (or double) quotes, not empty, and followed by |, and a query
// follows the last clause. A query that does not start with the word
// SOURCE has no clauses: it is returned whole. Anything else is a
// *SyntaxError at its line and column in q.
func SplitSources(q string) ([]Source, string, error) {
	var out []Source
	rest := 0 // where the query after the clauses starts
	for i := skipSpace(q, 0); isSourceKeyword(q[i:]); i = skipSpace(q, rest) {
		s, next, err := sourceClause(q, i)
		if err != nil {
			return nil, "", err
		}
		out, rest = append(out, s), next
		if skipSpace(q, rest) == len(q) {
			return nil, "", syntaxErrorAt(q, len(q), "no query after the SOURCE clauses")
		}
	}
	return out, q[rest:], nil
}

// sourceClause reads the clause SOURCE 'group' | at q[i:], returning it
// and the offset after its |.
func sourceClause(q string, i int) (Source, int, error) {
	i += len("SOURCE")
	name := skipSpace(q, i)
	switch {
	case name == i && name < len(q):
		return Source{}, 0, syntaxErrorAt(q, i, "SOURCE must be followed by a space and a quoted log group name")
	case name == len(q) || q[name] != '\'' && q[name] != '"':
		return Source{}, 0, syntaxErrorAt(q, name, "SOURCE needs a log group name in quotes: SOURCE 'log group' | query")
	}
	end := strings.IndexByte(q[name+1:], q[name])
	switch {
	case end < 0:
		return Source{}, 0, syntaxErrorAt(q, name, "the log group name has no closing quote")
	case end == 0:
		return Source{}, 0, syntaxErrorAt(q, name, "the log group name is empty")
	}
	s := Source{Group: q[name+1 : name+1+end], Off: name + 1}
	pipe := skipSpace(q, name+end+2)
	switch {
	case pipe == len(q):
		return Source{}, 0, syntaxErrorAt(q, pipe, "no query after the SOURCE clauses")
	case q[pipe] != '|':
		return Source{}, 0, syntaxErrorAt(q, pipe, "a SOURCE clause must end with |")
	}
	return s, pipe + 1, nil
}

// isSourceKeyword reports whether s starts with the word SOURCE, in any
// case.
func isSourceKeyword(s string) bool {
	const kw = "SOURCE"
	if len(s) < len(kw) || !strings.EqualFold(s[:len(kw)], kw) {
		return false
	}
	return len(s) == len(kw) || !isWordByte(s[len(kw)])
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// skipSpace returns the offset of the first byte at or after i that is
// not white space, as the lexer counts it.
func skipSpace(q string, i int) int {
	for i < len(q) && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r') {
		i++
	}
	return i
}

// syntaxErrorAt is a SyntaxError at byte offset off of q, with the
// lexer's line and column (bytes from 1).
func syntaxErrorAt(q string, off int, msg string) *SyntaxError {
	line := 1 + strings.Count(q[:off], "\n")
	col := off + 1
	if nl := strings.LastIndexByte(q[:off], '\n'); nl >= 0 {
		col = off - nl
	}
	return &SyntaxError{Line: line, Col: col, Msg: msg}
}
