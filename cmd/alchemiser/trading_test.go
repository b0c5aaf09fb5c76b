package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// fakeSSM speaks SSM's JSON 1.1 protocol for GetParameter and
// PutParameter, records each request, and answers as SSM does: 400 with
// {"__type": "ParameterNotFound"} for a parameter it does not hold.
type fakeSSM struct {
	mu     sync.Mutex
	params map[string]string
	calls  []ssmCall
	fail   string // when set, every request fails with this error code
	failOp string // when set, only this operation fails with fail
}

// ssmCall is one request, as the fake decoded it.
type ssmCall struct {
	Op        string
	Name      string `json:"Name"`
	Value     string `json:"Value"`
	Type      string `json:"Type"`
	Overwrite bool   `json:"Overwrite"`
}

func (f *fakeSSM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	var c ssmCall
	if err := json.Unmarshal(body, &c); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.Op = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonSSM.")
	f.calls = append(f.calls, c)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(code, msg string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
	}
	value, ok := f.params[c.Name]
	switch {
	case f.fail != "" && (f.failOp == "" || f.failOp == c.Op):
		fail(f.fail, "no")
	case c.Op == "GetParameter" && !ok:
		fail("ParameterNotFound", "")
	case c.Op == "GetParameter":
		_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{"Name": c.Name, "Value": value, "Type": "String", "Version": 1}})
	case c.Op == "PutParameter":
		f.params[c.Name] = c.Value
		_ = json.NewEncoder(w).Encode(map[string]any{"Version": 2, "Tier": "Standard"})
	default:
		fail("InvalidAction", "unexpected "+c.Op)
	}
}

// took returns the requests made since the last call, and forgets them.
func (f *fakeSSM) took() []ssmCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

// cliResult is one run of the CLI.
type cliResult struct {
	stdout, stderr string
	code           int
}

// tradingEnv points the AWS SDK at f and returns a way to run the CLI.
func tradingEnv(t *testing.T, f *fakeSSM) func(args ...string) cliResult {
	t.Helper()
	opsEnv(t, f) // the environment
	return func(args ...string) cliResult {
		var out, errb bytes.Buffer
		code := exitCode(run(context.Background(), args, nil, &out, &errb), &errb)
		return cliResult{out.String(), errb.String(), code}
	}
}

const param = "/alchemiser/trading-enabled"

func TestTradingHaltResumeStatus(t *testing.T) {
	f := &fakeSSM{params: map[string]string{param: "true"}}
	cli := tradingEnv(t, f)
	get := ssmCall{Op: "GetParameter", Name: param}
	put := func(v string) ssmCall {
		return ssmCall{Op: "PutParameter", Name: param, Value: v, Type: "String", Overwrite: true}
	}
	for _, c := range []struct {
		args   []string
		stdout string
		calls  []ssmCall
		value  string // the parameter's value afterwards
	}{
		{[]string{"trading", "status", "--stack", "alchemiser"},
			"trading enabled: /alchemiser/trading-enabled = true; the execution function places the orders of every later plan\n",
			[]ssmCall{get}, "true"},
		{[]string{"trading", "halt", "--stack", "alchemiser"},
			"trading halted: /alchemiser/trading-enabled = false; the execution function refuses every later plan before any order\n",
			[]ssmCall{get, put("false")}, "false"},
		{[]string{"trading", "status", "--parameter", param},
			"trading halted: /alchemiser/trading-enabled = false; the execution function refuses every later plan before any order\n",
			[]ssmCall{get}, "false"},
		{[]string{"trading", "halt", "--parameter", param}, // again: still halted
			"trading halted: /alchemiser/trading-enabled = false; the execution function refuses every later plan before any order\n",
			[]ssmCall{get, put("false")}, "false"},
		{[]string{"trading", "resume", "--parameter=" + param},
			"trading enabled: /alchemiser/trading-enabled = true; the execution function places the orders of every later plan\n",
			[]ssmCall{get, put("true")}, "true"},
	} {
		r := cli(c.args...)
		if r.code != 0 || r.stdout != c.stdout || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want stdout %q", c.args, r.code, r.stdout, r.stderr, c.stdout)
		}
		if calls := f.took(); !reflect.DeepEqual(calls, c.calls) {
			t.Errorf("%v: SSM requests %+v, want %+v", c.args, calls, c.calls)
		}
		if f.params[param] != c.value {
			t.Errorf("%v: parameter %q, want %q", c.args, f.params[param], c.value)
		}
	}
}

func TestTradingJSON(t *testing.T) {
	f := &fakeSSM{params: map[string]string{param: "true"}}
	cli := tradingEnv(t, f)
	for _, c := range []struct {
		verb string
		want map[string]string
	}{
		{"status", map[string]string{"parameter": param, "value": "true", "trading": "enabled"}},
		{"halt", map[string]string{"parameter": param, "value": "false", "trading": "halted"}},
		{"status", map[string]string{"parameter": param, "value": "false", "trading": "halted"}},
		{"resume", map[string]string{"parameter": param, "value": "true", "trading": "enabled"}},
	} {
		r := cli("trading", c.verb, "--stack", "alchemiser", "--json")
		var got map[string]string
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("%s --json: exit %d, stdout %q (%v), want one object", c.verb, r.code, r.stdout, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s --json: %v, want %v", c.verb, got, c.want)
		}
	}
}

// --stack names the template's parameter with the stack's name for
// AWS::StackName, and that is the parameter SSM is asked for.
func TestTradingStackResolvesTheTemplatesParameter(t *testing.T) {
	for stack, want := range map[string]string{"alchemiser": param, "prod": "/prod/trading-enabled", "Paper-2": "/Paper-2/trading-enabled"} {
		if got, err := killSwitchParameter(stack); err != nil || got != want {
			t.Errorf("stack %s: %q %v, want %q", stack, got, err, want)
		}
	}
	f := &fakeSSM{params: map[string]string{"/prod/trading-enabled": "true", param: "true"}}
	cli := tradingEnv(t, f)
	if r := cli("trading", "halt", "--stack", "prod"); r.code != 0 || !strings.Contains(r.stdout, "/prod/trading-enabled = false") {
		t.Fatalf("halt --stack prod: %+v", r)
	}
	for _, c := range f.took() {
		if c.Name != "/prod/trading-enabled" {
			t.Errorf("SSM asked for %q, want /prod/trading-enabled", c.Name)
		}
	}
	if f.params["/prod/trading-enabled"] != "false" || f.params[param] != "true" {
		t.Errorf("parameters %v: only prod's should be halted", f.params)
	}
}

// Bad usage exits 2, says what to type, and calls no AWS API.
func TestTradingBadUsage(t *testing.T) {
	f := &fakeSSM{params: map[string]string{param: "true"}}
	cli := tradingEnv(t, f)
	verbs := "halt (stop trading), resume (trade again) or status"
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"trading"}, []string{"trading needs a verb: " + verbs}},
		{[]string{"trading", "on"}, []string{verbs, `not "on"`}},
		{[]string{"trading", "off", "--stack", "alchemiser"}, []string{verbs, `not "off"`}},
		{[]string{"trading", "enable", "--parameter", param}, []string{verbs, `not "enable"`}},
		{[]string{"trading", "halt"}, []string{"--stack STACK (e.g. --stack alchemiser", "--parameter NAME (e.g. --parameter /alchemiser/trading-enabled)"}},
		{[]string{"trading", "status", "--stack", ""}, []string{"--stack STACK", "--parameter NAME"}},
		{[]string{"trading", "resume", "--stack", "alchemiser", "--parameter", param}, []string{"give --stack or --parameter, not both"}},
		{[]string{"trading", "halt", "--stack", "9lives"}, []string{`--stack "9lives" is not a CloudFormation stack name`}},
		{[]string{"trading", "halt", "--stack", "a/b"}, []string{`--stack "a/b" is not a CloudFormation stack name`}},
		{[]string{"trading", "halt", "now", "--stack", "alchemiser"}, []string{`unexpected argument "now"`}},
		{[]string{"trading", "status", "--bogus"}, []string{"unknown flag: --bogus"}},
		{[]string{"killswitch", "off", "--parameter", param}, []string{`unknown command "killswitch"`, "trading"}},
	} {
		r := cli(c.args...)
		if r.code != exitUsage || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, want exit 2 and nothing on stdout", c.args, r.code, r.stdout)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: stderr %q does not say %q", c.args, r.stderr, w)
			}
		}
		if calls := f.took(); len(calls) != 0 {
			t.Errorf("%v: SSM called on bad usage: %+v", c.args, calls)
		}
	}
	if f.params[param] != "true" {
		t.Errorf("parameter changed to %q by bad usage", f.params[param])
	}
}

// A value that is neither true nor false is an error naming it, and
// status says what the execution function does with it: halt.
func TestTradingStatusOfAnUnknownValue(t *testing.T) {
	f := &fakeSSM{params: map[string]string{param: "off"}}
	cli := tradingEnv(t, f)
	r := cli("trading", "status", "--stack", "alchemiser")
	if r.code != exitFailed || r.stdout != "" {
		t.Errorf("status: exit %d, stdout %q, want exit 1 and nothing on stdout", r.code, r.stdout)
	}
	for _, w := range []string{`/alchemiser/trading-enabled = "off"`, `neither "false" nor "true"`, "execution function treats it as halted"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("status: stderr %q does not say %q", r.stderr, w)
		}
	}
	r = cli("trading", "status", "--stack", "alchemiser", "--json")
	var got map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != exitFailed ||
		!reflect.DeepEqual(got, map[string]string{"parameter": param, "value": "off", "trading": "halted"}) {
		t.Errorf("status --json: exit %d, stdout %q (%v), want the object with trading halted and exit 1", r.code, r.stdout, err)
	}
	if !strings.Contains(r.stderr, `"off"`) {
		t.Errorf("status --json: stderr %q does not name the value", r.stderr)
	}
	// halt and resume overwrite it.
	if r := cli("trading", "halt", "--stack", "alchemiser"); r.code != 0 || f.params[param] != "false" {
		t.Errorf("halt over %q: %+v", "off", r)
	}
}

// An SSM error exits 1 with AWS's error code; halt writes nothing to a
// parameter that does not exist, so a mistyped stack name is not a halt.
func TestTradingSSMErrors(t *testing.T) {
	f := &fakeSSM{params: map[string]string{param: "true"}}
	cli := tradingEnv(t, f)
	for _, verb := range []string{"halt", "resume", "status"} {
		r := cli("trading", verb, "--stack", "alchemiser-prod")
		if r.code != exitFailed || r.stdout != "" || !strings.Contains(r.stderr, "ssm GetParameter /alchemiser-prod/trading-enabled: ParameterNotFound") {
			t.Errorf("%s on a missing parameter: %+v", verb, r)
		}
		if verb != "status" && !strings.Contains(r.stderr, "nothing written") {
			t.Errorf("%s on a missing parameter: stderr %q does not say nothing was written", verb, r.stderr)
		}
		for _, c := range f.took() {
			if c.Op != "GetParameter" {
				t.Errorf("%s on a missing parameter: %s called", verb, c.Op)
			}
		}
	}
	if _, ok := f.params["/alchemiser-prod/trading-enabled"]; ok {
		t.Error("halt created the parameter of a stack that does not exist")
	}
	f.fail, f.failOp = "ParameterLimitExceeded", "PutParameter"
	if r := cli("trading", "halt", "--parameter", param); r.code != exitFailed || r.stdout != "" ||
		!strings.Contains(r.stderr, "ssm PutParameter /alchemiser/trading-enabled: ParameterLimitExceeded") {
		t.Errorf("halt whose write fails: %+v", r)
	}
	f.fail, f.failOp = "AccessDeniedException", ""
	for _, verb := range []string{"halt", "status"} {
		r := cli("trading", verb, "--parameter", param)
		if r.code != exitFailed || !strings.Contains(r.stderr, "ssm GetParameter /alchemiser/trading-enabled: AccessDeniedException") {
			t.Errorf("%s denied: %+v", verb, r)
		}
	}
}
