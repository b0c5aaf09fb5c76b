package wiring

import (
	"context"
	"slices"
	"testing"

	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/topology"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The Lambda bootstraps, under the template's environment, and the local
// stack wrap every function in the same middleware chain.
func TestLambdaAndLocalComposeTheSameChain(t *testing.T) {
	ctx := context.Background()
	s, err := local.New(ctx, local.Config{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	for _, fn := range s.Top.FunctionNames() {
		env := s.Top.Functions[topology.LogicalID(fn)].Env
		for _, k := range []string{"EVENT_BUS_NAME", "IDEMPOTENCY_TABLE", "CLAIM_CHECK_BUCKET"} {
			t.Setenv(k, env[k])
		}
		_, d, err := deps(ctx, fn, cfg)
		if err != nil {
			t.Fatal(err)
		}
		f, err := compose.Build(fn, d)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.Chain, s.Chain(fn)) {
			t.Errorf("%s: Lambda's chain %v, the local stack's %v", fn, f.Chain, s.Chain(fn))
		}
		if len(f.Chain) == 0 || f.Chain[0] != compose.Telemetry {
			t.Errorf("%s: chain %v does not start with telemetry", fn, f.Chain)
		}
	}
}
