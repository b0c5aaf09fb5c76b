package runbooks

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/internal/console"
	"github.com/alchemiser/alchemiser/localaws/logs"
)

const consolePrefix = "https://<region>.console.aws.amazon.com/cloudwatch/home?region=<region>#"

// consoleLinks are a runbook's links into the CloudWatch console. A link
// ends at a space, at a ) it did not open (a markdown link's end; Logs
// Insights links hold parentheses) or at a > that closes no placeholder
// (an autolink's end).
func consoleLinks(text string) []string {
	var out []string
	for rest := text; ; {
		i := strings.Index(rest, consolePrefix)
		if i < 0 {
			return out
		}
		rest = rest[i:]
		depth, angle, n := 0, false, len(consolePrefix)
	scan:
		for ; n < len(rest); n++ {
			switch c := rest[n]; {
			case c == ' ' || c == '\n' || c == '\t':
				break scan
			case c == '(':
				depth++
			case c == ')' && depth == 0:
				break scan
			case c == ')':
				depth--
			case c == '<':
				angle = true
			case c == '>' && !angle:
				break scan
			case c == '>':
				angle = false
			}
		}
		// A bare link's trailing punctuation is the sentence's, as GitHub's
		// autolinks read it.
		out = append(out, strings.TrimRight(rest[:n], ".,:;"))
		rest = rest[n:]
	}
}

// Every console link of a runbook opens what it names: an alarm or a
// dashboard template.yaml deploys, or Logs Insights with a deployed
// saved query and its log groups, as package console builds them.
func TestConsoleLinksOpenWhatTheTemplateDeploys(t *testing.T) {
	const stack, region = "alchemiser", "us-east-1"
	template := string(alchemiser.Template)
	defs, err := logs.SavedDefinitions()
	if err != nil {
		t.Fatal(err)
	}
	start, end := time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC), time.Date(2026, 12, 4, 15, 30, 0, 0, time.UTC)
	filled := strings.NewReplacer("<region>", region, "<stack>", stack, "<start>", start.Format(time.RFC3339), "<end>", end.Format(time.RFC3339))
	seen := 0
	for name, text := range runbooks(t) {
		for _, raw := range consoleLinks(text) {
			seen++
			link := filled.Replace(raw)
			_, fragment, _ := strings.Cut(link, "#")
			switch {
			case strings.HasPrefix(fragment, "alarmsV2:alarm/"):
				alarm := strings.TrimPrefix(fragment, "alarmsV2:alarm/")
				if !strings.Contains(template, "AlarmName: !Sub ${AWS::StackName}-"+strings.TrimPrefix(alarm, stack+"-")+"\n") {
					t.Errorf("%s.md links alarm %s, which template.yaml does not deploy", name, alarm)
				}
			case strings.HasPrefix(fragment, "dashboards/dashboard/"):
				dash, query, _ := strings.Cut(strings.TrimPrefix(fragment, "dashboards/dashboard/"), "?")
				if !strings.Contains(template, "DashboardName: !Sub "+strings.Replace(dash, stack, "${AWS::StackName}", 1)+"\n") {
					t.Errorf("%s.md links dashboard %s, which template.yaml does not deploy", name, dash)
				}
				if query != "" && query != "start="+start.Format(time.RFC3339)+"&end="+end.Format(time.RFC3339) {
					t.Errorf("%s.md: dashboard link's range %q, want start=<start>&end=<end>", name, query)
				}
			case strings.HasPrefix(fragment, "logsV2:logs-insights"):
				if !opensASavedQuery(link, region, defs) {
					t.Errorf("%s.md: a Logs Insights link opens no saved query as deployed: %s", name, raw)
				}
			default:
				t.Errorf("%s.md: a console link of no known form: %s", name, raw)
			}
		}
	}
	if seen == 0 {
		t.Error("no runbook links the console")
	}
}

// relativeStart is the -seconds of a relative Logs Insights link.
var relativeStart = regexp.MustCompile(`~start~-(\d+)~timeType~'RELATIVE`)

// opensASavedQuery: link is console.LogsInsights of a saved query's
// string and log groups, over the last N seconds it says.
func opensASavedQuery(link, region string, defs []logs.QueryDefinition) bool {
	m := relativeStart.FindStringSubmatch(link)
	if m == nil {
		return false
	}
	secs, _ := strconv.Atoi(m[1])
	for _, d := range defs {
		// The editor gets the query without the definition's final newline.
		query := strings.TrimSuffix(d.QueryString, "\n")
		if console.LogsInsights(region, query, d.LogGroupNames, console.Range{Last: time.Duration(secs) * time.Second}) == link {
			return true
		}
	}
	return false
}

func TestConsoleLinkScanningAndMatching(t *testing.T) {
	defs := []logs.QueryDefinition{{Name: "q", QueryString: "fields @message\n", LogGroupNames: []string{"/aws/lambda/alchemiser-execution"}}}
	good := console.LogsInsights("us-east-1", "fields @message", defs[0].LogGroupNames, console.Range{Last: time.Hour})
	if !opensASavedQuery(good, "us-east-1", defs) {
		t.Error("the saved query's own link does not match")
	}
	if opensASavedQuery(strings.Replace(good, "message", "msg", 1), "us-east-1", defs) {
		t.Error("a link with another query matches")
	}
	text := "See [it](" + consolePrefix + "logsV2:logs-insights$3FqueryDetail$3D~(a~(~'b))), or " + consolePrefix + "alarmsV2:alarm/<stack>-x.\n"
	got := consoleLinks(text)
	want := []string{consolePrefix + "logsV2:logs-insights$3FqueryDetail$3D~(a~(~'b))", consolePrefix + "alarmsV2:alarm/<stack>-x"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("links %q, want %q", got, want)
	}
}
