package render

import (
	"regexp"
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	tests := []struct{ src, want string }{
		{"# Title", "<h1>Title</h1>"},
		{"### Third ###", "<h3>Third</h3>"},
		{"one\ntwo\n\nthree", "<p>one two</p><p>three</p>"},
		{"- a\n- b\n\n1. c", "<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>"},
		{"`x < y` and **bold** and *it*", "<p><code>x &lt; y</code> and <strong>bold</strong> and <em>it</em></p>"},
		{"[runbook](https://example.com/a?b=1&c=2)", `<p><a href="https://example.com/a?b=1&amp;c=2">runbook</a></p>`},
		{"[rel](runbooks/x.md)", `<p><a href="runbooks/x.md">rel</a></p>`},
		{"[button:primary:Open](https://e.com)", `<p><a href="https://e.com" class="button">Open</a></p>`},
		{"[bad](javascript:alert(1))", "<p>bad)</p>"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"```\n<b>code</b>\n```", "<pre><code>&lt;b&gt;code&lt;/b&gt;</code></pre>"},
		{"snake_case_name stays", "<p>snake_case_name stays</p>"},
		{`[x" onclick="y](https://e.com)`, `<p><a href="https://e.com">x&#34; onclick=&#34;y</a></p>`},
	}
	for _, tt := range tests {
		if got := string(markdown(tt.src)); got != tt.want {
			t.Errorf("markdown(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// The only tags markdown writes are its own, and links only to safe
// targets, whatever the input.
var ownTag = regexp.MustCompile(`^</?(h[1-6]|p|ul|ol|li|pre|code|strong|em|a)(>| href="[^"<>]*"( class="button")?>)`)

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# h\n- a\n[l](http://x)", "`a` **b** *c*", "<img src=x onerror=y>", "[a](javascript:b)", "```\nx\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(markdown(src))
		for i := strings.IndexByte(out, '<'); i >= 0; i = next(out, i) {
			if !ownTag.MatchString(out[i:]) {
				t.Fatalf("markdown(%q) writes a tag of its input: %q", src, out[i:min(len(out), i+40)])
			}
			if m := regexp.MustCompile(`^<a href="([^"]*)"`).FindStringSubmatch(out[i:]); m != nil && !safeURL(unescapeAttr(m[1])) {
				t.Fatalf("markdown(%q) links to %q", src, m[1])
			}
		}
	})
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '<')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func unescapeAttr(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}
