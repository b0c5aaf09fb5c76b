// Package dynalitetest runs dynalite, a DynamoDB-compatible server from
// npm, on loopback for tests: the DynamoDB idempotency store's tests and
// the functions' bootstrap tests. scripts/dynalite.sh installs it once
// into .tools/dynalite.
package dynalitetest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// startTimeout bounds how long dynalite may take to listen, and a table to
// become ACTIVE: generous, for a loaded machine.
const startTimeout = 60 * time.Second

// Start starts dynalite on a free loopback port for the test (installing
// it first if needed), stops it when the test ends, and returns its
// endpoint URL and a client for it. Without node the test fails: the
// DynamoDB store must not go untested by accident.
func Start(t testing.TB) (string, *dynamodb.Client) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: it is needed to run dynalite for the DynamoDB tests; install Node 20")
	}
	script := filepath.Join(repoRoot(t), "scripts", "dynalite.sh")
	install(t, script)
	addr := "127.0.0.1:" + fmt.Sprint(freePort(t))
	serve(t, script, addr)
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")})
	return "http://" + addr, client
}

var installed struct {
	once sync.Once
	err  error
	out  []byte
}

// install runs the script's install once per test process: it returns at
// once when dynalite is there, and may download it from npm when not.
func install(t testing.TB, script string) {
	t.Helper()
	installed.once.Do(func() {
		installed.out, installed.err = exec.Command(script, "install").CombinedOutput()
	})
	if installed.err != nil {
		t.Fatalf("%s install: %v\n%s", script, installed.err, installed.out)
	}
}

// serve runs dynalite on addr until the test ends and waits until it
// accepts connections, failing with its stderr if it exits or never does.
func serve(t testing.TB, script, addr string) {
	t.Helper()
	_, port, _ := net.SplitHostPort(addr)
	stderr := &syncBuffer{}
	cmd := exec.Command(script, "serve", port)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s serve: %v", script, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	deadline := time.Now().Add(startTimeout)
	for !accepts(addr) {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("dynalite exited before listening on %s (%v): %s", addr, err, stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("dynalite did not listen on %s within %s: %s", addr, startTimeout, stderr)
		}
	}
}

func accepts(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// freePort is a port nothing listens on now. Another process could take
// it before dynalite does; on loopback in a test that is rare enough.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// CreateTable creates a table shaped like template.yaml's
// IdempotencyTable and waits until it is ACTIVE.
func CreateTable(t testing.TB, c *dynamodb.Client, name string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("create table %s: %v", name, err)
	}
	deadline := time.Now().Add(startTimeout)
	for {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err == nil && out.Table.TableStatus == types.TableStatusActive {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("table %s not ACTIVE within %s (last error: %v)", name, startTimeout, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// repoRoot is the nearest directory above the test's with a go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// syncBuffer collects a process's output while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
