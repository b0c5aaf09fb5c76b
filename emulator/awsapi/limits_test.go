package awsapi_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// rawRequest is one protocol's request for an operation, with body.
func rawRequest(t *testing.T, base, protocol, op string, body []byte) *http.Request {
	t.Helper()
	var req *http.Request
	switch protocol {
	case "json":
		req, _ = http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", "AmazonSSM."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	case "cbor":
		req, _ = http.NewRequest(http.MethodPost, base+"/service/GraniteServiceVersion20100801/operation/"+op, bytes.NewReader(body))
		req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		req.Header.Set("Content-Type", "application/cbor")
	case "query":
		req, _ = http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(append([]byte("Action="+op+"&x="), body...)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=00")
	case "rest":
		method, path := http.MethodPost, "/2015-03-31/functions/alchemiser-trade/invocations"
		if op == "Boom" {
			method, path = http.MethodDelete, "/2015-03-31/functions/alchemiser-trade"
		}
		req, _ = http.NewRequest(method, base+path, bytes.NewReader(body))
	}
	return req
}

func limitsServer(t *testing.T) string {
	t.Helper()
	srv, err := awsapi.NewServer(append(services(), cloudFormation(), lambdaService()))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// A panic in an operation is an InternalFailure (500) in the protocol's
// error shape, and the server serves the next request.
func TestPanicIsInternalFailure(t *testing.T) {
	base := limitsServer(t)
	for _, p := range []string{"json", "cbor", "query", "rest"} {
		resp, body := do(t, rawRequest(t, base, p, "Boom", nil))
		code, err := responseError(p, resp, body)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if resp.StatusCode != http.StatusInternalServerError || code != awsapi.CodeInternal || !bytes.Contains(body, []byte("boom")) {
			t.Errorf("%s: a panic answered %d %q %s", p, resp.StatusCode, code, body)
		}
	}
	resp, body := do(t, rawRequest(t, base, "json", "GetParameter", []byte(`{"Name":"/alchemiser/trading-enabled"}`)))
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"Value":"true"`) {
		t.Errorf("after the panics: %d %s", resp.StatusCode, body)
	}
}

// A body over MaxBody is a 413, whatever the protocol.
func TestBodyOverMaxBody(t *testing.T) {
	base := limitsServer(t)
	big := bytes.Repeat([]byte("a"), awsapi.MaxBody+1)
	ops := map[string]string{"json": "GetParameter", "cbor": "DescribeAlarms", "query": "DescribeStacks", "rest": "Invoke"}
	for p, op := range ops {
		resp, body := do(t, rawRequest(t, base, p, op, big))
		code, err := responseError(p, resp, body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || code != "RequestEntityTooLarge" {
			t.Errorf("%s: a body of %d bytes answered %d %q %v %.200s", p, len(big), resp.StatusCode, code, err, body)
		}
	}
}

// responseError is the error code of a response in protocol p's shape
// ("" for a success), or why the response is not in that shape.
func responseError(p string, resp *http.Response, body []byte) (string, error) {
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch p {
	case "json", "rest":
		var e struct {
			Type string `json:"__type"`
		}
		if len(body) > 0 && (p == "json" || !ok) {
			if err := json.Unmarshal(body, &e); err != nil {
				return "", fmt.Errorf("the body is not JSON: %w", err)
			}
		}
		if ok {
			return "", nil
		}
		if code := resp.Header.Get("X-Amzn-ErrorType"); code != "" && (p == "rest" || code == e.Type) {
			return code, nil
		}
		return "", fmt.Errorf("the error has no code (header %q, __type %q)", resp.Header.Get("X-Amzn-ErrorType"), e.Type)
	case "cbor":
		var m map[string]any
		if err := cbor.Unmarshal(body, &m); err != nil && len(body) > 0 {
			return "", fmt.Errorf("the body is not CBOR: %w", err)
		}
		if ok {
			return "", nil
		}
		if code, _ := m["__type"].(string); code != "" {
			return code, nil
		}
		return "", fmt.Errorf("the CBOR error has no __type: %v", m)
	case "query":
		if ok {
			var r struct {
				XMLName xml.Name
				ID      string `xml:"ResponseMetadata>RequestId"`
			}
			if err := xml.Unmarshal(body, &r); err != nil || !strings.HasSuffix(r.XMLName.Local, "Response") || r.ID == "" {
				return "", fmt.Errorf("the body is not a query response: %v", err)
			}
			return "", nil
		}
		var e errorResponse
		if err := xml.Unmarshal(body, &e); err != nil || e.Code == "" || e.Type == "" {
			return "", fmt.Errorf("the body is not an ErrorResponse with a code: %v", err)
		}
		return e.Code, nil
	}
	return "", fmt.Errorf("no protocol %q", p)
}
