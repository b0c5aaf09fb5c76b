package awsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// The fuzzed service: one input with every kind of member each protocol
// decodes, echoed back so that the encoders see what the decoders made.
type fuzzInner struct {
	Name   string            `json:"Name"`
	Count  *int64            `json:"Count,omitempty"`
	Tags   map[string]string `json:"Tags,omitempty"`
	Deeper []fuzzInner       `json:"Deeper,omitempty"`
}
type fuzzIn struct {
	Name       string               `json:"Name"`
	Small      int8                 `json:"Small"`
	Count      int32                `json:"Count"`
	Big        int64                `json:"Big,omitempty"`
	Unsigned   uint16               `json:"Unsigned"`
	Ratio      float64              `json:"Ratio"`
	Ratio32    float32              `json:"Ratio32"`
	Enabled    bool                 `json:"Enabled"`
	Maybe      *bool                `json:"Maybe,omitempty"`
	When       *awsapi.Time         `json:"When,omitempty"`
	Then       awsapi.Time          `json:"Then"`
	Blob       []byte               `json:"Blob,omitempty"`
	Items      []string             `json:"Items,omitempty" query:"Item,flat"`
	Inner      fuzzInner            `json:"Inner"`
	Inners     []fuzzInner          `json:"Inners,omitempty" query:"InnerItem,flat"`
	Attributes map[string]string    `json:"Attributes,omitempty" query:"Attribute,flat,key=Name,value=Value"`
	Metrics    map[string]fuzzInner `json:"Metrics,omitempty"`
	Matrix     [][]float64          `json:"Matrix,omitempty"`
	Times      []*awsapi.Time       `json:"Times,omitempty"`
}
type fuzzInvokeIn struct {
	Name      string       `json:"Name"`
	Qualifier string       `json:"-" querystring:"Qualifier"`
	Limit     *int32       `json:"-" querystring:"Limit"`
	Keys      []string     `json:"-" querystring:"Key"`
	Mode      string       `json:"-" header:"X-Fuzz-Mode"`
	Count     int64        `json:"-" header:"X-Fuzz-Count"`
	When      *awsapi.Time `json:"-" header:"X-Fuzz-When"`
	Flags     []bool       `json:"-" header:"X-Fuzz-Flags"`
	Payload   []byte       `json:"-" payload:""`
}
type fuzzInvokeOut struct {
	Status  int          `json:"-" httpResponseCode:""`
	Mode    string       `json:"-" header:"X-Fuzz-Mode"`
	Count   int64        `json:"-" header:"X-Fuzz-Count"`
	When    *awsapi.Time `json:"-" header:"X-Fuzz-When"`
	Keys    []string     `json:"-" header:"X-Fuzz-Keys"`
	Payload []byte       `json:"-" payload:""`
}

func fuzzService() awsapi.Service {
	echo := awsapi.Op(func(_ context.Context, in *fuzzIn) (*fuzzIn, error) {
		switch in.Name {
		case "fail":
			return nil, awsapi.Errorf("ResourceNotFoundException", "no %s", in.Inner.Name)
		case "boom":
			panic("boom")
		}
		return in, nil
	})
	invoke := awsapi.Op(func(_ context.Context, in *fuzzInvokeIn) (*fuzzInvokeOut, error) {
		if in.Name == "fail" {
			return nil, &awsapi.Error{Code: "ResourceNotFoundException", Message: in.Mode, Status: http.StatusNotFound}
		}
		status := http.StatusOK
		if in.Mode == "Event" {
			status = http.StatusAccepted
		}
		return &fuzzInvokeOut{Status: status, Mode: in.Mode, Count: in.Count, When: in.When, Keys: in.Keys, Payload: in.Payload}, nil
	})
	return awsapi.Service{SigningName: "fuzz", Protocols: awsapi.JSON | awsapi.Query | awsapi.CBOR | awsapi.REST,
		TargetPrefix: "Fuzz_20261205", JSONVersion: "1.0", CBORName: "FuzzService", XMLNamespace: "https://fuzz.example/doc/2026-12-05/",
		QueryErrors: map[string]string{"ResourceNotFoundException": "Fuzz.NotFound;Sender"},
		Routes: []awsapi.Route{
			{Method: http.MethodPost, Path: "/fuzz/{Name}/invocations", Operation: "Invoke"},
			{Method: http.MethodPut, Path: "/fuzz/{Name}", Operation: "Echo", Status: http.StatusCreated},
			{Method: http.MethodGet, Path: "/fuzz/{Name}/files/{Rest+}", Operation: "Echo"},
		},
		Operations: map[string]awsapi.Operation{"Echo": echo, "Invoke": invoke}}
}

var fuzzProtocols = []string{"json", "cbor", "query", "rest"}

// fuzzRequest builds the request a fuzz input describes: the protocol
// (the selector's low bits; the high bits pick a REST method), its
// target (the JSON or CBOR operation, the query request's signing
// service, the REST path and query), the body and header lines.
func fuzzRequest(selector uint8, target string, body []byte, headers string) (*http.Request, error) {
	var req *http.Request
	var err error
	switch fuzzProtocols[selector%4] {
	case "json":
		req, err = http.NewRequest(http.MethodPost, "http://local/", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("X-Amz-Target", "Fuzz_20261205."+target)
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		}
	case "cbor":
		req, err = http.NewRequest(http.MethodPost, "http://local/service/FuzzService/operation/"+url.PathEscape(target), bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
			req.Header.Set("Content-Type", "application/cbor")
		}
	case "query":
		req, err = http.NewRequest(http.MethodPost, "http://local/", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			if target != "" {
				req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/"+target+"/aws4_request, SignedHeaders=host, Signature=00")
			}
		}
	case "rest":
		method := []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodDelete}[selector>>2%4]
		req, err = http.NewRequest(method, "http://local"+target, bytes.NewReader(body))
	}
	if err != nil {
		return nil, err
	}
	for line := range strings.SplitSeq(headers, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	return req, nil
}

// servedProtocol is the protocol ServeHTTP takes a request for, as its
// documentation says it chooses.
func servedProtocol(r *http.Request) string {
	switch {
	case r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor":
		return "cbor"
	case r.Header.Get("X-Amz-Target") != "":
		return "json"
	case r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return "query"
	}
	return "rest"
}

func FuzzRequestDecoding(f *testing.F) {
	srv, err := awsapi.NewServer([]awsapi.Service{fuzzService()})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds(f) {
		f.Add(s.selector, s.target, s.body, s.headers)
	}
	f.Fuzz(func(t *testing.T, selector uint8, target string, body []byte, headers string) {
		req, err := fuzzRequest(selector, target, body, headers)
		if err != nil {
			return // not a request an HTTP client could send
		}
		p := servedProtocol(req)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		resp := rec.Result()
		out, _ := io.ReadAll(resp.Body)
		if s := resp.StatusCode; !(s >= 200 && s < 300 || s >= 400 && s < 600) {
			t.Fatalf("%s: status %d: %.300s", p, s, out)
		}
		code, err := responseError(p, resp, out)
		if err != nil {
			t.Fatalf("%s: status %d, %v: %.300q", p, resp.StatusCode, err, out)
		}
		if resp.StatusCode >= 400 && code == "" {
			t.Fatalf("%s: status %d without an error code: %.300q", p, resp.StatusCode, out)
		}
	})
}

type fuzzSeed struct {
	selector uint8
	target   string
	body     []byte
	headers  string
	status   int // what the seed is answered: the seeds reach every path
}

// fuzzSeeds are valid requests of every protocol, and a few failing.
func fuzzSeeds(f testing.TB) []fuzzSeed {
	in := fuzzIn{Name: "n", Small: -3, Count: 7, Big: 1 << 40, Unsigned: 9, Ratio: 0.25, Ratio32: 1.5, Enabled: true, Maybe: new(bool),
		When: awsapi.At(time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)), Then: awsapi.Time{Time: time.Unix(1764921600, 0)},
		Blob: []byte{0, 1, 2}, Items: []string{"a", "b"}, Inner: fuzzInner{Name: "i", Count: new(int64), Tags: map[string]string{"k": "v"},
			Deeper: []fuzzInner{{Name: "d"}}}, Inners: []fuzzInner{{Name: "x"}},
		Attributes: map[string]string{"A": "1"}, Metrics: map[string]fuzzInner{"m": {Name: "y"}}, Matrix: [][]float64{{1, 2}, {3}},
		Times: []*awsapi.Time{awsapi.At(time.Unix(0, 0))}}
	js, err := json.Marshal(in)
	if err != nil {
		f.Fatal(err)
	}
	cb, err := cbor.Marshal(in)
	if err != nil {
		f.Fatal(err)
	}
	form := "Action=Echo&Version=2026-12-05&Name=n&Small=-3&Count=7&Big=1099511627776&Unsigned=9&Ratio=0.25&Ratio32=1.5" +
		"&Enabled=true&Maybe=false&When=2026-12-05T08%3A00%3A00Z&Then=2026-12-05T08%3A00%3A00.000Z&Blob=AAEC" +
		"&Item.1=a&Item.2=b&Inner.Name=i&Inner.Count=0&Inner.Tags.entry.1.key=k&Inner.Tags.entry.1.value=v" +
		"&Inner.Deeper.member.1.Name=d&InnerItem.1.Name=x&Attribute.1.Name=A&Attribute.1.Value=1" +
		"&Metrics.entry.1.key=m&Metrics.entry.1.value.Name=y&Matrix.member.1.member.1=1&Matrix.member.1.member.2=2" +
		"&Matrix.member.2.member.1=3&Times.member.1=1970-01-01T00%3A00%3A00Z"
	return []fuzzSeed{
		{0, "Echo", js, "", 200},
		{0, "Echo", []byte(`{"Name":"fail"}`), "", 400},
		{0, "Nope", []byte(`{}`), "", 400},
		{1, "Echo", cb, "", 200},
		{1, "Echo", []byte{0xa1, 0x64, 'N', 'a', 'm', 'e', 0x64, 'b', 'o', 'o', 'm'}, "", 500},
		{2, "fuzz", []byte(form), "", 200},
		{2, "fuzz", []byte("Action=Echo&Name=fail"), "", 400},
		{2, "", []byte("Action=Echo"), "", 403},
		{2, "other", []byte("Action=Echo"), "", 400},
		{3, "/fuzz/alchemiser-trade/invocations?Qualifier=7&Limit=3&Key=a&Key=b", []byte(`{"Symbol":"AAPL"}`),
			"X-Fuzz-Mode: RequestResponse\nX-Fuzz-Count: 12\nX-Fuzz-When: Sat, 05 Dec 2026 08:00:00 GMT\nX-Fuzz-Flags: true, false", 200},
		{3, "/fuzz/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ax/invocations", []byte("raw bytes"), "X-Fuzz-Mode: Event", 202},
		{3 | 2<<2, "/fuzz/n", js, "", 201},
		{3 | 1<<2, "/fuzz/n/files/a/b%2Fc", nil, "", 200},
		{3 | 1<<2, "/nowhere", nil, "", 404},
	}
}

// The seeds are answered as they mean to be: the valid ones succeed,
// so the fuzzer starts from every decoder's and encoder's full path.
func TestFuzzSeeds(t *testing.T) {
	srv, err := awsapi.NewServer([]awsapi.Service{fuzzService()})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds(t) {
		req, err := fuzzRequest(s.selector, s.target, s.body, s.headers)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != s.status {
			t.Errorf("seed %d (%s %s): status %d, want %d: %.300s", i, servedProtocol(req), s.target, rec.Code, s.status, rec.Body)
		}
	}
}
