package console

import (
	"strings"
	"testing"
	"time"
)

func TestAlarmAndDashboard(t *testing.T) {
	if got, want := Alarm("us-east-1", "alchemiser-events-dlq-not-empty"),
		"https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/alchemiser-events-dlq-not-empty"; got != want {
		t.Errorf("alarm:\n got %s\nwant %s", got, want)
	}
	from := time.Date(2026, 12, 4, 14, 35, 0, 0, time.FixedZone("EST", -5*3600))
	got := Dashboard("eu-west-1", "Alchemiser-alchemiser", from, from.Add(time.Hour))
	want := "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/Alchemiser-alchemiser?start=2026-12-04T19:35:00.000Z&end=2026-12-04T20:35:00.000Z"
	if got != want {
		t.Errorf("dashboard:\n got %s\nwant %s", got, want)
	}
	if got := Dashboard("eu-west-1", "a b", time.Time{}, time.Time{}); !strings.HasSuffix(got, "#dashboards/dashboard/a%20b") {
		t.Errorf("dashboard without range: %s", got)
	}
}

func TestLogsInsightsRelative(t *testing.T) {
	got := LogsInsights("us-east-1", "fields @timestamp, @message\n| filter level = \"ERROR\"", []string{"/aws/lambda/alchemiser-execution"}, Range{Last: 2 * time.Hour})
	want := "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D" +
		"~(end~0~start~-7200~timeType~'RELATIVE~unit~'seconds" +
		"~editorString~'fields*20*40timestamp*2c*20*40message*0a*7c*20filter*20level*20*3d*20*22ERROR*22" +
		"~source~(~'*2faws*2flambda*2falchemiser-execution))"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

func TestLogsInsightsAbsolute(t *testing.T) {
	from := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	got := LogsInsights("us-east-1", "stats count()", []string{"a", "b"}, Range{Start: from, End: from.Add(time.Hour)})
	if !strings.Contains(got, "$3D~(end~'2026-12-04T15*3a00*3a00.000Z~start~'2026-12-04T14*3a00*3a00.000Z~timeType~'ABSOLUTE~tz~'UTC~editorString~'stats*20count*28*29~source~(~'a~'b))") {
		t.Errorf("absolute range: %s", got)
	}
}

func TestJSURLText(t *testing.T) {
	for in, want := range map[string]string{
		"a-b_c.d": "~'a-b_c.d",
		"$x":      "~'!x",
		"é":       "~'*e9",
		"€":       "~'**20ac",
		"😀":       "~'**d83d**de00",
		"":        "~'",
	} {
		if got := JSURL(in); got != want {
			t.Errorf("JSURL(%q) = %s, want %s", in, got, want)
		}
	}
	if got := JSURL(Object{{"n", 1.5}, {"ok", true}, {"none", nil}, {"list", []any{}}}); got != "~(n~1.5~ok~true~none~null~list~())" {
		t.Errorf("object: %s", got)
	}
}
