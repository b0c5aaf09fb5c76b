package logs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// fixtureEvent is a line of the fixture's group files, read here
// without the package's code.
type fixtureEvent struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	IngestionTime int64  `json:"ingestionTime"`
	Message       string `json:"message"`
}

const (
	notifications = "/aws/lambda/alchemiser-notifications"
	execution     = "/aws/lambda/alchemiser-execution"
)

// runDir is a copy of the fixture run, which a test may append to.
func runDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixtureRun)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// groupEvents are a group's events in the run, in time order (stable:
// file order within a millisecond).
func groupEvents(t *testing.T, dir, group string) []fixtureEvent {
	t.Helper()
	name := filepath.Join(dir, "cloudwatch", strings.Trim(strings.ReplaceAll(group, "/", "-"), "-")+".jsonl")
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fixtureEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e fixtureEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp < out[j].Timestamp })
	return out
}

// appendEvents adds events to a group's file, as the running stack does.
func appendEvents(t *testing.T, dir, group string, evs ...fixtureEvent) {
	t.Helper()
	name := filepath.Join(dir, "cloudwatch", strings.Trim(strings.ReplaceAll(group, "/", "-"), "-")+".jsonl")
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, e := range evs {
		e.LogGroupName = group
		b, _ := json.Marshal(e)
		if _, err := f.Write(append(b, '\n')); err != nil {
			t.Fatal(err)
		}
	}
}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// fixtureNow is just after the fixture's run.
var fixtureNow = time.UnixMilli(1796455904000).UTC()

// client is an SDK client of a Logs service over dir.
func client(t *testing.T, cfg Config) *cloudwatchlogs.Client {
	t.Helper()
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{svc.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return cloudwatchlogs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

func newClient(t *testing.T, dir string) (*cloudwatchlogs.Client, *clock) {
	t.Helper()
	c := &clock{now: fixtureNow}
	return client(t, Config{RunDir: dir, Now: c.Now}), c
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := errorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want %s", what, err, got, code)
	}
}

var ctx = context.Background()

func fixtureGroups(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "cloudwatch", "*.jsonl"))
	var out []string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var e fixtureEvent
		line, _, _ := strings.Cut(string(b), "\n")
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e.LogGroupName)
	}
	slices.Sort(out)
	return out
}

// partialLine writes the start of a line, as a writer caught mid-write.
func partialLine(t *testing.T, dir, group, text string) {
	t.Helper()
	name := filepath.Join(dir, "cloudwatch", strings.Trim(strings.ReplaceAll(group, "/", "-"), "-")+".jsonl")
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
