package events_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

// TestEventPattern answers with the emulator's matcher, and its errors
// name what is wrong: InvalidEventPatternException for the pattern,
// ValidationException for the event.
func TestTestEventPattern(t *testing.T) {
	_, _, c := served(t)
	ctx := context.Background()
	const event = `{"id":"1","account":"0","source":"alchemiser.strategy","time":"2026-03-02T14:35:00Z","region":"us-east-1",` +
		`"resources":[],"detail-type":"SignalGenerated","detail":{"employees":[{"first":"Anna","last":"Smith"},{"first":"Peter","last":"Jones"}]}}`
	for _, tc := range []struct {
		name, pattern, event string
		want                 bool
		code, msg            string
	}{
		{name: "match", pattern: `{"source":["alchemiser.strategy"],"detail":{"employees":{"first":["Anna"],"last":["Smith"]}}}`, event: event, want: true},
		{name: "across elements", pattern: `{"detail":{"employees":{"first":["Anna"],"last":["Jones"]}}}`, event: event, want: false},
		{name: "invalid pattern", pattern: `{"detail":{"x":[{"prefx":"a"}]}}`, event: event,
			code: "InvalidEventPatternException", msg: `Event pattern is not valid. Reason: invalid event pattern at detail.x[0].prefx: unknown operator "prefx"`},
		{name: "reserved word in $or", pattern: `{"$or":[{"numeric":[1]},{"source":["x"]}]}`, event: event,
			code: "InvalidEventPatternException", msg: `"numeric" is an operator name, which cannot name a field inside $or`},
		{name: "mapped cidr", pattern: `{"detail":{"ip":[{"cidr":"::ffff:10.0.0.0/104"}]}}`, event: event,
			code: "InvalidEventPatternException", msg: "write the IPv4 block 10.0.0.0/8"},
		{name: "malformed event", pattern: `{"source":["x"]}`, event: strings.Replace(event, `"detail":{`, `"n":01,"detail":{`, 1),
			code: "ValidationException", msg: "Parameter Event is not valid. Reason: event JSON at byte"},
		{name: "missing fields", pattern: `{"source":["x"]}`, event: `{"source":"x","detail":{}}`,
			code: "ValidationException", msg: "missing required field(s) id, account, time, region, resources, detail-type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.TestEventPattern(ctx, &eventbridge.TestEventPatternInput{EventPattern: aws.String(tc.pattern), Event: aws.String(tc.event)})
			if tc.code == "" {
				if err != nil || out.Result != tc.want {
					t.Fatalf("TestEventPattern = %v, %v; want %v", out, err, tc.want)
				}
				return
			}
			if errorCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("TestEventPattern: %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
}
