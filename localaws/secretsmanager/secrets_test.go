package secretsmanager_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/secretsmanager"
)

const (
	alpaca    = "alchemiser/alpaca"
	alpacaARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:alchemiser/alpaca"
)

var t0 = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

func stack(t *testing.T) *local.Stack {
	t.Helper()
	s, err := local.New(context.Background(), local.Config{RunDir: t.TempDir(), Seed: 1, TimeScale: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func client(t *testing.T, s *secretsmanager.SecretsManager) *sm.Client {
	t.Helper()
	srv, err := awsapi.NewServer([]awsapi.Service{s.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return sm.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

func TestTheAlpacaSecretByNameAndARN(t *testing.T) {
	st := stack(t)
	value := `{"key_id":"LOCALKEY","secret_key":"s3cr3t"}`
	s, err := secretsmanager.New(secretsmanager.Config{Dir: st.Dir, Top: st.Top, Values: map[string]string{alpaca: value},
		Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, s)
	for _, id := range []string{alpaca, alpacaARN} {
		out, err := c.GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if aws.ToString(out.SecretString) != value || aws.ToString(out.ARN) != alpacaARN || aws.ToString(out.Name) != alpaca ||
			!slices.Equal(out.VersionStages, []string{"AWSCURRENT"}) || !aws.ToTime(out.CreatedDate).Equal(t0) || aws.ToString(out.VersionId) == "" {
			t.Errorf("%s: %+v", id, out)
		}
	}
	info, err := os.Stat(filepath.Join(st.Dir, secretsmanager.FileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the secrets' file: %v, %v; want mode 0600", info, err)
	}
}

func TestThePlaceholderWithoutAValue(t *testing.T) {
	st := stack(t)
	s, err := secretsmanager.New(secretsmanager.Config{Dir: st.Dir, Top: st.Top})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client(t, s).GetSecretValue(context.Background(), &sm.GetSecretValueInput{SecretId: aws.String(alpaca)})
	if err != nil || aws.ToString(out.SecretString) != secretsmanager.Placeholder {
		t.Errorf("%+v, %v", out, err)
	}
}

func TestPutSecretValueMovesTheStages(t *testing.T) {
	st := stack(t)
	s, err := secretsmanager.New(secretsmanager.Config{Dir: st.Dir, Top: st.Top})
	if err != nil {
		t.Fatal(err)
	}
	c, ctx := client(t, s), context.Background()
	first, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(alpaca)})
	if err != nil {
		t.Fatal(err)
	}
	token := strings.Repeat("a", 32)
	put, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(alpacaARN), SecretString: aws.String("v2"), ClientRequestToken: aws.String(token)})
	if err != nil || aws.ToString(put.VersionId) != token || !slices.Equal(put.VersionStages, []string{"AWSCURRENT"}) {
		t.Fatalf("put: %+v, %v", put, err)
	}
	// The same token and value again is the same request; another value is not.
	if _, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(alpaca), SecretString: aws.String("v2"), ClientRequestToken: aws.String(token)}); err != nil {
		t.Errorf("a repeated put: %v", err)
	}
	_, err = c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(alpaca), SecretString: aws.String("other"), ClientRequestToken: aws.String(token)})
	var exists *types.ResourceExistsException
	if !errors.As(err, &exists) {
		t.Errorf("another value under a used token: %v, want ResourceExistsException", err)
	}
	prev, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(alpaca), VersionStage: aws.String("AWSPREVIOUS")})
	if err != nil || aws.ToString(prev.VersionId) != aws.ToString(first.VersionId) || aws.ToString(prev.SecretString) != secretsmanager.Placeholder {
		t.Errorf("AWSPREVIOUS: %+v, %v; want the first version", prev, err)
	}
	third, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(alpaca), SecretString: aws.String("v3")})
	if err != nil {
		t.Fatal(err)
	}
	// The first version lost its last stage and is gone.
	_, err = c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(alpaca), VersionId: first.VersionId})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("a version without stages: %v, want ResourceNotFoundException", err)
	}

	again, err := secretsmanager.New(secretsmanager.Config{Dir: st.Dir, Top: st.Top})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := client(t, again).GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(alpaca)})
	if err != nil || aws.ToString(cur.SecretString) != "v3" || aws.ToString(cur.VersionId) != aws.ToString(third.VersionId) {
		t.Errorf("after a restart: %+v, %v", cur, err)
	}
	prev, err = client(t, again).GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(alpaca), VersionStage: aws.String("AWSPREVIOUS")})
	if err != nil || aws.ToString(prev.SecretString) != "v2" {
		t.Errorf("AWSPREVIOUS after a restart: %+v, %v", prev, err)
	}
}

func TestErrors(t *testing.T) {
	st := stack(t)
	s, err := secretsmanager.New(secretsmanager.Config{Dir: st.Dir, Top: st.Top})
	if err != nil {
		t.Fatal(err)
	}
	c, ctx := client(t, s), context.Background()
	_, err = c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("an unknown secret: %v", err)
	}
	_, err = c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(alpaca), SecretString: aws.String("x"), SecretBinary: []byte("y")})
	var bad *types.InvalidParameterException
	if !errors.As(err, &bad) {
		t.Errorf("both string and binary: %v", err)
	}
	if _, err := c.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(alpaca), SecretBinary: []byte{0, 1, 2}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(alpaca)})
	if err != nil || string(out.SecretBinary) != "\x00\x01\x02" || out.SecretString != nil {
		t.Errorf("a binary secret: %+v, %v", out, err)
	}
}

func TestABrokenFileNamesNoContent(t *testing.T) {
	st := stack(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, secretsmanager.FileName), []byte(`{"hunter2"`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := secretsmanager.New(secretsmanager.Config{Dir: dir, Top: st.Top})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), secretsmanager.FileName) {
		t.Errorf("a broken file: %v, want an error naming the file and not its content", err)
	}
}
