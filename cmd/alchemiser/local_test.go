package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a buffer written by the command and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// poll calls ok until it holds, failing the test after a minute: a
// deadline for a hung command, not a measure of speed.
func poll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// local up prints its endpoint first, serves, runs the workflow, and
// exits 0 on SIGTERM with the run flushed.
func TestLocalUpServesUntilSignalled(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		err := run(context.Background(), []string{"local", "up", "--addr", "127.0.0.1:0", "--trading", "--json", "--out", out}, strings.NewReader(""), &stdout, &stderr)
		done <- exitCode(err, &stderr)
	}()
	poll(t, "the first line", func() bool { return strings.Contains(stdout.String(), "\n") })
	var first struct {
		Endpoint string `json:"endpoint"`
		RunDir   string `json:"run_dir"`
		Stack    string `json:"stack"`
	}
	line, _, _ := strings.Cut(stdout.String(), "\n")
	if err := json.Unmarshal([]byte(line), &first); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	if !strings.HasPrefix(first.Endpoint, "http://127.0.0.1:") || first.Stack != "alchemiser" || filepath.Dir(first.RunDir) != out {
		t.Errorf("first line %+v", first)
	}
	resp, err := http.Post(first.Endpoint, "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("the endpoint does not answer once printed: %v", err)
	}
	resp.Body.Close()
	poll(t, "the workflow's run.json", func() bool {
		_, err := os.Stat(filepath.Join(first.RunDir, "run.json"))
		return err == nil
	})
	poll(t, "the workflows' summary", func() bool { return strings.Contains(stderr.String(), "1 completed") })
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "workflow 1/1") {
		t.Errorf("no progress line on stderr:\n%s", stderr.String())
	}
	logs, err := os.ReadFile(filepath.Join(first.RunDir, "cloudwatch", "aws-lambda-alchemiser-notifications.jsonl"))
	if err != nil || !strings.Contains(string(logs), "workflow ended") {
		t.Errorf("the notifications log group was not flushed: %v", err)
	}
	if _, err := http.Get(first.Endpoint); err == nil {
		t.Error("the endpoint still answers after the command exited")
	}
}

func TestLocalUpRefusesBadUsageAndABusyPort(t *testing.T) {
	exit := func(args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := exitCode(run(context.Background(), append([]string{"local", "up", "--out", t.TempDir()}, args...), strings.NewReader(""), &stdout, &stderr), &stderr)
		if stdout.Len() > 0 {
			t.Errorf("%v printed %q", args, stdout.String())
		}
		return code, stderr.String()
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--addr", "0.0.0.0:4566"}, "not on loopback"},
		{[]string{"--addr", "192.168.1.10:4566"}, "not on loopback"},
		{[]string{"--addr", "127.0.0.1"}, "not host:port"},
		{[]string{"--scenario", "nope"}, "unknown chaos scenario"},
		{[]string{"--workflows", "0"}, "--workflows must be between 1 and"},
		{[]string{"surplus"}, `unexpected argument "surplus"`},
	} {
		if code, stderr := exit(c.args...); code != exitUsage || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, exitUsage, c.msg)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if code, stderr := exit("--addr", ln.Addr().String()); code != exitFailed || !strings.Contains(stderr, "in use") {
		t.Errorf("a busy port: exit %d, stderr %q", code, stderr)
	}
}
