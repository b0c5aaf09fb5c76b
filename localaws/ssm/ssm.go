package ssm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// FileName is the parameters' file in Config.Dir.
const FileName = "ssm.json"

// Config is what an SSM reads.
type Config struct {
	// Dir is the run directory; the parameters are kept in Dir/ssm.json.
	// Required.
	Dir string
	// Top is the template's model; its AWS::SSM::Parameter resources are
	// the initial parameters. Required.
	Top *topology.Topology
	// Now stamps LastModifiedDate; time.Now when nil.
	Now func() time.Time
	// Values are initial values by parameter name that replace the
	// template's, for the parameters not yet stored.
	Values map[string]string
}

// SSM holds the parameters.
type SSM struct {
	path          string
	region, accnt string
	now           func() time.Time

	mu     sync.Mutex
	params map[string]*Parameter // by name
}

// Parameter is one stored parameter.
type Parameter struct {
	Name         string    `json:"name"`
	Type         string    `json:"type"`
	Value        string    `json:"value"`
	Version      int64     `json:"version"`
	Description  string    `json:"description,omitempty"`
	DataType     string    `json:"data_type"`
	LastModified time.Time `json:"last_modified"`
}

// New loads Config.Dir/ssm.json, adding the template's parameters it
// lacks, and writes it back.
func New(cfg Config) (*SSM, error) {
	if cfg.Dir == "" || cfg.Top == nil {
		return nil, errors.New("could not start SSM: Config.Dir and Config.Top are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &SSM{path: filepath.Join(cfg.Dir, FileName), region: cfg.Top.Region, accnt: cfg.Top.Account, now: cfg.Now,
		params: map[string]*Parameter{}}
	if err := s.load(); err != nil {
		return nil, err
	}
	s.seed(cfg.Top, cfg.Values)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s, s.save()
}

func (s *SSM) load() error {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("could not read the parameters: %w", err)
	}
	var ps []*Parameter
	if err := json.Unmarshal(b, &ps); err != nil {
		return fmt.Errorf("could not read the parameters: %s: %w", s.path, err)
	}
	for _, p := range ps {
		s.params[p.Name] = p
	}
	return nil
}

// seed adds the template's parameters not yet stored, at version 1.
func (s *SSM) seed(top *topology.Topology, values map[string]string) {
	for _, id := range slices.Sorted(maps.Keys(top.Resources)) {
		r := top.Resources[id]
		if r.Type != "AWS::SSM::Parameter" {
			continue
		}
		name, _ := r.Properties["Name"].(string)
		if name == "" {
			name = top.StackName + "-" + id // CloudFormation's generated name, unsuffixed
		}
		if _, ok := s.params[name]; ok {
			continue
		}
		p := &Parameter{Name: name, Type: str(r.Properties["Type"], "String"), Value: str(r.Properties["Value"], ""),
			Description: str(r.Properties["Description"], ""), DataType: str(r.Properties["DataType"], "text"),
			Version: 1, LastModified: s.now().UTC()}
		if v, ok := values[name]; ok {
			p.Value = v
		}
		s.params[name] = p
	}
}

func str(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	if v != nil {
		if s := fmt.Sprint(v); s != "" && s != "<nil>" {
			return s
		}
	}
	return def
}

// save writes the parameters, sorted by name, through a temporary file.
// The caller holds s.mu.
func (s *SSM) save() error {
	ps := make([]*Parameter, 0, len(s.params))
	for _, name := range slices.Sorted(maps.Keys(s.params)) {
		ps = append(ps, s.params[name])
	}
	b, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("could not write the parameters: %w", err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("could not write the parameters: %w", err)
	}
	return nil
}

// Get is parameter name's value, and whether it exists.
func (s *SSM) Get(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[name]
	if !ok {
		return "", false
	}
	return p.Value, true
}

// KillSwitch reads parameter name as the execution function reads
// KILL_SWITCH_PARAMETER's in Lambda (app/functions/internal/wiring):
// anything but "false" (any case, spaces trimmed) enables trading; a
// missing parameter is an error. It suits local.WithTradingEnabled.
func (s *SSM) KillSwitch(name string) func(ctx context.Context) (bool, error) {
	return func(context.Context) (bool, error) {
		v, ok := s.Get(name)
		if !ok {
			return false, fmt.Errorf("ssm GetParameter %s: ParameterNotFound", name)
		}
		return !strings.EqualFold(strings.TrimSpace(v), "false"), nil
	}
}

// lookup finds a parameter by name or ARN; the caller holds s.mu.
func (s *SSM) lookup(nameOrARN string) (*Parameter, bool) {
	name := nameOrARN
	if rest, ok := strings.CutPrefix(nameOrARN, "arn:"); ok {
		// arn:aws:ssm:region:account:parameter/name (the name's leading
		// slash is the ARN's separator).
		_, after, found := strings.Cut(rest, ":parameter")
		if !found {
			return nil, false
		}
		name = after
		if _, ok := s.params[name]; !ok {
			name = strings.TrimPrefix(after, "/")
		}
	}
	p, ok := s.params[name]
	return p, ok
}

// arn is parameter name's ARN: a hierarchical name keeps its leading
// slash as the separator after "parameter".
func (s *SSM) arn(name string) string {
	sep := "/"
	if strings.HasPrefix(name, "/") {
		sep = ""
	}
	return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s%s", s.region, s.accnt, sep, name)
}
