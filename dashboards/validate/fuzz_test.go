package validate

import (
	"path/filepath"
	"testing"
)

// FuzzValidate holds Validate to never panicking and to positioning and
// explaining every problem, whatever the body.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		f.Add(readFile(f, name))
	}
	for _, s := range []string{"", "{", "[]", `{"widgets": [{"type": "metric", "properties": {"metrics": [[".", "..."]]}}]}`,
		`{"widgets": [{"type": "log", "properties": {"query": "SOURCE 'a' | SOURCE \"b\" | filter x like /(/"}}]}`} {
		f.Add([]byte(s))
	}
	k := repoKnown(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, e := range Validate("f.json", body, k) {
			if e.Msg == "" || e.Line < 1 || e.Col < 1 {
				t.Errorf("error without a message or a position: %+v", e)
			}
		}
	})
}
