package strategy

import "github.com/shopspring/decimal"

// Symphony is one parsed strategy.
type Symphony struct {
	Name    string
	Options map[string]string
	Root    Node
	Pos     Pos
}

// Node is a node of a strategy tree.
type Node interface{ node() }

// Asset holds one ticker.
type Asset struct {
	Pos    Pos
	Symbol string
	Name   string
}

// WeightEqual weights its children equally.
type WeightEqual struct {
	Pos      Pos
	Children []Node
}

// WeightSpecified weights its children by fixed fractions summing to 1.
type WeightSpecified struct {
	Pos      Pos
	Weights  []decimal.Decimal
	Children []Node
}

// Group is a named set of children weighted equally.
type Group struct {
	Pos      Pos
	Name     string
	Children []Node
}

// If chooses Then or Else by Cond; each branch is weighted equally.
type If struct {
	Pos        Pos
	Cond       Compare
	Then, Else []Node
}

// Filter ranks Assets by Indicator and keeps the top or bottom N.
type Filter struct {
	Pos       Pos
	Indicator Indicator // Symbol empty: each asset's own
	Top       bool
	N         int
	Assets    []Asset
}

// Compare is a comparison of two operands.
type Compare struct {
	Pos         Pos
	Op          string // > < >= <=
	Left, Right Operand
}

// Operand is an indicator or a number.
type Operand struct {
	Indicator *Indicator
	Number    float64
}

// Indicator is an indicator of one ticker over a window.
type Indicator struct {
	Pos    Pos
	Name   string
	Symbol string
	Window int
}

func (Asset) node()           {}
func (WeightEqual) node()     {}
func (WeightSpecified) node() {}
func (Group) node()           {}
func (If) node()              {}
func (Filter) node()          {}
