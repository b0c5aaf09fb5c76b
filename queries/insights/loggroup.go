package insights

import "strings"

// MatchGroup reports whether a log group is one of wanted, the one rule
// for `alchemiser query --log-group`, saved queries' log-groups headers,
// dashboards' SOURCE clauses and the chaos checks. A wanted entry is
//
//   - a full name: /aws/lambda/alchemiser-execution;
//   - a short name, the group's last dash- or slash-separated part or
//     parts: execution, alchemiser-execution;
//   - a prefix ending in *: /aws/lambda/alchemiser-* (* alone is every
//     group; a * elsewhere is a literal character);
//   - a log group ARN, arn:aws:logs:REGION:ACCOUNT:log-group:NAME, with
//     or without the :* CloudFormation's GetAtt adds; its NAME is matched
//     as above.
//
// An empty wanted, or an event without a group (an exported file without
// logGroupName), matches.
func MatchGroup(group string, wanted []string) bool {
	if len(wanted) == 0 || group == "" {
		return true
	}
	for _, w := range wanted {
		if matchGroup(group, groupName(w)) {
			return true
		}
	}
	return false
}

func matchGroup(group, w string) bool {
	if prefix, ok := strings.CutSuffix(w, "*"); ok {
		return strings.HasPrefix(group, prefix)
	}
	return group == w || strings.HasSuffix(group, "-"+w) || strings.HasSuffix(group, "/"+w)
}

// groupName is the log group name an ARN names, or w itself.
func groupName(w string) string {
	if !strings.HasPrefix(w, "arn:") {
		return w
	}
	_, name, ok := strings.Cut(w, ":log-group:")
	if !ok {
		return w
	}
	return strings.TrimSuffix(name, ":*")
}
