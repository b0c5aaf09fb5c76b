// Package chromiumtest runs headless Chromium for tests that check a
// rendered page (the dashboard preview, the load-test report): find the
// browser, take a screenshot, dump the DOM, keep the artefacts on demand.
package chromiumtest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Artefacts is where the pages and screenshots go: $PREVIEW_DIR/TestName
// to keep them for a look, else a temporary directory.
func Artefacts(t testing.TB) string {
	t.Helper()
	keep := os.Getenv("PREVIEW_DIR")
	if keep == "" {
		return t.TempDir()
	}
	dir := filepath.Join(keep, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("pages and screenshots in %s", dir)
	return dir
}

// Find finds the browser as scripts/chromium.sh does: $CHROMIUM, then the
// usual names on PATH, then the script (scripts, relative to the test's
// package directory). Without one the test fails: `make tools` installs it.
func Find(t testing.TB, scripts string) string {
	t.Helper()
	if c := os.Getenv("CHROMIUM"); c != "" {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if out, err := exec.Command(filepath.Join(scripts, "chromium.sh"), "path").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	t.Fatal("no Chromium on PATH: run `make tools` (or scripts/chromium.sh install) to install it; $CHROMIUM may name one")
	return ""
}

// Run runs headless Chromium with a fresh profile under dir, bounded by
// the context and a minute, and returns its standard output.
func Run(ctx context.Context, t testing.TB, browser, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	profile, err := os.MkdirTemp(dir, "profile")
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile}
	cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
	killGroup(cmd)
	cmd.WaitDelay = 5 * time.Second // its helpers may hold the pipes
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	defer func() { t.Logf("chromium %s: %v", args[0], time.Since(start).Round(time.Millisecond)) }()
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (context: %v)\n%s", strings.Join(args, " "), err, ctx.Err(), lastLines(stderr.String(), 20))
	}
	return stdout.Bytes()
}

// Screenshot opens file at width × height and returns the decoded PNG,
// kept next to the page in dir.
func Screenshot(ctx context.Context, t testing.TB, browser, dir, file string, width, height int) image.Image {
	t.Helper()
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(file), ".html")+".png")
	Run(ctx, t, browser, dir, "--screenshot="+out, fmt.Sprintf("--window-size=%d,%d", width, height), FileURL(file))
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	return img
}

// DumpDOM returns the DOM Chromium built from file.
func DumpDOM(ctx context.Context, t testing.TB, browser, dir, file string) string {
	t.Helper()
	return string(Run(ctx, t, browser, dir, "--dump-dom", FileURL(file)))
}

// FileURL is file's file:// URL.
func FileURL(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
