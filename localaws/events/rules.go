package events

import (
	"context"
	"fmt"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

type describeEventBusIn struct {
	Name string `json:"Name,omitempty"`
}

type describeEventBusOut struct {
	Name         string       `json:"Name"`
	Arn          string       `json:"Arn"`
	CreationTime *awsapi.Time `json:"CreationTime,omitempty"`
}

// describeEventBus is DescribeEventBus: by name or ARN, the default bus
// when none
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html).
func (e *Events) describeEventBus(_ context.Context, in *describeEventBusIn) (*describeEventBusOut, error) {
	b, ok := e.busOf(in.Name)
	if !ok {
		return nil, notFound("Event bus %s does not exist.", in.Name)
	}
	return &describeEventBusOut{Name: b.name, Arn: b.arn, CreationTime: awsapi.At(e.created)}, nil
}

type listRulesIn struct {
	NamePrefix   string `json:"NamePrefix,omitempty"`
	EventBusName string `json:"EventBusName,omitempty"`
	NextToken    string `json:"NextToken,omitempty"`
	Limit        int32  `json:"Limit,omitempty"`
}

type ruleOut struct {
	Name               string `json:"Name"`
	Arn                string `json:"Arn"`
	EventPattern       string `json:"EventPattern,omitempty"`
	State              string `json:"State"`
	Description        string `json:"Description,omitempty"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	EventBusName       string `json:"EventBusName"`
}

type listRulesOut struct {
	Rules     []ruleOut `json:"Rules"`
	NextToken string    `json:"NextToken,omitempty"`
}

// listRules is ListRules: the template's rules on one bus, by name
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRules.html).
func (e *Events) listRules(_ context.Context, in *listRulesIn) (*listRulesOut, error) {
	b, ok := e.busOf(in.EventBusName)
	if !ok {
		return nil, notFound("Event bus %s does not exist.", in.EventBusName)
	}
	var all []ruleOut
	for _, r := range e.top.Rules {
		if r.Bus != b.id {
			continue
		}
		props := e.top.Resources[r.LogicalID].Properties
		all = append(all, ruleOut{Name: r.Name, Arn: r.ARN, EventPattern: pattern(r.Pattern), State: "ENABLED",
			Description: str(props["Description"]), ScheduleExpression: str(props["ScheduleExpression"]), EventBusName: b.name})
	}
	rules, next, err := page(all, func(r ruleOut) string { return r.Name }, in.NamePrefix, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	if rules == nil {
		rules = []ruleOut{}
	}
	return &listRulesOut{Rules: rules, NextToken: next}, nil
}

// pattern is an event pattern as the API gives it: a JSON string.
func pattern(raw []byte) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw)
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
