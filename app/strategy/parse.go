package strategy

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Parse reads one strategy file: a single defsymphony form.
func Parse(filename string, src []byte) (*Symphony, error) {
	forms, err := readAll(filename, src)
	if err != nil {
		return nil, err
	}
	if len(forms) != 1 {
		p := Pos{File: filename, Line: 1, Col: 1}
		if len(forms) > 1 {
			p = forms[1].Pos
		}
		return nil, errorf(p, "want exactly one defsymphony form, got %d forms", len(forms))
	}
	return parseSymphony(forms[0])
}

func parseSymphony(f form) (*Symphony, error) {
	if err := expectHead(f, "defsymphony", 3); err != nil {
		return nil, err
	}
	name, opts, body := f.Items[1], f.Items[2], f.Items[3]
	if name.Kind != kString {
		return nil, errorf(name.Pos, "defsymphony: want a name string, got %s", name.Kind)
	}
	if opts.Kind != kMap {
		return nil, errorf(opts.Pos, "defsymphony: want an options map, got %s", opts.Kind)
	}
	s := &Symphony{Name: name.Text, Options: map[string]string{}, Pos: f.Pos}
	for i := 0; i < len(opts.Items); i += 2 {
		s.Options[opts.Items[i].Text] = opts.Items[i+1].Text
	}
	root, err := parseNode(body)
	if err != nil {
		return nil, err
	}
	s.Root = root
	return s, nil
}

// expectHead checks that f is a list headed by name with n arguments.
func expectHead(f form, name string, n int) error {
	if f.Kind != kList || len(f.Items) == 0 || f.Items[0].Kind != kSymbol {
		return errorf(f.Pos, "want (%s ...), got a %s", name, f.Kind)
	}
	if head := f.Items[0].Text; head != name {
		return errorf(f.Pos, "want (%s ...), got (%s ...)", name, head)
	}
	if got := len(f.Items) - 1; n >= 0 && got != n {
		return errorf(f.Pos, "%s takes %d arguments, got %d", name, n, got)
	}
	return nil
}

func head(f form) string {
	if f.Kind != kList || len(f.Items) == 0 || f.Items[0].Kind != kSymbol {
		return ""
	}
	return f.Items[0].Text
}

func parseNode(f form) (Node, error) {
	switch h := head(f); h {
	case "asset":
		return parseAsset(f)
	case "weight-equal":
		if err := expectHead(f, h, 1); err != nil {
			return nil, err
		}
		children, err := parseVector(f.Items[1], h)
		return WeightEqual{Pos: f.Pos, Children: children}, err
	case "weight-specified":
		return parseWeightSpecified(f)
	case "group":
		return parseGroup(f)
	case "if":
		return parseIf(f)
	case "filter":
		return parseFilter(f)
	case "":
		return nil, errorf(f.Pos, "want a node such as (asset ...) or (weight-equal ...), got a %s", f.Kind)
	default:
		return nil, errorf(f.Pos, "unknown form %q", h)
	}
}

func parseVector(f form, owner string) ([]Node, error) {
	if f.Kind != kVector {
		return nil, errorf(f.Pos, "%s: want a vector [...] of nodes, got a %s", owner, f.Kind)
	}
	if len(f.Items) == 0 {
		return nil, errorf(f.Pos, "%s: empty vector", owner)
	}
	out := make([]Node, 0, len(f.Items))
	for _, item := range f.Items {
		n, err := parseNode(item)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func parseAsset(f form) (Node, error) {
	if len(f.Items) < 2 || len(f.Items) > 3 {
		return nil, errorf(f.Pos, "asset takes a ticker and an optional name, got %d arguments", len(f.Items)-1)
	}
	for _, a := range f.Items[1:] {
		if a.Kind != kString {
			return nil, errorf(a.Pos, "asset: want a string, got a %s", a.Kind)
		}
	}
	if f.Items[1].Text == "" {
		return nil, errorf(f.Items[1].Pos, "asset: empty ticker")
	}
	a := Asset{Pos: f.Pos, Symbol: f.Items[1].Text}
	if len(f.Items) == 3 {
		a.Name = f.Items[2].Text
	}
	return a, nil
}

func parseGroup(f form) (Node, error) {
	if err := expectHead(f, "group", 2); err != nil {
		return nil, err
	}
	if f.Items[1].Kind != kString {
		return nil, errorf(f.Items[1].Pos, "group: want a name string, got a %s", f.Items[1].Kind)
	}
	children, err := parseVector(f.Items[2], "group")
	return Group{Pos: f.Pos, Name: f.Items[1].Text, Children: children}, err
}

func parseWeightSpecified(f form) (Node, error) {
	args := f.Items[1:]
	if len(args) == 0 || len(args)%2 != 0 {
		return nil, errorf(f.Pos, "weight-specified takes weight-node pairs, got %d arguments", len(args))
	}
	n := WeightSpecified{Pos: f.Pos}
	sum := decimal.Zero
	for i := 0; i < len(args); i += 2 {
		if args[i].Kind != kNumber {
			return nil, errorf(args[i].Pos, "weight-specified: want a weight number, got a %s", args[i].Kind)
		}
		w, err := decimal.NewFromString(args[i].Text)
		if err != nil || w.IsNegative() {
			return nil, errorf(args[i].Pos, "weight-specified: bad weight %q", args[i].Text)
		}
		child, err := parseNode(args[i+1])
		if err != nil {
			return nil, err
		}
		n.Weights, n.Children, sum = append(n.Weights, w), append(n.Children, child), sum.Add(w)
	}
	switch {
	case sum.Equal(decimal.NewFromInt(1)):
	case sum.Equal(decimal.NewFromInt(100)):
		for i := range n.Weights {
			n.Weights[i] = n.Weights[i].Div(decimal.NewFromInt(100))
		}
	default:
		return nil, errorf(f.Pos, "weight-specified: weights sum to %s, want 1 or 100", sum)
	}
	return n, nil
}

func parseIf(f form) (Node, error) {
	if err := expectHead(f, "if", 3); err != nil {
		return nil, err
	}
	cond, err := parseCompare(f.Items[1])
	if err != nil {
		return nil, err
	}
	then, err := parseBranch(f.Items[2])
	if err != nil {
		return nil, err
	}
	els, err := parseBranch(f.Items[3])
	return If{Pos: f.Pos, Cond: cond, Then: then, Else: els}, err
}

// parseBranch accepts a vector of nodes or, leniently, one node.
func parseBranch(f form) ([]Node, error) {
	if f.Kind == kVector {
		return parseVector(f, "if")
	}
	n, err := parseNode(f)
	return []Node{n}, err
}

func parseCompare(f form) (Compare, error) {
	op := head(f)
	switch op {
	case ">", "<", ">=", "<=":
	default:
		return Compare{}, errorf(f.Pos, "if: want a comparison (> < >= <=), got %s", describe(f))
	}
	if len(f.Items) != 3 {
		return Compare{}, errorf(f.Pos, "%s takes 2 arguments, got %d", op, len(f.Items)-1)
	}
	l, err := parseOperand(f.Items[1])
	if err != nil {
		return Compare{}, err
	}
	r, err := parseOperand(f.Items[2])
	return Compare{Pos: f.Pos, Op: op, Left: l, Right: r}, err
}

func parseOperand(f form) (Operand, error) {
	if f.Kind == kNumber {
		return Operand{Number: f.Num}, nil
	}
	ind, err := parseIndicator(f, true)
	return Operand{Indicator: &ind}, err
}

func describe(f form) string {
	if h := head(f); h != "" {
		return fmt.Sprintf("(%s ...)", h)
	}
	return "a " + f.Kind.String()
}
