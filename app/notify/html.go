package notify

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"time"
)

//go:embed summary.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("summary").Funcs(template.FuncMap{
	"headline": headline,
	"trading":  tradingText,
	"ms":       func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"holdings": holdingSymbols,
	"value": func(p *Portfolio, sym string) string {
		if p == nil {
			return "-"
		}
		return holdingValue(p, sym)
	},
}).Parse(htmlSource))

// RenderHTML renders s as a self-contained HTML page; every value is
// escaped by html/template.
func RenderHTML(s Summary) (string, error) {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, s); err != nil {
		return "", fmt.Errorf("could not render summary: %w", err)
	}
	return buf.String(), nil
}
