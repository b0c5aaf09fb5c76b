package insights

import "testing"

func TestMatchGroup(t *testing.T) {
	for _, tt := range []struct {
		group  string
		wanted []string
		want   bool
	}{
		{"/aws/lambda/alchemiser-execution", nil, true},
		{"/aws/lambda/alchemiser-execution", []string{"/aws/lambda/alchemiser-execution"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"execution"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"alchemiser-execution"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"cution"}, false},
		{"/aws/lambda/alchemiser-execution", []string{"/aws/lambda/alchemiser-strategy"}, false},
		{"", []string{"strategy"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"strategy", "execution"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"/aws/lambda/alchemiser-*"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"/aws/lambda/other-*"}, false},
		{"/aws/lambda/alchemiser-execution", []string{"*"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"/aws/*/alchemiser-execution"}, false}, // * only as a suffix
		{"/aws/lambda/alchemiser-execution", []string{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/alchemiser-execution"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/alchemiser-execution:*"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/alchemiser-*"}, true},
		{"/aws/lambda/alchemiser-execution", []string{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/alchemiser-strategy:*"}, false},
	} {
		if got := MatchGroup(tt.group, tt.wanted); got != tt.want {
			t.Errorf("MatchGroup(%q, %q) = %v, want %v", tt.group, tt.wanted, got, tt.want)
		}
	}
}
