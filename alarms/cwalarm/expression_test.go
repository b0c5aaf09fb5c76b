package cwalarm

import (
	"math"
	"strings"
	"testing"
)

func TestExpression(t *testing.T) {
	x, err := ParseExpression("100 * FILL(errors, 0) / invocations")
	if err != nil {
		t.Fatal(err)
	}
	if refs := x.Refs(); len(refs) != 2 || refs[0] != "errors" || refs[1] != "invocations" {
		t.Errorf("refs %v", refs)
	}
	for _, tt := range []struct {
		vals map[string]float64
		want float64
		ok   bool
	}{
		{map[string]float64{"errors": 1, "invocations": 4}, 25, true},
		{map[string]float64{"invocations": 4}, 0, true}, // FILL
		{map[string]float64{"errors": 1, "invocations": 0}, 0, false},
		{map[string]float64{}, 0, false},
	} {
		v, ok := x.Eval(tt.vals)
		if ok != tt.ok || ok && math.Abs(v-tt.want) > 1e-9 {
			t.Errorf("Eval(%v) = %v, %v; want %v, %v", tt.vals, v, ok, tt.want, tt.ok)
		}
	}
	if _, err := ParseExpression("RATE(m1)"); err == nil || !strings.Contains(err.Error(), "RATE") {
		t.Errorf("RATE: %v", err)
	}
}
