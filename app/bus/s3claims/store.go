package s3claims

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/alchemiser/alchemiser/app/bus"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// API is the part of the S3 client the store uses.
type API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ API = (*s3.Client)(nil)

// Store keeps claim checks in an S3 bucket (template.yaml's
// ClaimCheckBucket, which expires them after 14 days).
type Store struct {
	Client API
	Bucket string
}

var _ bus.ClaimStore = Store{}

// Put implements bus.ClaimStore with a PutObject; the URI is
// s3://<bucket>/<key>.
func (c Store) Put(ctx context.Context, key string, body []byte) (string, error) {
	_, err := c.Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(c.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentType: aws.String("application/json")})
	if err != nil {
		return "", fmt.Errorf("s3 PutObject %s/%s: %w", c.Bucket, key, err)
	}
	return "s3://" + c.Bucket + "/" + key, nil
}

// Get implements bus.ClaimStore with a GetObject of an s3:// URI, in any
// bucket.
func (c Store) Get(ctx context.Context, uri string) ([]byte, error) {
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
