package validate

import (
	"fmt"
	"regexp"
	"strings"
)

// maxAlarms is the ARNs an alarm status widget holds: "1-100 ARNs".
const maxAlarms = 100

var (
	// alarmARNRE is arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm:NAME.
	alarmARNRE = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|\$\{AWS::Partition\}):cloudwatch:(\$\{AWS::Region\}|[^:]*):(\$\{AWS::AccountId\}|[^:]*):alarm:(.+)$`)
	// stackNameRE is a CloudFormation stack name: a letter, then letters,
	// digits and hyphens, 128 at most; or the template's placeholder.
	stackNameRE = regexp.MustCompile(`^(?:\$\{AWS::StackName\}|[A-Za-z][-A-Za-z0-9]{0,127})$`)
)

// alarmWidget checks an alarm status widget.
func (c *checker) alarmWidget(props *node, path string) {
	c.fields(props, path, "an alarm widget", "alarms", "sortBy", "states", "title")
	c.str(props, path, "title", false)
	c.enum(props, path, "sortBy", "default", "stateUpdatedTimestamp", "timestamp")
	c.states(props, path)
	alarms, ap := child(props, path, "alarms")
	if alarms == nil {
		c.errorf(props, ap, "alarms is required")
		return
	}
	if !c.is(alarms, ap, kindArray, "alarms") {
		return
	}
	if n := len(alarms.items); n == 0 || n > maxAlarms {
		c.errorf(alarms, ap, "%d alarms: an alarm widget holds 1 to %d", n, maxAlarms)
	}
	for i, arn := range alarms.items {
		c.alarmARN(arn, fmt.Sprintf("%s/%d", ap, i))
	}
}

func (c *checker) states(props *node, path string) {
	states, sp := child(props, path, "states")
	if states == nil || !c.is(states, sp, kindArray, "states") {
		return
	}
	for i, s := range states.items {
		p := fmt.Sprintf("%s/%d", sp, i)
		if c.is(s, p, kindString, "a state") && !contains([]string{"ALARM", "INSUFFICIENT_DATA", "OK"}, s.str) {
			c.errorf(s, p, "state %q is not one of ALARM, INSUFFICIENT_DATA, OK", s.str)
		}
	}
}

// alarmARN checks that n is the ARN of an alarm the template declares.
// Region, account and stack name may be the template's placeholders
// (${AWS::Region}, ${AWS::AccountId}, ${AWS::StackName}) or real values.
func (c *checker) alarmARN(n *node, path string) {
	if !c.is(n, path, kindString, "an alarm ARN") {
		return
	}
	m := alarmARNRE.FindStringSubmatch(n.str)
	switch {
	case m == nil:
		c.errorf(n, path, "%q is not an alarm ARN (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)", n.str)
	case !regionRE.MatchString(m[2]):
		c.errorf(n, path, "alarm ARN region %q is not an AWS Region or ${AWS::Region}", m[2])
	case !accountRE.MatchString(m[3]):
		c.errorf(n, path, "alarm ARN account %q is not a 12-digit account id or ${AWS::AccountId}", m[3])
	case !c.k.alarmDeclared(m[4]):
		c.errorf(n, path, "alarm %s is not declared in the template%s", m[4], didYouMean(alarmSuffix(m[4]), keys(c.k.Alarms)))
	}
}

// alarmDeclared reports whether name is STACK-alarm with STACK a stack
// name (or ${AWS::StackName}) and alarm a known alarm.
func (k Known) alarmDeclared(name string) bool {
	for i := range len(name) {
		if name[i] == '-' && k.Alarms[name[i+1:]] && stackNameRE.MatchString(name[:i]) {
			return true
		}
	}
	return false
}

// alarmSuffix strips the ${AWS::StackName}- prefix, for suggestions.
func alarmSuffix(name string) string {
	return strings.TrimPrefix(name, stackRef+"-")
}
