package render

import (
	"fmt"
	"regexp"

	"github.com/alchemiser/alchemiser/topology"
)

// Local stack defaults: the pseudo parameters the local stack runs with
// (topology's defaults).
const (
	DefaultStackName = "alchemiser"
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
)

// stack resolves what CloudFormation would on deployment, with the
// template resolved as topology does for the stack's name, region and
// account: the ${...} placeholders of !Sub (pseudo parameters, the
// template's parameters at their defaults, resources' names) and the
// physical names !Ref and !GetAtt give.
type stack struct {
	name string
	top  *topology.Topology
}

func newStack(template []byte, name, region, account string) (*stack, error) {
	top, err := topology.Load("template.yaml", template, topology.Options{StackName: name, Region: region, Account: account})
	if err != nil {
		return nil, fmt.Errorf("could not read the template: %w", err)
	}
	return &stack{name: name, top: top}, nil
}

var placeholder = regexp.MustCompile(`\$\{([A-Za-z0-9:.]+)\}`)

// subst replaces the placeholders !Sub would; others (dynamic labels
// such as ${SUM}) stay.
func (s *stack) subst(str string) string {
	return placeholder.ReplaceAllStringFunc(str, func(m string) string {
		if v, ok := s.top.Variable(m[2 : len(m)-1]); ok {
			return v
		}
		return m
	})
}

// resolve turns "!Ref X", "!GetAtt X.Name" or a literal into the
// deployed value (topology's Resolve). It is the alarms.Resolver of the
// symptom alarms.
func (s *stack) resolve(expr string) (string, error) { return s.top.Resolve(expr) }
