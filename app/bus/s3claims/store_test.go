package s3claims

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// fakeS3 speaks S3's REST protocol for PutObject and GetObject, path style.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.Method {
	case http.MethodPut:
		b := make([]byte, r.ContentLength)
		_, _ = io.ReadFull(r.Body, b)
		f.objects[r.URL.Path] = b
		w.Header().Set("ETag", `"1"`)
	case http.MethodGet:
		b, ok := f.objects[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`<Error><Code>NoSuchKey</Code><Message>missing</Message></Error>`))
			return
		}
		_, _ = w.Write(b)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func TestRoundTrip(t *testing.T) {
	srv := httptest.NewServer(&fakeS3{objects: map[string][]byte{}})
	defer srv.Close()
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
	store := Store{Client: client, Bucket: "claims"}
	uri, err := store.Put(context.Background(), "claim-checks/X/1.json", []byte(`{"a":1}`))
	if err != nil || uri != "s3://claims/claim-checks/X/1.json" {
		t.Fatalf("%q %v", uri, err)
	}
	got, err := store.Get(context.Background(), uri)
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := store.Get(context.Background(), "s3://claims/missing"); err == nil {
		t.Error("a missing object is not an error")
	}
	if _, err := store.Get(context.Background(), "file:///tmp/x.json"); err == nil {
		t.Error("a file:// URI is not an error")
	}
}
