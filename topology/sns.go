package topology

import (
	"fmt"
	"slices"
)

// Topic is an SNS topic with the subscriptions the template gives it:
// its AWS::SNS::Subscription resources (those whose Condition holds for
// the parameters the template was resolved with) and the SNS event
// sources of its functions, which SAM turns into lambda subscriptions of
// the function, or of its alias when it has one
// (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-sns.html).
type Topic struct {
	LogicalID, Name, ARN string
	Subscriptions        []Subscription // resources by logical id, then the functions' events
}

// Subscription is one endpoint of a topic.
type Subscription struct {
	// LogicalID is the subscription resource, or "<Function>.<Event>" for
	// a SAM event source.
	LogicalID string
	Protocol  string // email, email-json, sms, http, https, lambda, sqs, ...
	Endpoint  string // the address, URL or ARN
	// Function is the logical id of the subscribed function of the
	// template (protocol lambda), and Qualifier its alias when the
	// endpoint names it.
	Function, Qualifier string
}

// Alarm is a CloudWatch alarm or composite alarm of the template and the
// actions it runs on each state change: ARNs, SNS topics' among them.
type Alarm struct {
	LogicalID, Name, ARN                             string
	Composite                                        bool
	AlarmActions, OKActions, InsufficientDataActions []string
}

// Actions are the actions an alarm runs on entering state (ALARM, OK or
// INSUFFICIENT_DATA).
func (a *Alarm) Actions(state string) []string {
	switch state {
	case "ALARM":
		return a.AlarmActions
	case "OK":
		return a.OKActions
	case "INSUFFICIENT_DATA":
		return a.InsufficientDataActions
	}
	return nil
}

// TopicByARN is the template's topic with that ARN, or nil.
func (t *Topology) TopicByARN(arn string) *Topic {
	for _, tp := range t.Topics {
		if tp.ARN == arn {
			return tp
		}
	}
	return nil
}

// linkSNS builds the topics with their subscriptions, and the alarms with
// their actions, from the resolved resources.
func (l *loader) linkSNS() error {
	t := l.top
	t.Topics, t.Alarms = map[string]*Topic{}, map[string]*Alarm{}
	byARN := map[string]*Topic{}
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		switch r.Type {
		case "AWS::SNS::Topic":
			tp := &Topic{LogicalID: id, Name: l.name(id), ARN: l.arn(id)}
			t.Topics[id], byARN[tp.ARN] = tp, tp
		case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm":
			a := &Alarm{LogicalID: id, Name: l.name(id), Composite: r.Type == "AWS::CloudWatch::CompositeAlarm",
				AlarmActions: strs(r.Properties["AlarmActions"]), OKActions: strs(r.Properties["OKActions"]),
				InsufficientDataActions: strs(r.Properties["InsufficientDataActions"])}
			a.ARN = fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", t.Region, t.Account, a.Name)
			t.Alarms[a.Name] = a
		}
	}
	aliases := map[string]*Function{}
	for _, f := range t.Functions {
		if f.AliasARN != "" {
			aliases[f.AliasARN] = f
		}
	}
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		if r.Type != "AWS::SNS::Subscription" {
			continue
		}
		tp := byARN[str(r.Properties["TopicArn"])]
		if tp == nil {
			return &Error{File: l.file, Line: r.Line, Col: r.Col, Msg: fmt.Sprintf("subscription %s: topic %q is not declared in the template", id, str(r.Properties["TopicArn"]))}
		}
		s := Subscription{LogicalID: id, Protocol: str(r.Properties["Protocol"]), Endpoint: str(r.Properties["Endpoint"])}
		if s.Protocol == "lambda" {
			if f := aliases[s.Endpoint]; f != nil {
				s.Function, s.Qualifier = f.LogicalID, f.Alias
			}
			for fid, f := range t.Functions {
				if f.ARN == s.Endpoint {
					s.Function = fid
				}
			}
		}
		tp.Subscriptions = append(tp.Subscriptions, s)
	}
	return l.snsEvents(byARN)
}

// snsEvents subscribes each function to the topics of its SNS event
// sources, as SAM's transform does: the endpoint is the alias when the
// function has one.
func (l *loader) snsEvents(byARN map[string]*Topic) error {
	t := l.top
	for _, fid := range sortedKeys(t.Functions) {
		f := t.Functions[fid]
		events, _ := t.Resources[fid].Properties["Events"].(map[string]any)
		for _, name := range sortedKeys(events) {
			ev, _ := events[name].(map[string]any)
			if ev["Type"] != "SNS" {
				continue
			}
			arn := str(dig(ev, "Properties", "Topic"))
			tp := byARN[arn]
			if tp == nil {
				return &Error{File: l.file, Line: f.Line, Col: f.Col, Msg: fmt.Sprintf("function %s event %s: topic %q is not declared in the template", fid, name, arn)}
			}
			s := Subscription{LogicalID: fid + "." + name, Protocol: "lambda", Endpoint: f.ARN, Function: fid}
			if f.AliasARN != "" {
				s.Endpoint, s.Qualifier = f.AliasARN, f.Alias
			}
			tp.Subscriptions = append(tp.Subscriptions, s)
		}
	}
	return nil
}

// strs is a list property's strings.
func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s := str(x); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
