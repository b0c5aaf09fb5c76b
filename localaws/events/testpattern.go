package events

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/emulator/eventpattern"
)

// CodeInvalidEventPattern is EventBridge's error for a pattern it cannot
// use (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html).
const CodeInvalidEventPattern = "InvalidEventPatternException"

type testEventPatternIn struct {
	Event        *string `json:"Event,omitempty"`
	EventPattern *string `json:"EventPattern,omitempty"`
}

type testEventPatternOut struct {
	Result bool `json:"Result"`
}

// eventRequired are the envelope fields TestEventPattern's Event must
// have (the API reference's list).
var eventRequired = []string{"id", "account", "source", "time", "region", "resources", "detail-type"}

// testEventPattern is TestEventPattern with the emulator's matcher: an
// invalid pattern is InvalidEventPatternException naming what is wrong
// and where; an event that is not valid JSON, not an object or without
// the required fields is a ValidationException.
func (e *Events) testEventPattern(_ context.Context, in *testEventPatternIn) (*testEventPatternOut, error) {
	if in.EventPattern == nil || in.Event == nil {
		return nil, awsapi.Validationf("1 validation error detected: Event and EventPattern are required")
	}
	p, err := eventpattern.Compile([]byte(*in.EventPattern))
	if err != nil {
		return nil, awsapi.Errorf(CodeInvalidEventPattern, "Event pattern is not valid. Reason: %s", err)
	}
	ok, err := p.Match([]byte(*in.Event))
	if err != nil {
		return nil, awsapi.Validationf("Parameter Event is not valid. Reason: %s", err)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal([]byte(*in.Event), &env); err != nil {
		return nil, awsapi.Validationf("Parameter Event is not valid. Reason: %s", err)
	}
	var missing []string
	for _, f := range eventRequired {
		if _, ok := env[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, awsapi.Validationf("Parameter Event is not valid. Reason: missing required field(s) %s.", strings.Join(missing, ", "))
	}
	return &testEventPatternOut{Result: ok}, nil
}
