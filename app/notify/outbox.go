package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Outbox writes messages as files in Dir.
type Outbox struct {
	Dir string
	mu  sync.Mutex
}

var _ Notifier = (*Outbox)(nil)

// Notify writes <key>.json, .txt and .html; the .json is written last and
// marks the message as delivered, so a repeat returns ErrDuplicate.
func (o *Outbox) Notify(_ context.Context, m Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	name := safeName(m.Key)
	marker := filepath.Join(o.Dir, name+".json")
	if _, err := os.Stat(marker); err == nil {
		return ErrDuplicate
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("could not create outbox: %w", err)
	}
	meta, err := json.MarshalIndent(map[string]string{"key": m.Key, "subject": m.Subject}, "", "  ")
	if err != nil {
		return fmt.Errorf("could not encode message: %w", err)
	}
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".txt", []byte(m.Text)}, {".html", []byte(m.HTML)}, {".json", meta}} {
		if err := writeAtomic(filepath.Join(o.Dir, name+f.ext), f.data); err != nil {
			return err
		}
	}
	return nil
}

// Keys lists the delivered message keys' file names.
func (o *Outbox) Keys() ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(o.Dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for i, m := range matches {
		matches[i] = strings.TrimSuffix(filepath.Base(m), ".json")
	}
	return matches, nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("could not write %s: %w", filepath.Base(path), err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("could not write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// safeName keeps a key usable as a file name.
func safeName(key string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, key)
}
