package cwalarm

import (
	"fmt"
	"strings"
)

// Rule is a composite alarm's AlarmRule: ALARM(name), OK(name),
// INSUFFICIENT_DATA(name), TRUE, FALSE, combined with AND, OR, NOT and
// parentheses.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
type Rule struct {
	src  string
	root ruleNode
}

type ruleNode interface {
	eval(states map[string]State) bool
}

type (
	ruleState struct {
		state State
		name  string
	}
	ruleConst bool
	ruleNot   struct{ x ruleNode }
	ruleBin   struct {
		and  bool
		l, r ruleNode
	}
)

func (r ruleState) eval(s map[string]State) bool { return s[r.name] == r.state }
func (r ruleConst) eval(map[string]State) bool   { return bool(r) }
func (r ruleNot) eval(s map[string]State) bool   { return !r.x.eval(s) }
func (r ruleBin) eval(s map[string]State) bool {
	if r.and {
		return r.l.eval(s) && r.r.eval(s)
	}
	return r.l.eval(s) || r.r.eval(s)
}

// ParseRule parses an AlarmRule.
func ParseRule(src string) (*Rule, error) {
	p := &ruleParser{src: src}
	x, err := p.or()
	if err == nil && strings.TrimSpace(p.src[p.i:]) != "" {
		err = fmt.Errorf("alarm rule %q: unexpected %q", src, strings.TrimSpace(p.src[p.i:]))
	}
	if err != nil {
		return nil, err
	}
	return &Rule{src: src, root: x}, nil
}

// Names lists the alarms the rule reads.
func (r *Rule) Names() []string {
	var out []string
	var walk func(n ruleNode)
	walk = func(n ruleNode) {
		switch x := n.(type) {
		case ruleState:
			out = append(out, x.name)
		case ruleNot:
			walk(x.x)
		case ruleBin:
			walk(x.l)
			walk(x.r)
		}
	}
	walk(r.root)
	return out
}

// State is the composite alarm's state given its children's: ALARM when
// the rule is true, OK otherwise.
func (r *Rule) State(children map[string]State) State { return verdict(r.root.eval(children)) }

type ruleParser struct {
	src string
	i   int
}

func (p *ruleParser) ws() {
	for p.i < len(p.src) && strings.ContainsRune(" \t\n\r", rune(p.src[p.i])) {
		p.i++
	}
}

func (p *ruleParser) word(w string) bool {
	p.ws()
	if len(p.src)-p.i >= len(w) && strings.EqualFold(p.src[p.i:p.i+len(w)], w) {
		next := p.i + len(w)
		if next == len(p.src) || !isWordByte(p.src[next]) || w == "(" || w == ")" {
			p.i = next
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool { return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func (p *ruleParser) or() (ruleNode, error) {
	l, err := p.and()
	for err == nil && p.word("OR") {
		var r ruleNode
		if r, err = p.and(); err == nil {
			l = ruleBin{false, l, r}
		}
	}
	return l, err
}

func (p *ruleParser) and() (ruleNode, error) {
	l, err := p.not()
	for err == nil && p.word("AND") {
		var r ruleNode
		if r, err = p.not(); err == nil {
			l = ruleBin{true, l, r}
		}
	}
	return l, err
}

func (p *ruleParser) not() (ruleNode, error) {
	if p.word("NOT") {
		x, err := p.not()
		return ruleNot{x}, err
	}
	return p.primary()
}

func (p *ruleParser) primary() (ruleNode, error) {
	switch {
	case p.word("("):
		x, err := p.or()
		if err == nil && !p.word(")") {
			err = fmt.Errorf("alarm rule %q: missing )", p.src)
		}
		return x, err
	case p.word("TRUE"):
		return ruleConst(true), nil
	case p.word("FALSE"):
		return ruleConst(false), nil
	}
	for _, st := range []State{InsufficientData, Alarm, OK} {
		if p.word(string(st)) {
			if !p.word("(") {
				return nil, fmt.Errorf("alarm rule %q: %s needs (alarm name)", p.src, st)
			}
			p.ws()
			end := strings.IndexByte(p.src[p.i:], ')')
			if end < 0 {
				return nil, fmt.Errorf("alarm rule %q: missing )", p.src)
			}
			name := strings.Trim(strings.TrimSpace(p.src[p.i:p.i+end]), `"`)
			p.i += end + 1
			if name == "" {
				return nil, fmt.Errorf("alarm rule %q: %s() names no alarm", p.src, st)
			}
			return ruleState{st, name}, nil
		}
	}
	return nil, fmt.Errorf("alarm rule %q: expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT or ( at %d", p.src, p.i+1)
}
