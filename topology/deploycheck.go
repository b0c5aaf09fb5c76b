package topology

import "fmt"

// invokers are the services whose Lambda permissions must name an alias:
// the rules and the schedules.
var invokers = map[string]bool{"events.amazonaws.com": true, "scheduler.amazonaws.com": true}

// alarmTypes are the resource types a DeploymentPreference may watch.
var alarmTypes = map[string]bool{"AWS::CloudWatch::Alarm": true, "AWS::CloudWatch::CompositeAlarm": true}

// checkDeploys reports what breaks gradual deploys: every function has
// an AutoPublishAlias and a DeploymentPreference whose Alarms are alarms
// of the template; every rule target and schedule that invokes a
// function invokes its alias, and so does every Lambda permission
// granted to EventBridge or Scheduler. A target of the unqualified
// function runs $LATEST, whatever version the alias is shifting to or
// rolling back to.
func checkDeploys(t *Topology) []Finding {
	var out []Finding
	add := func(id string, line int, format string, args ...any) {
		out = append(out, Finding{Resource: id, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, f := range t.OrderedFunctions() {
		checkDeployment(t, f, func(format string, args ...any) { add(f.LogicalID, f.Line, format, args...) })
	}
	for _, r := range t.Rules {
		for _, tg := range r.Targets {
			if t.Functions[tg.Function] != nil && tg.Qualifier == "" {
				add(r.LogicalID, r.Line, "target %s invokes function %s unqualified; target its alias (!Ref %s)", tg.ID, tg.Function, aliasHint(t, tg.Function))
			}
		}
	}
	for _, s := range t.Schedules {
		if t.Functions[s.Function] != nil && s.Qualifier == "" {
			add(s.LogicalID, t.Resources[s.LogicalID].Line, "schedule invokes function %s unqualified; target its alias (!Ref %s)", s.Function, aliasHint(t, s.Function))
		}
	}
	for _, id := range sortedKeys(t.Resources) {
		r := t.Resources[id]
		if r.Type != "AWS::Lambda::Permission" || !invokers[str(r.Properties["Principal"])] {
			continue
		}
		if f := unqualified(t, str(r.Properties["FunctionName"])); f != nil {
			add(id, r.Line, "permission lets %s invoke function %s unqualified; grant it on the alias (!Ref %s)", r.Properties["Principal"], f.LogicalID, aliasHint(t, f.LogicalID))
		}
	}
	return out
}

func checkDeployment(t *Topology, f *Function, add func(string, ...any)) {
	if f.Alias == "" {
		add("no AutoPublishAlias: a deploy replaces the code in place, with no version to shift traffic from or roll back to")
	}
	switch d := f.Deployment; {
	case d == nil:
		add("no DeploymentPreference: nothing shifts traffic gradually or rolls a bad deploy back")
	case d.Type == "":
		add("DeploymentPreference has no Type (AllAtOnce, Canary…, Linear…)")
	case !d.Enabled:
		add("DeploymentPreference is not enabled")
	case len(d.Alarms) == 0:
		add("DeploymentPreference has no Alarms: nothing rolls a bad deploy back")
	default:
		for _, a := range d.Alarms {
			if !alarmTypes[t.Resources[a].Type] {
				add("DeploymentPreference alarm %q is not an alarm of the template", a)
			}
		}
	}
}

// unqualified is the function whose name or ARN fn is, unqualified; nil
// when fn names an alias, a version or no function of the template.
func unqualified(t *Topology, fn string) *Function {
	for _, f := range t.Functions {
		if fn == f.Name || fn == f.ARN || fn == f.LogicalID {
			return f
		}
	}
	return nil
}

// aliasHint is the logical id of function id's alias, or its pattern when
// the function has none.
func aliasHint(t *Topology, id string) string {
	if f := t.Functions[id]; f != nil && f.Alias != "" {
		return AliasLogicalID(id, f.Alias)
	}
	return id + "Alias<name>"
}
