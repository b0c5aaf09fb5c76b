package emulator

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// transform builds what a target receives: the whole event, or its
// Input, InputPath or InputTransformer
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
func transform(t topology.Target, r *topology.Rule, raw []byte, now time.Time) ([]byte, error) {
	switch {
	case t.Input != "":
		return []byte(t.Input), nil
	case t.InputPath != "":
		v, ok, err := jsonPath(raw, t.InputPath)
		if err != nil || !ok {
			return nil, fmt.Errorf("InputPath %s: %v", t.InputPath, orMissing(err))
		}
		return v, nil
	case t.Transformer != nil:
		return transformInput(t.Transformer, r, raw, now)
	}
	return raw, nil
}

func orMissing(err error) error {
	if err == nil {
		return fmt.Errorf("no such field in the event")
	}
	return err
}

var placeholder = regexp.MustCompile(`<([A-Za-z0-9_.\-]+)>`)

func transformInput(it *topology.InputTransformer, r *topology.Rule, raw []byte, now time.Time) ([]byte, error) {
	if len(it.PathsMap) > 100 {
		return nil, fmt.Errorf("InputPathsMap has %d variables; the limit is 100", len(it.PathsMap))
	}
	vars := map[string]json.RawMessage{}
	for name, path := range it.PathsMap {
		v, ok, err := jsonPath(raw, path)
		if err != nil {
			return nil, fmt.Errorf("InputPathsMap %s: %w", name, err)
		}
		if ok {
			vars[name] = v
		}
	}
	reserved := map[string]json.RawMessage{
		"aws.events.rule-arn":             quote(r.ARN),
		"aws.events.rule-name":            quote(r.Name),
		"aws.events.event.ingestion-time": quote(now.UTC().Format(time.RFC3339)),
		"aws.events.event":                raw, "aws.events.event.json": raw,
	}
	var b strings.Builder
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(it.Template, -1) {
		name := it.Template[m[2]:m[3]]
		v, ok := vars[name]
		if !ok {
			v, ok = reserved[name]
		}
		if !ok {
			if _, declared := it.PathsMap[name]; !declared {
				continue // not a variable: left as written
			}
			v = json.RawMessage("null") // a path that matched nothing
		}
		b.WriteString(it.Template[last:m[0]])
		// Inside a string of the template, a string value goes in without
		// its quotes ("id: <id>" becomes "id: abc").
		if insideString(it.Template[:m[0]]) && len(v) > 1 && v[0] == '"' {
			v = v[1 : len(v)-1]
		}
		b.Write(v)
		last = m[1]
	}
	b.WriteString(it.Template[last:])
	return []byte(b.String()), nil
}

// insideString reports whether the end of s is inside a JSON string.
func insideString(s string) bool {
	in := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			in = !in
		}
	}
	return in
}

func quote(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

// jsonPath reads a simple JSONPath ($, $.a.b, $.a[0].b) from raw.
func jsonPath(raw []byte, path string) (json.RawMessage, bool, error) {
	if !strings.HasPrefix(path, "$") {
		return nil, false, fmt.Errorf("%q is not a JSONPath (it must start with $)", path)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false, err
	}
	rest := path[1:]
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "."):
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false, nil
			}
			if v, ok = m[rest[:end]]; !ok {
				return nil, false, nil
			}
			rest = rest[end:]
		case strings.HasPrefix(rest, "["):
			end := strings.Index(rest, "]")
			if end < 0 {
				return nil, false, fmt.Errorf("%q: unclosed [", path)
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil {
				return nil, false, fmt.Errorf("%q: index %q is not a number", path, rest[1:end])
			}
			a, ok := v.([]any)
			if !ok || i < 0 || i >= len(a) {
				return nil, false, nil
			}
			v, rest = a[i], rest[end+1:]
		default:
			return nil, false, fmt.Errorf("%q: unexpected %q", path, rest)
		}
	}
	b, err := json.Marshal(v)
	return b, err == nil, err
}
