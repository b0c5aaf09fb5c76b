package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alchemiser/alchemiser/internal/inputs"
)

// Dashboard is one dashboard to render: a CloudWatch dashboard body and
// the name its section of the page shows.
type Dashboard struct {
	Name string
	Body []byte // DashboardBody JSON
}

// ReadDashboard reads a dashboard file: a dashboard body ({"widgets":
// [...]}), or an object with DashboardName and DashboardBody (a JSON
// string or object) as PutDashboard and AWS::CloudWatch::Dashboard take
// them. The name is DashboardName, or the file's base name.
func ReadDashboard(path string) (Dashboard, error) {
	b, err := inputs.ReadFile(path, inputs.Config)
	if err != nil {
		return Dashboard{}, fmt.Errorf("could not read dashboard: %w", err)
	}
	d := Dashboard{Name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), Body: b}
	var wrapped struct {
		DashboardName string
		DashboardBody json.RawMessage
	}
	if json.Unmarshal(b, &wrapped) != nil || len(wrapped.DashboardBody) == 0 {
		return d, nil
	}
	if wrapped.DashboardName != "" {
		d.Name = wrapped.DashboardName
	}
	d.Body = wrapped.DashboardBody
	var s string
	if json.Unmarshal(wrapped.DashboardBody, &s) == nil {
		d.Body = []byte(s)
	}
	return d, nil
}

// body is a dashboard body, after substitution.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
type body struct {
	Start     string       `json:"start"`
	End       string       `json:"end"`
	Variables []variable   `json:"variables"`
	Widgets   []widgetJSON `json:"widgets"`
}

type widgetJSON struct {
	Type       string          `json:"type"`
	X          int             `json:"x"`
	Y          int             `json:"y"`
	Width      int             `json:"width"`
	Height     int             `json:"height"`
	Properties json.RawMessage `json:"properties"`
}

// variable is a dashboard variable; the preview applies its default.
type variable struct {
	Type         string `json:"type"`
	Property     string `json:"property"`
	Pattern      string `json:"pattern"`
	ID           string `json:"id"`
	DefaultValue string `json:"defaultValue"`
}

// parseBody decodes a body: pattern variables replace their pattern by
// their default value in every string, then the placeholders are
// substituted; property variables are returned for the metric rows.
func parseBody(src []byte, subst func(string) string) (*body, map[string]string, error) {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("could not parse the dashboard body: %w", err)
	}
	var vars struct {
		Variables []variable `json:"variables"`
	}
	_ = json.Unmarshal(src, &vars)
	replace := func(s string) string {
		for _, v := range vars.Variables {
			if v.Type == "pattern" && v.Pattern != "" {
				s = strings.ReplaceAll(s, v.Pattern, v.DefaultValue)
			}
		}
		return subst(s)
	}
	b, err := json.Marshal(mapStrings(raw, replace))
	if err != nil {
		return nil, nil, err
	}
	var out body
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, nil, fmt.Errorf("could not parse the dashboard body: %w", err)
	}
	props := map[string]string{}
	for _, v := range out.Variables {
		if v.Type == "property" && v.Property != "" {
			props[v.Property] = v.DefaultValue
		}
	}
	return &out, props, nil
}

// mapStrings applies f to every string of a decoded JSON value (keys
// excepted).
func mapStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		for i := range x {
			x[i] = mapStrings(x[i], f)
		}
	case map[string]any:
		for k := range x {
			x[k] = mapStrings(x[k], f)
		}
	}
	return v
}
