package localaws

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Close returns once the invocations in flight have ended: none of them
// writes into the run directory afterwards (a test's TempDir cleanup
// would race with it). Here a manual workflow's strategy is retrying a
// throttled publish when Close comes.
func TestCloseWaitsForTheInvocationsInFlight(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	ep, err := Up(context.Background(), Config{Addr: "127.0.0.1:0", Trading: true, RunDir: dir, Scenario: "publish-failed", Seed: 31, NoSchedules: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ep.Close()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	_, err = lambdasdk.NewFromConfig(cfg).Invoke(context.Background(), &lambdasdk.InvokeInput{FunctionName: aws.String("alchemiser-scheduler"),
		InvocationType: lambdatypes.InvocationTypeEvent, Payload: []byte(`{"trigger":"manual","scheduled_time":"2026-11-20T14:35:00Z"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := ep.Close(); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	ep.Stack.Bus.Wait() // whatever was still running has ended now
	if after := snapshot(t, dir); after != before {
		t.Errorf("the run directory changed after Close:\nbefore %s\nafter  %s", before, after)
	}
}

// snapshot names every file of dir with its size and time.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var s string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		s += p + " " + fi.ModTime().String() + "\n"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
