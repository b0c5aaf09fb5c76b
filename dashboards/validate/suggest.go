package validate

import (
	"fmt"
	"sort"
	"strings"
)

// suggest returns the option closest to s (case-insensitive edit
// distance), or "" when none is close: one edit, plus one per eight
// characters of s, at most.
func suggest(s string, options []string) string {
	best, bestDist := "", 2+len(s)/8
	sorted := append([]string(nil), options...)
	sort.Strings(sorted)
	for _, o := range sorted {
		if d := distance(strings.ToLower(s), strings.ToLower(o)); d < bestDist && o != s {
			best, bestDist = o, d
		}
	}
	return best
}

// didYouMean is " (did you mean X?)" for the closest option, or "".
func didYouMean(s string, options []string) string {
	if m := suggest(s, options); m != "" {
		return fmt.Sprintf(" (did you mean %s?)", m)
	}
	return ""
}

// distance is the edit distance between a and b in bytes, counting a
// swap of neighbours as one edit (optimal string alignment); inputs are
// capped so a hostile body cannot make it quadratic in its size.
func distance(a, b string) int {
	const maxLen = 256
	if len(a) > maxLen || len(b) > maxLen {
		return maxLen
	}
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		older, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], older[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, older
	}
	return rows[1][len(b)]
}

// keys returns m's keys, sorted.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
