package loadtest

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// builtinProfiles are loadtest/profiles/*.yaml, built into the binary so
// the load test runs from any directory.
//
//go:embed profiles/*.yaml
var builtinProfiles embed.FS

// BuiltinProfiles names the built-in profiles (daily, multitenant, smoke).
func BuiltinProfiles() []string {
	entries, _ := fs.ReadDir(builtinProfiles, "profiles")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	slices.Sort(out)
	return out
}

// BuiltinProfile parses a built-in profile by name (daily) or by its path
// in the repository (loadtest/profiles/daily.yaml); ok is false when name
// is neither.
func BuiltinProfile(name string) (p *Profile, ok bool, err error) {
	base := strings.TrimSuffix(path.Base(strings.TrimPrefix(name, "loadtest/profiles/")), ".yaml")
	if name != base && name != "loadtest/profiles/"+base+".yaml" || !slices.Contains(BuiltinProfiles(), base) {
		return nil, false, nil
	}
	src, err := builtinProfiles.ReadFile("profiles/" + base + ".yaml")
	if err != nil {
		return nil, true, fmt.Errorf("could not read the built-in profile %s: %w", base, err)
	}
	p, err = ParseProfile("loadtest/profiles/"+base+".yaml", src)
	return p, true, err
}
