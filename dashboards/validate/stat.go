package validate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Statistics, from "CloudWatch statistics definitions"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):
// the five basic ones and IQM; percentiles pNN; and trimmed mean, winsorized
// mean, trimmed count and trimmed sum as tmNN, wmNN, tcNN, tsNN (lowercase,
// one percentage) or TM(a:b), WM(a:b), TC(a:b), TS(a:b) (uppercase, one or
// two bounds, percentages with % or absolute values), and percentile rank
// PR(a:b) (absolute values only). Numbers have up to 10 decimal places.
var basicStats = []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum", "IQM"}

var (
	shortStat = regexp.MustCompile(`^(p|tm|wm|tc|ts)(\d+(?:\.\d+)?)$`)
	rangeStat = regexp.MustCompile(`^(TM|WM|TC|TS|PR)\(([^:()]*):([^:()]*)\)$`)
	boundRE   = regexp.MustCompile(`^\d+(?:\.\d{1,10})?%?$`)
)

// statSyntax lists the forms, for messages.
const statSyntax = "SampleCount, Average, Sum, Minimum, Maximum, IQM, pNN, tmNN, wmNN, tcNN, tsNN, TM(a:b), WM(a:b), TC(a:b), TS(a:b) or PR(a:b)"

// checkStat returns why s is not a CloudWatch statistic, or "".
func checkStat(s string) string {
	if contains(basicStats, s) {
		return ""
	}
	if m := shortStat.FindStringSubmatch(s); m != nil {
		return checkPercentage(s, m[2])
	}
	if m := rangeStat.FindStringSubmatch(s); m != nil {
		return checkBounds(s, m[1], m[2], m[3])
	}
	return fmt.Sprintf("stat %q is not a CloudWatch statistic (%s)%s", s, statSyntax, statHint(s))
}

// statHint explains the common slips: case, and parentheses.
func statHint(s string) string {
	lower := strings.ToLower(s)
	switch {
	case shortStat.MatchString(lower):
		return fmt.Sprintf("; the one-number forms are lowercase: %s", lower)
	case rangeStat.MatchString(strings.ToUpper(s)):
		return fmt.Sprintf("; the range forms are uppercase: %s", strings.ToUpper(s))
	}
	return didYouMean(s, basicStats)
}

// checkPercentage checks the number of pNN and tmNN: 0 to 100, up to 10
// decimal places.
func checkPercentage(stat, num string) string {
	if !boundRE.MatchString(num) {
		return fmt.Sprintf("stat %q: %s has more than 10 decimal places", stat, num)
	}
	if v, _ := strconv.ParseFloat(num, 64); v > 100 {
		return fmt.Sprintf("stat %q: %s is over 100", stat, num)
	}
	return ""
}

// checkBounds checks TM(lo:hi) and the like: at least one bound, both of
// one kind (percentages or values), percentages at most 100, lo below hi;
// PR takes values only.
func checkBounds(stat, fn, lo, hi string) string {
	if lo == "" && hi == "" {
		return fmt.Sprintf("stat %q needs a lower or an upper bound", stat)
	}
	for _, b := range []string{lo, hi} {
		if b == "" {
			continue
		}
		if !boundRE.MatchString(b) {
			return fmt.Sprintf("stat %q: bound %q is not a number with up to 10 decimal places, or a percentage", stat, b)
		}
		if strings.HasSuffix(b, "%") && (fn == "PR" || mustFloat(b) > 100) {
			return fmt.Sprintf("stat %q: %s is not a valid bound (%s)", stat, b, boundRule(fn))
		}
	}
	if lo != "" && hi != "" && strings.HasSuffix(lo, "%") != strings.HasSuffix(hi, "%") {
		return fmt.Sprintf("stat %q mixes a percentage and a value; give both bounds the same way", stat)
	}
	if lo != "" && hi != "" && mustFloat(lo) >= mustFloat(hi) {
		return fmt.Sprintf("stat %q: the lower bound %s is not below the upper bound %s", stat, lo, hi)
	}
	return ""
}

func boundRule(fn string) string {
	if fn == "PR" {
		return "percentile rank takes values, not percentages"
	}
	return "percentages are 0% to 100%"
}

func mustFloat(b string) float64 {
	v, _ := strconv.ParseFloat(strings.TrimSuffix(b, "%"), 64)
	return v
}

// checkPeriod returns why p is not a metric period, or "": 1, 5, 10 or 30
// seconds (high-resolution metrics), or a multiple of 60.
func checkPeriod(p int) string {
	switch {
	case p == 1 || p == 5 || p == 10 || p == 30:
		return ""
	case p >= 60 && p%60 == 0:
		return ""
	}
	return fmt.Sprintf("period %d is not 1, 5, 10, 30 or a multiple of 60 seconds", p)
}
