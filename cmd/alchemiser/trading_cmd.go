package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/topology"
)

// tradingVerbs is what `alchemiser trading` takes, for the messages that
// name them.
const tradingVerbs = "halt (stop trading), resume (trade again) or status"

// newTradingCmd is the kill switch under verbs that cannot be misread:
// halt, resume, status. It replaces `killswitch on|off`, whose "on" meant
// trading enabled, so "kill switch on" resumed trading; there is no
// on/off, and no alias.
func newTradingCmd() *cobra.Command {
	var t tradingTarget
	cmd := &cobra.Command{
		Use:   "trading halt|resume|status (--stack STACK | --parameter NAME) [--json]",
		Short: "Halt or resume trading, or say which: the kill switch the execution function reads before every plan",
		Long: `trading reads or sets the kill switch, the SSM parameter of template.yaml that
the execution function reads before every plan:

  halt    writes "false": every later plan places no order and its workflow
          completes with outcome halted (a plan already placing orders finishes)
  resume  writes "true": later plans trade
  status  prints the value and what the execution function does with it

Name the parameter with --stack STACK (the template's parameter for that stack
name, /STACK/trading-enabled) or --parameter NAME. halt and resume read the
parameter first and write nothing if it does not exist, so a mistyped stack
name fails instead of creating a parameter no function reads.

"true" and "false" are read in any case around white space; any other value
also halts the execution function (it fails closed), but fails the workflow at
step kill_switch (a misconfiguration pages), and status reports it as an error.
A new stack starts halted (the template's value is "false"); resume is the
deliberate act that starts trading. A deployment that updates the
parameter's resource writes "false" back: after such a deploy, check status.

Exit status: 0; 1 when SSM fails or the value is neither true nor false; 2 on
bad usage.`,
		SuggestFor: []string{"killswitch", "kill-switch"},
		Args:       cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("trading needs a verb: " + tradingVerbs)}
			}
			return usageError{fmt.Errorf("trading takes %s, not %q", tradingVerbs, args[0])}
		},
	}
	t.bind(cmd) // so that `trading on --stack S` reaches the message above
	cmd.AddCommand(
		newTradingVerbCmd("halt", "Stop trading: every later plan completes, halted, before any order", `halt writes "false" to the kill-switch parameter (PutParameter, after reading it to
check that it exists): every later plan places no order and its workflow
completes with outcome halted; a plan already placing orders finishes.`, haltTrading),
		newTradingVerbCmd("resume", "Trade again: later plans place their orders", `resume writes "true" to the kill-switch parameter (PutParameter, after reading it
to check that it exists): later plans place their orders.`, resumeTrading),
		newTradingVerbCmd("status", "Say whether trading is halted or enabled", `status reads the kill-switch parameter and says what the execution function does
with its value: "false" halts, "true" trades; any other value halts too (the
function fails closed), and status reports it as an error naming the value
(with --json, after printing the object, trading "halted").`, tradingStatus),
	)
	return cmd
}

// tradingVerbHelp ends each verb's help: naming the parameter, exit status.
const tradingVerbHelp = `

Name the parameter with --stack STACK (the template's parameter for that stack
name, /STACK/trading-enabled) or --parameter NAME. --json prints one object:
{"parameter": NAME, "value": VALUE, "trading": "halted"|"enabled"}.

Exit status: 0; 1 when SSM fails or the value is neither true nor false; 2 on
bad usage.`

// tradingVerb does one verb against the parameter named and returns the
// state to print.
type tradingVerb func(ctx context.Context, c *ssm.Client, name string) (tradingState, error)

func newTradingVerbCmd(verb, short, long string, do tradingVerb) *cobra.Command {
	var t tradingTarget
	cmd := &cobra.Command{
		Use:   verb + " (--stack STACK | --parameter NAME) [--json]",
		Short: short,
		Long:  long + tradingVerbHelp,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			name, err := t.parameter()
			if err != nil {
				return err
			}
			cfg, err := config.LoadDefaultConfig(cmd.Context())
			if err != nil {
				return fmt.Errorf("could not load the AWS configuration: %w", err)
			}
			st, err := do(cmd.Context(), ssm.NewFromConfig(cfg), name)
			if err != nil {
				return err
			}
			return st.print(cmd.OutOrStdout(), t.asJSON)
		},
	}
	t.bind(cmd)
	return cmd
}

// tradingTarget is how the command line names the kill-switch parameter.
type tradingTarget struct {
	stack, param string
	asJSON       bool
}

func (t *tradingTarget) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.stack, "stack", "", "stack name: the kill switch is its template parameter, /STACK/trading-enabled")
	cmd.Flags().StringVar(&t.param, "parameter", "", "the kill-switch SSM parameter's name, e.g. /alchemiser/trading-enabled")
	cmd.Flags().BoolVar(&t.asJSON, "json", false, `one JSON object: {"parameter", "value", "trading": "halted"|"enabled"}`)
}

// parameter is the SSM parameter's name, from --parameter or --stack.
func (t *tradingTarget) parameter() (string, error) {
	switch {
	case t.stack != "" && t.param != "":
		return "", usageError{errors.New("give --stack or --parameter, not both")}
	case t.param != "":
		return t.param, nil
	case t.stack != "":
		return killSwitchParameter(t.stack)
	}
	return "", usageError{errors.New("name the kill switch: --stack STACK (e.g. --stack alchemiser, whose parameter is /alchemiser/trading-enabled) or --parameter NAME (e.g. --parameter /alchemiser/trading-enabled)")}
}

// stackName is what CloudFormation accepts as a stack name: letters,
// digits and hyphens, starting with a letter, at most 128 characters
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html).
var stackName = regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]{0,127}$`)

// killSwitchParameter resolves the kill switch's parameter name for a
// stack from the embedded template: the KILL_SWITCH_PARAMETER its
// functions are given (the variable app/functions/internal/wiring reads),
// with the stack's name for AWS::StackName.
func killSwitchParameter(stack string) (string, error) {
	if !stackName.MatchString(stack) {
		return "", usageError{fmt.Errorf("--stack %q is not a CloudFormation stack name (letters, digits and hyphens, starting with a letter)", stack)}
	}
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{StackName: stack})
	if err != nil {
		return "", fmt.Errorf("could not load the embedded template: %w", err)
	}
	var names []string
	for _, f := range top.OrderedFunctions() {
		if p := f.Env["KILL_SWITCH_PARAMETER"]; p != "" && !slices.Contains(names, p) {
			names = append(names, p)
		}
	}
	if len(names) != 1 {
		return "", fmt.Errorf("template.yaml gives its functions %d kill-switch parameters (KILL_SWITCH_PARAMETER) %v, want one; use --parameter", len(names), names)
	}
	return names[0], nil
}

func haltTrading(ctx context.Context, c *ssm.Client, name string) (tradingState, error) {
	return setTrading(ctx, c, name, handlers.KillSwitchHalted)
}

func resumeTrading(ctx context.Context, c *ssm.Client, name string) (tradingState, error) {
	return setTrading(ctx, c, name, handlers.KillSwitchEnabled)
}

// setTrading writes value once the parameter is known to exist:
// PutParameter with Overwrite creates a parameter that does not exist
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html),
// which for a mistyped name would report trading halted while the stack
// trades on.
func setTrading(ctx context.Context, c *ssm.Client, name, value string) (tradingState, error) {
	if _, err := readParameter(ctx, c, name); err != nil {
		return tradingState{}, fmt.Errorf("%w; nothing written", err)
	}
	_, err := c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value),
		Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true)})
	if err != nil {
		return tradingState{}, ssmError("PutParameter", name, err)
	}
	on, _ := handlers.TradingEnabledValue(value)
	return tradingState{Parameter: name, Value: value, enabled: on}, nil
}

// tradingStatus reads the parameter; a value that is neither true nor
// false is an error, after its state is printed as JSON when asked for.
func tradingStatus(ctx context.Context, c *ssm.Client, name string) (tradingState, error) {
	value, err := readParameter(ctx, c, name)
	if err != nil {
		return tradingState{}, err
	}
	on, err := handlers.TradingEnabledValue(value)
	st := tradingState{Parameter: name, Value: value, enabled: on}
	if err != nil {
		st.problem = fmt.Errorf("%s = %q, which is neither %q nor %q: the execution function treats it as halted and refuses every plan before any order (step kill_switch); set it with alchemiser trading halt or resume",
			name, value, handlers.KillSwitchHalted, handlers.KillSwitchEnabled)
	}
	return st, nil
}

func readParameter(ctx context.Context, c *ssm.Client, name string) (string, error) {
	out, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		return "", ssmError("GetParameter", name, err)
	}
	return aws.ToString(out.Parameter.Value), nil
}

// ssmError names the operation, the parameter and AWS's error code
// (ParameterNotFound, AccessDeniedException, ...), the part an operator
// acts on, and keeps the SDK's error for errors.As.
func ssmError(op, name string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		msg := fmt.Sprintf("ssm %s %s: %s", op, name, api.ErrorCode())
		if m := api.ErrorMessage(); m != "" {
			msg += ": " + m
		}
		if api.ErrorCode() == "ParameterNotFound" {
			msg += " (check --stack or --parameter, and the region)"
		}
		return &awsCallError{msg: msg, err: err}
	}
	return fmt.Errorf("ssm %s %s: %w", op, name, err)
}

// awsCallError is an AWS error with a shorter message than the SDK's.
type awsCallError struct {
	msg string
	err error
}

func (e *awsCallError) Error() string { return e.msg }
func (e *awsCallError) Unwrap() error { return e.err }

// tradingState is the kill switch's state as printed.
type tradingState struct {
	Parameter string `json:"parameter"`
	Value     string `json:"value"`
	Trading   string `json:"trading"` // what the execution function does: halted or enabled
	enabled   bool
	problem   error // the value is neither true nor false
}

func (s tradingState) print(w io.Writer, asJSON bool) error {
	s.Trading = map[bool]string{true: "enabled", false: "halted"}[s.enabled]
	if asJSON {
		if err := json.NewEncoder(w).Encode(s); err != nil {
			return err
		}
		return s.problem
	}
	if s.problem != nil {
		return s.problem
	}
	_, err := fmt.Fprintln(w, s.text())
	return err
}

func (s tradingState) text() string {
	line := fmt.Sprintf("trading %s: %s = %s", s.Trading, s.Parameter, strings.TrimSpace(s.Value))
	if s.enabled {
		return line + "; the execution function places the orders of every later plan"
	}
	return line + "; the execution function refuses every later plan before any order"
}
