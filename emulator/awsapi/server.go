package awsapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// MaxBody is the largest request body read (SQS's and EventBridge's
// largest requests are 256 KiB, CloudWatch's PutMetricData 1 MiB);
// a larger body is a 413.
const MaxBody = 4 << 20

// Server routes requests to services' operations. It is safe for
// concurrent use; the operations must be too.
type Server struct {
	bySigning map[string]*Service
	byTarget  map[string]*Service
	byCBOR    map[string]*Service
	routes    []restRoute
	observe   func(service, operation string, err error)
}

// ServerOption configures a Server.
type ServerOption func(*Server)

// WithObserver calls f after each request with the service's signing
// name, the operation ("" when none was found) and its error (nil on
// success).
func WithObserver(f func(service, operation string, err error)) ServerOption {
	return func(s *Server) { s.observe = f }
}

// NewServer serves services; two services may not share a signing
// name, target prefix or CBOR name.
func NewServer(services []Service, opts ...ServerOption) (*Server, error) {
	s := &Server{bySigning: map[string]*Service{}, byTarget: map[string]*Service{}, byCBOR: map[string]*Service{},
		observe: func(string, string, error) {}}
	for _, o := range opts {
		o(s)
	}
	for i := range services {
		svc := &services[i]
		if err := s.add(svc); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) add(svc *Service) error {
	if svc.SigningName == "" || s.bySigning[svc.SigningName] != nil {
		return fmt.Errorf("awsapi: service signing name %q is empty or taken", svc.SigningName)
	}
	s.bySigning[svc.SigningName] = svc
	if svc.Protocols&JSON != 0 {
		if svc.TargetPrefix == "" || s.byTarget[svc.TargetPrefix] != nil {
			return fmt.Errorf("awsapi: service %s: target prefix %q is empty or taken", svc.SigningName, svc.TargetPrefix)
		}
		s.byTarget[svc.TargetPrefix] = svc
	}
	if svc.Protocols&CBOR != 0 {
		if svc.CBORName == "" || s.byCBOR[svc.CBORName] != nil {
			return fmt.Errorf("awsapi: service %s: CBOR name %q is empty or taken", svc.SigningName, svc.CBORName)
		}
		s.byCBOR[svc.CBORName] = svc
	}
	if svc.Protocols&REST != 0 {
		for _, r := range svc.Routes {
			if _, ok := svc.Operations[r.Operation]; !ok {
				return fmt.Errorf("awsapi: service %s: route %s %s names no operation %q", svc.SigningName, r.Method, r.Path, r.Operation)
			}
			rt, err := compileRoute(svc, r)
			if err != nil {
				return err
			}
			s.routes = append(s.routes, rt)
		}
	}
	return nil
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	switch {
	case r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor":
		s.serveCBOR(w, r)
	case r.Header.Get("X-Amz-Target") != "":
		s.serveJSON(w, r)
	case r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		s.serveQuery(w, r)
	default:
		s.serveREST(w, r)
	}
}

// call runs op on in, turning a panic into an InternalFailure: a bad
// request must never take the endpoint down.
func call(ctx context.Context, op Operation, in any) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, internal(fmt.Errorf("operation panicked: %v", p))
		}
	}()
	return op.call(ctx, in)
}

// awsError is err as an AWS error: an *Error in its chain, else an
// InternalFailure.
func awsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

// readBody reads the request body; an over-long one is a 413.
func readBody(r *http.Request) ([]byte, *Error) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, &Error{Code: "RequestEntityTooLarge", Message: fmt.Sprintf("the request body is over %d bytes", MaxBody), Status: http.StatusRequestEntityTooLarge}
	}
	if err != nil {
		return nil, Errorf(CodeSerialization, "could not read the request body: %v", err)
	}
	return b, nil
}

// credentialScope matches the service of a SigV4 Authorization header:
// Credential=AKID/20261205/us-east-1/logs/aws4_request.
var credentialScope = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request`)

// signingName is the service a request was signed for, "" when it is
// not signed with SigV4.
func signingName(r *http.Request) string {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return ""
	}
	return m[1]
}

// requestID is a new request id, as AWS's x-amzn-RequestId.
func requestID() string {
	return strings.ToLower(rand.Text())
}
