package cloudwatch

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/chaos"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/internal/memnet"
)

// The handler-error scenario's run: the portfolio function errors, so
// handler-error fires. Made once, in a synctest bubble, for every test.
var (
	runOnce sync.Once
	runPath string
	runErr  error
	tmpRoot string
)

func TestMain(m *testing.M) {
	var err error
	if tmpRoot, err = os.MkdirTemp("", "localaws-cloudwatch"); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// In a test it runs in a synctest bubble; in a benchmark (which has no
// bubble) on loopback, in real time (under a second).
func handlerErrorRun(tb testing.TB) string {
	tb.Helper()
	runOnce.Do(func() {
		sc, err := chaos.Named("handler-error")
		if err != nil {
			runErr = err
			return
		}
		dir := filepath.Join(tmpRoot, "handler-error")
		run := func(o chaos.Options) {
			rep, err := chaos.Run(context.Background(), sc, o)
			if err == nil && !rep.Pass {
				err = errors.New("the scenario failed its invariants")
			}
			runErr = err
		}
		if t, ok := tb.(*testing.T); ok {
			synctest.Test(t, func(*testing.T) { run(chaos.Options{Dir: dir, Network: memnet.Listen()}) })
		} else {
			run(chaos.Options{Dir: dir})
		}
		runPath = dir
	})
	if runErr != nil {
		tb.Fatalf("could not make the run: %v", runErr)
	}
	return runPath
}

// firstMetric is the run's first metric point's time.
func firstMetric(t testing.TB, dir string) time.Time {
	t.Helper()
	emf, err := alarms.RunMetrics(dir)
	if err != nil || len(emf) == 0 {
		t.Fatalf("run metrics: %v (%d points)", err, len(emf))
	}
	first := emf[0].At
	for _, p := range emf {
		if p.At.Before(first) {
			first = p.At
		}
	}
	return first
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// serve starts the service of cfg behind httptest and returns an SDK
// client for it.
func serve(t *testing.T, cfg Config) (*cloudwatch.Client, *CloudWatch) {
	t.Helper()
	cw, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsapi.NewServer([]awsapi.Service{cw.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c := cloudwatch.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
	return c, cw
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
