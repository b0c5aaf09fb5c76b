package topology

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws-cloudformation/rain/cft/parse"
	"gopkg.in/yaml.v3"
)

// expressions resolves expressions against a loaded template, with the
// loader that resolved it (its parameters, pseudo parameters and
// physical names). The resolver keeps state while it works: one
// expression at a time.
type expressions struct {
	mu sync.Mutex
	l  *loader
}

// Resolve is the value CloudFormation gives expr in template t, deployed
// with t's options: expr is a YAML value, a literal or an intrinsic
// function in short or long form ("!Ref SchedulerFunction",
// "!GetAtt EventsDLQ.QueueName", "!Sub ${AWS::StackName}-bus",
// "{Ref: AWS::Region}"). Refs of resources give their physical names as
// Load resolves them; the functions are those of the template (Ref,
// Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::If and conditions).
// Resolve is safe for concurrent use.
func (t *Topology) Resolve(expr string) (string, error) {
	if t.exprs == nil {
		return "", fmt.Errorf("could not resolve %q: the topology was not loaded from a template", expr)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(expr), &doc); err != nil {
		return "", fmt.Errorf("could not resolve %q: %w", expr, err)
	}
	if len(doc.Content) == 0 {
		return "", nil
	}
	n := doc.Content[0]
	if err := parse.NormalizeNode(n); err != nil {
		return "", fmt.Errorf("could not resolve %q: %w", expr, err)
	}
	v, err := t.exprs.value(n)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return "", fmt.Errorf("could not resolve %q: %s", expr, e.Msg)
		}
		return "", fmt.Errorf("could not resolve %q: %w", expr, err)
	}
	switch v.(type) {
	case map[string]any, []any:
		return "", fmt.Errorf("could not resolve %q: it is not a single value", expr)
	}
	if v == noValue {
		return "", nil
	}
	return str(v), nil
}

// Variable is what ${name} gives in an Fn::Sub string of template t: a
// pseudo parameter (AWS::Region), a parameter, a resource's Ref, or for
// Resource.Attribute its Fn::GetAtt; ok is false when t has no such name.
// Dashboard bodies use it to resolve the variables CloudFormation would
// and leave their own (${SUM}) alone. It is safe for concurrent use.
func (t *Topology) Variable(name string) (string, bool) {
	if t.exprs == nil {
		return "", false
	}
	t.exprs.mu.Lock()
	defer t.exprs.mu.Unlock()
	if id, attr, ok := strings.Cut(name, "."); ok {
		return t.exprs.l.physical(id, attr)
	}
	return t.exprs.l.r.variable(name)
}

func (x *expressions) value(n *yaml.Node) (any, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	r := x.l.r
	r.depth, r.visited, r.pos = 0, 0, nil // bounds are per expression
	return r.value(n)
}
