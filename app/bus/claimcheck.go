package bus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/alchemiser/alchemiser/app/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ClaimStore keeps details too large for an event.
type ClaimStore interface {
	// Put stores body under key and returns its URI.
	Put(ctx context.Context, key string, body []byte) (uri string, err error)
	// Get returns what uri holds.
	Get(ctx context.Context, uri string) ([]byte, error)
}

// ClaimCheck points to an event's detail stored elsewhere.
type ClaimCheck struct {
	URI    string `json:"uri"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// claimChecked is the detail of a claim-checked event: its metadata (so
// routing, tracing and idempotency work unchanged) and the pointer.
type claimChecked struct {
	Metadata   events.Metadata `json:"metadata"`
	ClaimCheck *ClaimCheck     `json:"claim_check"`
}

// ResolveClaimCheck returns the event raw with a claim-checked detail
// replaced by the stored one, checked against its size and hash; any
// other event is returned as is. Consumers call it before decoding.
func ResolveClaimCheck(ctx context.Context, store ClaimStore, raw []byte) ([]byte, error) {
	if !bytes.Contains(raw, []byte(`"claim_check"`)) {
		return raw, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil {
		return raw, nil // not an envelope: the handler reports it
	}
	var d claimChecked
	if err := json.Unmarshal(env["detail"], &d); err != nil || d.ClaimCheck == nil {
		return raw, nil
	}
	if store == nil {
		return nil, fmt.Errorf("event %s has a claim check (%s) and no claim store is configured", d.Metadata.EventID, d.ClaimCheck.URI)
	}
	body, err := store.Get(ctx, d.ClaimCheck.URI)
	if err != nil {
		return nil, fmt.Errorf("could not fetch the claim check of event %s: %w", d.Metadata.EventID, err)
	}
	sum := sha256.Sum256(body)
	if len(body) != d.ClaimCheck.Bytes || hex.EncodeToString(sum[:]) != d.ClaimCheck.SHA256 {
		return nil, &ClaimCheckError{EventID: d.Metadata.EventID, URI: d.ClaimCheck.URI}
	}
	env["detail"] = body
	return json.Marshal(env)
}

// ClaimCheckError is a stored detail that does not match its pointer.
type ClaimCheckError struct{ EventID, URI string }

func (e *ClaimCheckError) Error() string {
	return fmt.Sprintf("claim check %s of event %s does not match its size and hash", e.URI, e.EventID)
}

// Retryable is false: the stored object will not change by itself.
func (e *ClaimCheckError) Retryable() bool { return false }

// DirClaims keeps claim checks as files under Dir (the local stack's
// stand-in for the claim-check bucket).
type DirClaims struct{ Dir string }

// Put implements ClaimStore.
func (d DirClaims) Put(_ context.Context, key string, body []byte) (string, error) {
	path := filepath.Join(d.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return "", err
	}
	return "file://" + filepath.ToSlash(path), nil
}

// Get implements ClaimStore.
func (d DirClaims) Get(_ context.Context, uri string) ([]byte, error) {
	path, ok := strings.CutPrefix(uri, "file://")
	if !ok {
		return nil, fmt.Errorf("%s is not a file claim check", uri)
	}
	return os.ReadFile(filepath.FromSlash(path))
}

// S3API is the part of the S3 client S3Claims uses.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3Claims keeps claim checks in an S3 bucket (template.yaml's
// ClaimCheckBucket, which expires them after 14 days).
type S3Claims struct {
	Client S3API
	Bucket string
}

// Put implements ClaimStore.
func (c S3Claims) Put(ctx context.Context, key string, body []byte) (string, error) {
	_, err := c.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentType: aws.String("application/json")})
	if err != nil {
		return "", fmt.Errorf("s3 PutObject %s/%s: %w", c.Bucket, key, err)
	}
	return "s3://" + c.Bucket + "/" + key, nil
}

// Get implements ClaimStore.
func (c S3Claims) Get(ctx context.Context, uri string) ([]byte, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "s3" {
		return nil, errors.Join(fmt.Errorf("%s is not an s3:// claim check", uri), err)
	}
	out, err := c.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(u.Host), Key: aws.String(strings.TrimPrefix(u.Path, "/"))})
	if err != nil {
		return nil, fmt.Errorf("s3 GetObject %s: %w", uri, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}
