package ssm_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/ssm"
)

const killSwitch = "/alchemiser/trading-enabled"

var t0 = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

// stack is a local stack in a temporary run directory, without waits.
func stack(t *testing.T) *local.Stack {
	t.Helper()
	s, err := local.New(context.Background(), local.Config{RunDir: t.TempDir(), Seed: 1, TimeScale: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// client serves p's API on loopback and returns an SDK client for it.
func client(t *testing.T, p *ssm.SSM) *awsssm.Client {
	t.Helper()
	srv, err := awsapi.NewServer([]awsapi.Service{p.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return awsssm.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

func TestTheKillSwitchIsTheTemplatesParameter(t *testing.T) {
	s := stack(t)
	p, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, p)
	out, err := c.GetParameter(context.Background(), &awsssm.GetParameterInput{Name: aws.String(killSwitch), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	got := out.Parameter
	if aws.ToString(got.Value) != "false" || got.Type != types.ParameterTypeString || got.Version != 1 ||
		!aws.ToTime(got.LastModifiedDate).Equal(t0) || aws.ToString(got.ARN) != "arn:aws:ssm:us-east-1:000000000000:parameter/alchemiser/trading-enabled" {
		t.Errorf("kill switch %+v", got)
	}
	byARN, err := c.GetParameter(context.Background(), &awsssm.GetParameterInput{Name: got.ARN})
	if err != nil || aws.ToString(byARN.Parameter.Name) != killSwitch {
		t.Errorf("by ARN: %+v, %v", byARN, err)
	}
	if v, ok := p.Get(killSwitch); !ok || v != "false" {
		t.Errorf("Get = %q, %v; want the template's value, trading halted", v, ok)
	}
}

// Config.Values replace the template's initial values, and only those.
func TestValuesReplaceTheTemplates(t *testing.T) {
	s := stack(t)
	p, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top, Values: map[string]string{killSwitch: "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if on, err := p.KillSwitch(killSwitch)(context.Background()); !on || err != nil {
		t.Errorf("KillSwitch seeded \"true\" = %v, %v; want trading enabled", on, err)
	}
	if _, err := client(t, p).PutParameter(context.Background(), &awsssm.PutParameterInput{Name: aws.String(killSwitch), Value: aws.String("false"), Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	again, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top, Values: map[string]string{killSwitch: "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := again.Get(killSwitch); v != "false" {
		t.Errorf("a restart on the same directory seeded %q over the stored \"false\"", v)
	}
}

func TestPutParameterNeedsOverwriteAndCountsVersions(t *testing.T) {
	s := stack(t)
	p, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top})
	if err != nil {
		t.Fatal(err)
	}
	c, ctx := client(t, p), context.Background()
	_, err = c.PutParameter(ctx, &awsssm.PutParameterInput{Name: aws.String(killSwitch), Value: aws.String("true"), Type: types.ParameterTypeString})
	var exists *types.ParameterAlreadyExists
	if !errors.As(err, &exists) {
		t.Fatalf("put without Overwrite: %v, want ParameterAlreadyExists", err)
	}
	out, err := c.PutParameter(ctx, &awsssm.PutParameterInput{Name: aws.String(killSwitch), Value: aws.String("true"), Overwrite: aws.Bool(true)})
	if err != nil || out.Version != 2 || out.Tier != types.ParameterTierStandard {
		t.Fatalf("overwrite: %+v, %v", out, err)
	}
	if v, _ := p.Get(killSwitch); v != "true" {
		t.Errorf("Get after the put = %q", v)
	}
	if on, err := p.KillSwitch(killSwitch)(ctx); !on || err != nil {
		t.Errorf("KillSwitch after the put = %v, %v; want trading enabled", on, err)
	}
	if _, err := p.KillSwitch("/nope")(ctx); err == nil {
		t.Error("KillSwitch of a missing parameter: no error")
	}
	if _, err := c.PutParameter(ctx, &awsssm.PutParameterInput{Name: aws.String("/alchemiser/new"), Value: aws.String("x")}); errorCode(err) != "ValidationException" {
		t.Errorf("a new parameter without Type: %v", err)
	}
	if _, err := c.PutParameter(ctx, &awsssm.PutParameterInput{Name: aws.String("/alchemiser/new"), Value: aws.String("a,b"), Type: types.ParameterTypeStringList}); err != nil {
		t.Fatal(err)
	}
	many, err := c.GetParameters(ctx, &awsssm.GetParametersInput{Names: []string{killSwitch, "/alchemiser/new", "/nope"}})
	if err != nil || len(many.Parameters) != 2 || len(many.InvalidParameters) != 1 || many.InvalidParameters[0] != "/nope" {
		t.Fatalf("GetParameters: %+v, %v", many, err)
	}
	_, err = c.GetParameter(ctx, &awsssm.GetParameterInput{Name: aws.String("/nope")})
	var nf *types.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Errorf("an unknown parameter: %v, want ParameterNotFound", err)
	}

	// A new SSM on the same run directory starts from the file.
	again, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top})
	if err != nil {
		t.Fatal(err)
	}
	re, err := client(t, again).GetParameter(ctx, &awsssm.GetParameterInput{Name: aws.String(killSwitch)})
	if err != nil || aws.ToString(re.Parameter.Value) != "true" || re.Parameter.Version != 2 {
		t.Errorf("after a restart: %+v, %v", re, err)
	}
	if v, ok := again.Get("/alchemiser/new"); !ok || v != "a,b" {
		t.Errorf("the new parameter after a restart: %q, %v", v, ok)
	}
}

func TestConcurrentPutsEachGetAVersion(t *testing.T) {
	s := stack(t)
	p, err := ssm.New(ssm.Config{Dir: s.Dir, Top: s.Top})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, p)
	var wg sync.WaitGroup
	versions := make(chan int64, 20)
	for i := range 20 {
		wg.Go(func() {
			out, err := c.PutParameter(context.Background(), &awsssm.PutParameterInput{Name: aws.String(killSwitch),
				Value: aws.String(strings.Repeat("x", i+1)), Overwrite: aws.Bool(true)})
			if err != nil {
				t.Error(err)
				return
			}
			versions <- out.Version
		})
	}
	wg.Wait()
	close(versions)
	seen := map[int64]bool{}
	for v := range versions {
		seen[v] = true
	}
	if len(seen) != 20 || !seen[2] || !seen[21] {
		t.Errorf("versions %v, want 2 to 21 once each", seen)
	}
}

func TestABrokenFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	s := stack(t)
	if err := os.WriteFile(filepath.Join(dir, ssm.FileName), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.New(ssm.Config{Dir: dir, Top: s.Top}); err == nil || !strings.Contains(err.Error(), ssm.FileName) {
		t.Errorf("a broken file: %v, want an error naming it", err)
	}
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
