package secretsmanager

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/alchemiser/alchemiser/topology"
)

// FileName is the secrets' file in Config.Dir.
const FileName = "secrets.json"

// Placeholder is the first value of a template secret that has none.
const Placeholder = `{"key_id":"LOCAL-PLACEHOLDER","secret_key":"LOCAL-PLACEHOLDER"}`

// The staging labels Secrets Manager moves itself.
const (
	Current  = "AWSCURRENT"
	Previous = "AWSPREVIOUS"
)

// Config is what a SecretsManager reads.
type Config struct {
	// Dir is the run directory; the secrets are kept in
	// Dir/secrets.json. Required.
	Dir string
	// Top is the template's model; its AWS::SecretsManager::Secret
	// resources are the secrets. Required.
	Top *topology.Topology
	// Values are first values by secret name, for secrets the file does
	// not hold yet (the credentials the local paper account takes).
	Values map[string]string
	// Now stamps CreatedDate; time.Now when nil.
	Now func() time.Time
}

// SecretsManager holds the secrets.
type SecretsManager struct {
	path string
	now  func() time.Time

	mu      sync.Mutex
	secrets map[string]*Secret // by name
}

// Secret is one secret and its versions.
type Secret struct {
	Name     string     `json:"name"`
	ARN      string     `json:"arn"`
	Versions []*Version `json:"versions"`
}

// Version is one version of a secret's value.
type Version struct {
	ID      string    `json:"id"`
	String  *string   `json:"string,omitempty"`
	Binary  []byte    `json:"binary,omitempty"`
	Stages  []string  `json:"stages"`
	Created time.Time `json:"created"`
}

// New loads Config.Dir/secrets.json, adding the template's secrets it
// lacks, and writes it back.
func New(cfg Config) (*SecretsManager, error) {
	if cfg.Dir == "" || cfg.Top == nil {
		return nil, errors.New("could not start Secrets Manager: Config.Dir and Config.Top are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &SecretsManager{path: filepath.Join(cfg.Dir, FileName), now: cfg.Now, secrets: map[string]*Secret{}}
	if err := s.load(); err != nil {
		return nil, err
	}
	s.seed(cfg.Top, cfg.Values)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s, s.save()
}

func (s *SecretsManager) load() error {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("could not read the secrets: %w", err)
	}
	var ss []*Secret
	if err := json.Unmarshal(b, &ss); err != nil {
		// The error names no content: the file holds secrets.
		return fmt.Errorf("could not read the secrets: %s is not a JSON list of secrets", s.path)
	}
	for _, sec := range ss {
		s.secrets[sec.Name] = sec
	}
	return nil
}

// seed adds the template's secrets not yet stored, each with one
// version staged AWSCURRENT.
func (s *SecretsManager) seed(top *topology.Topology, values map[string]string) {
	for _, id := range slices.Sorted(maps.Keys(top.Resources)) {
		r := top.Resources[id]
		if r.Type != "AWS::SecretsManager::Secret" {
			continue
		}
		name, _ := r.Properties["Name"].(string)
		if name == "" {
			name = top.StackName + "-" + id // CloudFormation's generated name, unsuffixed
		}
		if _, ok := s.secrets[name]; ok {
			continue
		}
		value, ok := values[name]
		if !ok {
			value, ok = r.Properties["SecretString"].(string)
		}
		if !ok {
			value = Placeholder
		}
		arn, err := top.Resolve("!GetAtt " + id + ".Arn")
		if err != nil || arn == "" {
			arn = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s", top.Region, top.Account, name)
		}
		s.secrets[name] = &Secret{Name: name, ARN: arn,
			Versions: []*Version{{ID: uuid(), String: &value, Stages: []string{Current}, Created: s.now().UTC()}}}
	}
}

// save writes the secrets, sorted by name, through a temporary file
// only the owner may read. The caller holds s.mu.
func (s *SecretsManager) save() error {
	ss := make([]*Secret, 0, len(s.secrets))
	for _, name := range slices.Sorted(maps.Keys(s.secrets)) {
		ss = append(ss, s.secrets[name])
	}
	b, err := json.MarshalIndent(ss, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("could not write the secrets: %w", err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("could not write the secrets: %w", err)
	}
	return nil
}

// lookup finds a secret by name or ARN; the caller holds s.mu.
func (s *SecretsManager) lookup(id string) (*Secret, bool) {
	if sec, ok := s.secrets[id]; ok {
		return sec, true
	}
	for _, sec := range s.secrets {
		if sec.ARN == id {
			return sec, true
		}
	}
	return nil, false
}

// version finds a secret's version by id and stage ("" matches any).
func (sec *Secret) version(id, stage string) (*Version, bool) {
	for _, v := range sec.Versions {
		if (id == "" || v.ID == id) && (stage == "" || slices.Contains(v.Stages, stage)) {
			return v, true
		}
	}
	return nil, false
}

// stage moves label to version v, a version of sec; AWSCURRENT leaves
// AWSPREVIOUS on the version that had it.
func (sec *Secret) stage(v *Version, label string) {
	if !slices.Contains(v.Stages, label) {
		v.Stages = append(v.Stages, label)
	}
	for _, o := range sec.Versions {
		if o == v || !slices.Contains(o.Stages, label) {
			continue
		}
		o.Stages = slices.DeleteFunc(o.Stages, func(s string) bool { return s == label })
		if label == Current {
			sec.stage(o, Previous)
		}
	}
}

// prune drops the versions left without a label.
func (sec *Secret) prune() {
	sec.Versions = slices.DeleteFunc(sec.Versions, func(o *Version) bool { return len(o.Stages) == 0 })
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
