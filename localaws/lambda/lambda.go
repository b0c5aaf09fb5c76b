package lambda

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// Invoker runs the functions: the emulator (*emulator.EventBridge).
// Both methods take a function's logical id and are safe for concurrent
// use.
type Invoker interface {
	// InvokeSync runs the function now and returns its error.
	InvokeSync(id string, payload []byte) error
	// InvokeAsync queues the event, retried as Lambda retries
	// asynchronous invocations.
	InvokeAsync(id string, payload []byte) error
}

// Config is what the service reads.
type Config struct {
	// Topology is the local stack's template, resolved.
	Topology *topology.Topology
	// Functions runs the functions.
	Functions Invoker
	// Now is the local stack's clock: the functions' LastModified is Now
	// when New is called.
	Now func() time.Time
}

// Lambda is the local stack's Lambda.
type Lambda struct {
	top      *topology.Topology
	invoker  Invoker
	modified time.Time
	byName   map[string]*topology.Function
}

// New builds the service for cfg's functions.
func New(cfg Config) (*Lambda, error) {
	switch {
	case cfg.Topology == nil:
		return nil, errors.New("lambda: Config.Topology is required")
	case cfg.Functions == nil:
		return nil, errors.New("lambda: Config.Functions is required")
	case cfg.Now == nil:
		return nil, errors.New("lambda: Config.Now is required")
	}
	l := &Lambda{top: cfg.Topology, invoker: cfg.Functions, modified: cfg.Now(), byName: map[string]*topology.Function{}}
	for _, f := range cfg.Topology.Functions {
		l.byName[f.Name] = f
	}
	return l, nil
}

// Service is the API: restJson1, signing name lambda.
func (l *Lambda) Service() awsapi.Service {
	return awsapi.Service{SigningName: "lambda", Protocols: awsapi.REST,
		Operations: map[string]awsapi.Operation{
			"Invoke":      awsapi.Op(l.Invoke),
			"GetFunction": awsapi.Op(l.GetFunction),
			"GetAlias":    awsapi.Op(l.GetAlias),
			"ListAliases": awsapi.Op(l.ListAliases),
		},
		Routes: []awsapi.Route{
			{Method: http.MethodPost, Path: "/2015-03-31/functions/{FunctionName}/invocations", Operation: "Invoke"},
			{Method: http.MethodGet, Path: "/2015-03-31/functions/{FunctionName}", Operation: "GetFunction"},
			{Method: http.MethodGet, Path: "/2015-03-31/functions/{FunctionName}/aliases/{Name}", Operation: "GetAlias"},
			{Method: http.MethodGet, Path: "/2015-03-31/functions/{FunctionName}/aliases", Operation: "ListAliases"},
		}}
}

// function finds the function name names: its name or ARN, unqualified
// or qualified by $LATEST, its alias or the version the alias points at
// (topology.LocalVersion, the one version the local stack publishes).
func (l *Lambda) function(name, qualifier string) (*topology.Function, error) {
	f, _, err := l.qualified(name, qualifier)
	return f, err
}

// qualified is function, with the version the qualifier runs: $LATEST
// unqualified, else the alias's version.
func (l *Lambda) qualified(name, qualifier string) (*topology.Function, string, error) {
	if strings.HasPrefix(name, "arn:") {
		parts := strings.Split(name, ":")
		if len(parts) == 8 { // arn:aws:lambda:region:account:function:name:qualifier
			name, qualifier = strings.Join(parts[:7], ":"), cmpOr(qualifier, parts[7])
		}
	}
	f := l.byName[name]
	if f == nil {
		for _, g := range l.top.Functions {
			if g.ARN == name {
				f = g
			}
		}
	}
	if f != nil {
		switch {
		case qualifier == "" || qualifier == "$LATEST":
			return f, "$LATEST", nil
		case f.Alias != "" && (qualifier == f.Alias || qualifier == topology.LocalVersion):
			return f, topology.LocalVersion, nil
		}
	}
	arn := name
	if !strings.HasPrefix(arn, "arn:") {
		arn = fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", l.top.Region, l.top.Account, name)
	}
	if qualifier != "" {
		arn += ":" + qualifier
	}
	return nil, "", &awsapi.Error{Code: "ResourceNotFoundException", Message: "Function not found: " + arn, Status: http.StatusNotFound}
}

// revision is a stable RevisionId for a resource that never changes.
func revision(arn string) string {
	h := sha256.Sum256([]byte(arn))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
