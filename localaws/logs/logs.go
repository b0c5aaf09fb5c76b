package logs

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// Config is what the service reads.
type Config struct {
	// RunDir is the local stack's run directory; its cloudwatch/*.jsonl
	// are the log groups. Required; it may not exist yet.
	RunDir string
	// Region and AccountID make the ARNs; us-east-1 and 000000000000
	// when empty.
	Region, AccountID string
	// Now is the clock: queries' creation times and their retention.
	// time.Now when nil.
	Now func() time.Time
	// LogGroups are groups that exist before their first event (the
	// template's functions' groups); the run directory's files add the
	// rest.
	LogGroups []string
	// QueryDefinitions are the saved queries DescribeQueryDefinitions
	// lists; SavedDefinitions() (package queries, as template.yaml
	// deploys them) when nil.
	QueryDefinitions []QueryDefinition
	// MaxQueries is how many queries' results are kept, the newest;
	// DefaultMaxQueries when zero.
	MaxQueries int
	// QueryRetention is how long a query's results are kept;
	// DefaultQueryRetention when zero.
	QueryRetention time.Duration
}

// Defaults.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
	// DefaultMaxQueries bounds the memory the query results take.
	DefaultMaxQueries = 100
	// DefaultQueryRetention is AWS's: GetQueryResults answers for 7 days.
	DefaultQueryRetention = 7 * 24 * time.Hour
)

// Logs is the CloudWatch Logs service over a run directory. Its
// operations are safe for concurrent use.
type Logs struct {
	cfg     Config
	defs    []QueryDefinition
	files   *fileCache
	mu      sync.Mutex
	queries []*query // oldest first
}

// New is the service for cfg.
func New(cfg Config) (*Logs, error) {
	if strings.TrimSpace(cfg.RunDir) == "" {
		return nil, errors.New("logs: Config.RunDir is required")
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxQueries <= 0 {
		cfg.MaxQueries = DefaultMaxQueries
	}
	if cfg.QueryRetention <= 0 {
		cfg.QueryRetention = DefaultQueryRetention
	}
	defs := cfg.QueryDefinitions
	if defs == nil {
		var err error
		if defs, err = SavedDefinitions(); err != nil {
			return nil, err
		}
	}
	defs = slices.Clone(defs)
	slices.SortStableFunc(defs, func(a, b QueryDefinition) int { return strings.Compare(a.Name, b.Name) })
	return &Logs{cfg: cfg, defs: defs, files: newFileCache()}, nil
}

// Service is the awsJson1_1 API, as the SDKs and the AWS CLI call it.
func (l *Logs) Service() awsapi.Service {
	return awsapi.Service{
		SigningName:  "logs",
		Protocols:    awsapi.JSON,
		TargetPrefix: "Logs_20140328",
		JSONVersion:  "1.1",
		Operations: map[string]awsapi.Operation{
			"DescribeLogGroups":        awsapi.Op(l.describeLogGroups),
			"DescribeLogStreams":       awsapi.Op(l.describeLogStreams),
			"FilterLogEvents":          awsapi.Op(l.filterLogEvents),
			"GetLogEvents":             awsapi.Op(l.getLogEvents),
			"StartQuery":               awsapi.Op(l.startQuery),
			"GetQueryResults":          awsapi.Op(l.getQueryResults),
			"StopQuery":                awsapi.Op(l.stopQuery),
			"DescribeQueries":          awsapi.Op(l.describeQueries),
			"DescribeQueryDefinitions": awsapi.Op(l.describeQueryDefinitions),
		},
	}
}

// Error codes of the Logs API.
const (
	codeInvalidParameter = "InvalidParameterException"
	codeNotFound         = "ResourceNotFoundException"
	codeMalformedQuery   = "MalformedQueryException"
	codeUnavailable      = "ServiceUnavailableException"
)

func errorf(code, format string, args ...any) error {
	return awsapi.Errorf(code, format, args...)
}

func invalidf(format string, args ...any) error {
	return awsapi.Errorf(codeInvalidParameter, format, args...)
}

// checkLimit is a limit member's range check: absent is def.
func checkLimit(name string, v *int32, lo, hi, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if int(*v) < lo || int(*v) > hi {
		return 0, invalidf("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value between %d and %d", *v, name, lo, hi)
	}
	return int(*v), nil
}

// groupARN is a log group's ARN; DescribeLogGroups' arn member has the
// trailing :* (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html).
func (l *Logs) groupARN(name string) string {
	return "arn:aws:logs:" + l.cfg.Region + ":" + l.cfg.AccountID + ":log-group:" + name
}

// groupName is the group a logGroupIdentifier names: the name, or an
// ARN with or without :*.
func groupName(id string) string {
	if !strings.HasPrefix(id, "arn:") {
		return id
	}
	if _, name, ok := strings.Cut(id, ":log-group:"); ok {
		return strings.TrimSuffix(name, ":*")
	}
	return id
}

// oneGroup is the group of an operation taking logGroupName or
// logGroupIdentifier, exactly one of them.
func oneGroup(name, identifier string) (string, error) {
	switch {
	case name != "" && identifier != "":
		return "", invalidf("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name == "" && identifier == "":
		return "", invalidf("Either LogGroup name or LogGroup ARN must be specified.")
	case identifier != "":
		return groupName(identifier), nil
	}
	return name, nil
}
