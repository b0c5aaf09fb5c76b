package bus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DirClaims keeps claim checks as files under Dir (the local stack's
// stand-in for the claim-check bucket).
type DirClaims struct{ Dir string }

var _ ClaimStore = DirClaims{}

// Put implements ClaimStore.
func (d DirClaims) Put(_ context.Context, key string, body []byte) (string, error) {
	path := filepath.Join(d.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return "", err
	}
	return "file://" + filepath.ToSlash(path), nil
}

// Get implements ClaimStore.
func (d DirClaims) Get(_ context.Context, uri string) ([]byte, error) {
	path, ok := strings.CutPrefix(uri, "file://")
	if !ok {
		return nil, fmt.Errorf("%s is not a file claim check", uri)
	}
	return os.ReadFile(filepath.FromSlash(path))
}
