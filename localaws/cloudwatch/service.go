package cloudwatch

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// Config is what the service reads.
type Config struct {
	// RunDir is the local stack's run directory, whose metrics the
	// service serves and the alarms evaluate.
	RunDir string
	// Region, AccountID and StackName are the deployment's, for names
	// and ARNs: Topology's when it is given, else us-east-1,
	// 000000000000 and alchemiser.
	Region, AccountID, StackName string
	// Now is the clock; time.Now when nil. Nothing else tells the time.
	Now func() time.Time
	// Created is when the alarms were created (they start in
	// INSUFFICIENT_DATA then) and the dashboards last modified; Now() at
	// New when zero.
	Created time.Time
	// Spec is the SLO spec the alarms are generated from; the built-in
	// alarms/slos.yaml when nil.
	Spec *alarms.Spec
	// Topology is the template the stack was deployed from, resolved;
	// the embedded template.yaml loaded with Region, AccountID and
	// StackName when nil.
	Topology *topology.Topology
}

func (c Config) withDefaults() (Config, error) {
	if t := c.Topology; t != nil {
		c.Region, c.AccountID, c.StackName = cmp.Or(c.Region, t.Region), cmp.Or(c.AccountID, t.Account), cmp.Or(c.StackName, t.StackName)
	}
	c.Region = cmp.Or(c.Region, "us-east-1")
	c.AccountID = cmp.Or(c.AccountID, "000000000000")
	c.StackName = cmp.Or(c.StackName, "alchemiser")
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Created.IsZero() {
		c.Created = c.Now()
	}
	if c.RunDir == "" {
		return c, errors.New("cloudwatch: Config.RunDir is empty")
	}
	var err error
	if c.Spec == nil {
		if c.Spec, err = alarms.DefaultSpec(nil); err != nil {
			return c, fmt.Errorf("could not read the SLO spec: %w", err)
		}
	}
	if c.Topology == nil {
		c.Topology, err = topology.Load("template.yaml", alchemiser.Template,
			topology.Options{StackName: c.StackName, Region: c.Region, Account: c.AccountID})
		if err != nil {
			return c, fmt.Errorf("could not load the template: %w", err)
		}
	}
	return c, nil
}

// CloudWatch serves the run's metrics, the stack's alarms and its
// dashboards.
type CloudWatch struct {
	cfg        Config
	alarms     *Alarms
	defs       map[string]*alarmDef
	dashboards []dashboard
}

// New reads the template's alarms and dashboards and starts the alarms
// in INSUFFICIENT_DATA at cfg.Created.
func New(cfg Config) (*CloudWatch, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	top := cfg.Topology
	store := newMetricStore(cfg.RunDir, cfg.Spec.Namespace)
	a, err := newAlarms(cfg.Spec, top, store, cfg.Created)
	if err != nil {
		return nil, fmt.Errorf("could not build the alarms: %w", err)
	}
	defs, err := alarmDefinitions(top, a.arn)
	if err != nil {
		return nil, err
	}
	ds, err := dashboardsOf(cfg, top)
	if err != nil {
		return nil, err
	}
	return &CloudWatch{cfg: cfg, alarms: a, defs: defs, dashboards: ds}, nil
}

// Alarms is the alarm evaluation the service reports.
func (c *CloudWatch) Alarms() *Alarms { return c.alarms }

// Error codes: the shape names the SDKs map to typed errors, and the
// codes the query protocol gives them (the model's awsQueryError traits).
const (
	codeInvalidParameterValue       = "InvalidParameterValueException"
	codeInvalidParameterCombination = "InvalidParameterCombinationException"
	codeMissingParameter            = "MissingRequiredParameterException"
	codeInvalidNextToken            = "InvalidNextToken"
	codeDashboardNotFound           = "DashboardNotFoundError"
)

var queryErrors = map[string]string{
	codeInvalidParameterValue:       "InvalidParameterValue;Sender",
	codeInvalidParameterCombination: "InvalidParameterCombination;Sender",
	codeMissingParameter:            "MissingParameter;Sender",
	codeInvalidNextToken:            "InvalidNextToken;Sender",
	codeDashboardNotFound:           "ResourceNotFound;Sender",
	awsapi.CodeValidation:           "ValidationError;Sender",
}

// Service is the CloudWatch API: the Go SDK's rpcv2Cbor and the AWS
// CLI's awsQuery.
func (c *CloudWatch) Service() awsapi.Service {
	return awsapi.Service{SigningName: "monitoring", Protocols: awsapi.CBOR | awsapi.Query,
		CBORName: "GraniteServiceVersion20100801", XMLNamespace: "http://monitoring.amazonaws.com/doc/2010-08-01/",
		QueryErrors: queryErrors,
		Operations: map[string]awsapi.Operation{
			"ListMetrics":          awsapi.Op(c.listMetrics),
			"GetMetricData":        awsapi.Op(c.getMetricData),
			"DescribeAlarms":       awsapi.Op(c.describeAlarms),
			"DescribeAlarmHistory": awsapi.Op(c.describeAlarmHistory),
			"GetDashboard":         awsapi.Op(c.getDashboard),
			"ListDashboards":       awsapi.Op(c.listDashboards),
		}}
}

// Tokens are an operation's name and an offset, so a token of one
// operation is refused by another.
func token(op string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(op + ":" + strconv.Itoa(offset)))
}

func readToken(op, tok string) (int, error) {
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	rest, ok := strings.CutPrefix(string(b), op+":")
	n, nerr := strconv.Atoi(rest)
	if err != nil || !ok || nerr != nil || n < 0 {
		return 0, awsapi.Errorf(codeInvalidNextToken, "the next token %q is not one %s returned", tok, op)
	}
	return n, nil
}

// page is items[offset:offset+size] and the token of the rest.
func page[T any](op string, items []T, offset, size int) ([]T, string) {
	offset = min(offset, len(items))
	end := min(offset+size, len(items))
	next := ""
	if end < len(items) {
		next = token(op, end)
	}
	return items[offset:end], next
}
