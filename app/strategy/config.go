package strategy

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

//go:embed strategies
var examples embed.FS

// Config is the set of strategies and their weights in the mix.
type Config struct {
	Strategies []Weighted
}

// Weighted is one strategy and its weight.
type Weighted struct {
	File     string
	Weight   decimal.Decimal
	Symphony *Symphony
}

// LoadConfig reads a YAML config at p in fsys, and the strategy files it
// names (relative to the config's directory):
//
//	strategies:
//	  - file: momentum.clj
//	    weight: "0.4"
//
// Weights are decimals that must sum to exactly 1. Errors name the file,
// line and field.
func LoadConfig(fsys fs.FS, p string) (Config, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return Config{}, fmt.Errorf("could not read strategy config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return Config{}, fmt.Errorf("%s: %w", p, err)
	}
	entries, err := configEntries(p, &doc)
	if err != nil {
		return Config{}, err
	}
	var cfg Config
	sum := decimal.Zero
	for _, e := range entries {
		w, err := loadEntry(fsys, p, e)
		if err != nil {
			return Config{}, err
		}
		cfg.Strategies = append(cfg.Strategies, w)
		sum = sum.Add(w.Weight)
	}
	if !sum.Equal(one) {
		return Config{}, fmt.Errorf("%s: strategy weights sum to %s, want exactly 1", p, sum)
	}
	return cfg, nil
}

type entry struct {
	file, weight string
	line, col    int
}

func configEntries(p string, doc *yaml.Node) ([]entry, error) {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want a mapping with a strategies list", p)
	}
	var list *yaml.Node
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "strategies" {
			list = root.Content[i+1]
		} else {
			k := root.Content[i]
			return nil, fmt.Errorf("%s:%d:%d: unknown field %q", p, k.Line, k.Column, k.Value)
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, fmt.Errorf("%s: strategies: want a non-empty list", p)
	}
	out := make([]entry, 0, len(list.Content))
	for i, item := range list.Content {
		e := entry{line: item.Line, col: item.Column}
		for j := 0; j+1 < len(item.Content); j += 2 {
			switch k, v := item.Content[j], item.Content[j+1]; k.Value {
			case "file":
				e.file = v.Value
			case "weight":
				e.weight = v.Value
			default:
				return nil, fmt.Errorf("%s:%d:%d: strategies[%d]: unknown field %q", p, k.Line, k.Column, i, k.Value)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func loadEntry(fsys fs.FS, p string, e entry) (Weighted, error) {
	at := fmt.Sprintf("%s:%d:%d", p, e.line, e.col)
	if e.file == "" {
		return Weighted{}, fmt.Errorf("%s: strategy entry needs a file", at)
	}
	w, err := decimal.NewFromString(e.weight)
	if err != nil || !w.IsPositive() {
		return Weighted{}, fmt.Errorf("%s: weight %q must be a positive decimal", at, e.weight)
	}
	name := path.Join(path.Dir(p), e.file)
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Weighted{}, fmt.Errorf("%s: could not read strategy: %w", at, err)
	}
	sym, err := Parse(name, src)
	if err != nil {
		return Weighted{}, err
	}
	return Weighted{File: name, Weight: w, Symphony: sym}, nil
}

// DefaultConfig is the bundled example configuration (strategies/config.yaml).
func DefaultConfig() (Config, error) {
	return LoadConfig(examples, "strategies/config.yaml")
}
