package render

import (
	"encoding/json"
	"html"
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"
)

func (b *builder) text(w *Widget, raw json.RawMessage) {
	var tp struct {
		Markdown string `json:"markdown"`
	}
	if err := json.Unmarshal(raw, &tp); err != nil {
		w.Notes = append(w.Notes, "properties do not parse: "+err.Error())
		return
	}
	w.Text = markdown(tp.Markdown)
}

var (
	heading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
	bullet  = regexp.MustCompile(`^\s*[-*+]\s+(.*)$`)
	ordered = regexp.MustCompile(`^\s*\d+[.)]\s+(.*)$`)
)

// markdown renders the subset of Markdown a text widget needs: ATX
// headings, paragraphs, bullet and numbered lists, fenced code blocks,
// inline code, **bold**, *italic* and links (CloudWatch's [button:...]
// links too). Everything else is text; all text is escaped, and links
// keep only http(s), mailto and relative targets.
func markdown(src string) template.HTML {
	var b strings.Builder
	var para []string
	list := ""
	closeBlocks := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>")
			para = nil
		}
		if list != "" {
			b.WriteString("</" + list + ">")
			list = ""
		}
	}
	openList := func(kind string) {
		if list != kind {
			closeBlocks()
			b.WriteString("<" + kind + ">")
			list = kind
		}
	}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch m := heading.FindStringSubmatch(line); {
		case strings.HasPrefix(strings.TrimSpace(line), "```"):
			closeBlocks()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				code = append(code, lines[i])
			}
			b.WriteString("<pre><code>" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>")
		case m != nil:
			closeBlocks()
			n := string(rune('0' + len(m[1])))
			b.WriteString("<h" + n + ">" + inline(m[2]) + "</h" + n + ">")
		case bullet.MatchString(line):
			openList("ul")
			b.WriteString("<li>" + inline(bullet.FindStringSubmatch(line)[1]) + "</li>")
		case ordered.MatchString(line):
			openList("ol")
			b.WriteString("<li>" + inline(ordered.FindStringSubmatch(line)[1]) + "</li>")
		case strings.TrimSpace(line) == "":
			closeBlocks()
		default:
			if list != "" {
				closeBlocks()
			}
			para = append(para, strings.TrimSpace(line))
		}
	}
	closeBlocks()
	return template.HTML(b.String()) // every piece escaped above
}

// inline renders code spans, links, bold and italic; the rest is escaped.
func inline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if n, out := inlineAt(s[i:]); n > 0 {
			b.WriteString(out)
			i += n
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(html.EscapeString(s[i : i+size]))
		i += size
	}
	return b.String()
}

// inlineAt renders the span starting s, if one does: how many bytes it
// took, and its HTML.
func inlineAt(s string) (int, string) {
	switch {
	case s[0] == '`':
		if j := strings.IndexByte(s[1:], '`'); j >= 0 {
			return j + 2, "<code>" + html.EscapeString(s[1:j+1]) + "</code>"
		}
	case s[0] == '[':
		return link(s)
	case strings.HasPrefix(s, "**"):
		if j := strings.Index(s[2:], "**"); j > 0 {
			return j + 4, "<strong>" + inline(s[2:j+2]) + "</strong>"
		}
	case s[0] == '*' && len(s) > 1 && s[1] != ' ':
		if j := strings.IndexByte(s[1:], '*'); j > 0 {
			return j + 2, "<em>" + inline(s[1:j+1]) + "</em>"
		}
	}
	return 0, ""
}

// link renders [text](target) at the start of s.
func link(s string) (int, string) {
	close := strings.Index(s, "](")
	if close < 0 {
		return 0, ""
	}
	end := strings.IndexByte(s[close:], ')')
	if end < 0 {
		return 0, ""
	}
	text, target := s[1:close], strings.TrimSpace(s[close+2:close+end])
	class := ""
	if rest, ok := strings.CutPrefix(text, "button:"); ok { // CloudWatch's button links
		text, class = strings.TrimPrefix(rest, "primary:"), ` class="button"`
	}
	if !safeURL(target) {
		return close + end + 1, inline(text)
	}
	return close + end + 1, `<a href="` + html.EscapeString(target) + `"` + class + `>` + inline(text) + `</a>`
}

// safeURL allows http(s), mailto and scheme-less (relative) targets.
func safeURL(u string) bool {
	lower := strings.ToLower(u)
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	colon := strings.IndexByte(u, ':')
	return u != "" && (colon < 0 || strings.ContainsAny(u[:colon], "/?#"))
}
