// Package runtimeapi is a test kit: an HTTP server speaking the AWS Lambda
// Runtime API (2018-06-01), so a built function bootstrap can run on this
// machine exactly as Lambda runs it: the bootstrap polls
// /runtime/invocation/next, gets an event with the invocation headers, and
// posts a response or an error.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
//
// The official runtime interface emulator cannot be installed here; this
// implements the subset a Go runtime client (aws-lambda-go) uses: next,
// response, error and init error.
package runtimeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Invocation is one event to deliver.
type Invocation struct {
	RequestID string
	Event     []byte
	Deadline  time.Time
	TraceID   string // Lambda-Runtime-Trace-Id, X-Ray format; optional
}

// Result is what the function answered.
type Result struct {
	RequestID string
	Response  []byte // set on success
	Error     *Error // set on failure
}

// Error is the body a runtime posts for a failed invocation or init.
type Error struct {
	Message string   `json:"errorMessage"`
	Type    string   `json:"errorType"`
	Trace   []string `json:"stackTrace,omitempty"`
}

// Server is a Runtime API endpoint on 127.0.0.1.
type Server struct {
	ARN string

	queue    chan Invocation
	results  chan Result
	initErr  chan Error
	firstGet chan time.Time
	once     sync.Once
	srv      *http.Server
	addr     string
}

// Start listens on a free loopback port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("could not listen: %w", err)
	}
	s := &Server{
		ARN:   "arn:aws:lambda:us-east-1:000000000000:function:local",
		queue: make(chan Invocation, 64), results: make(chan Result, 64),
		initErr: make(chan Error, 1), firstGet: make(chan time.Time, 1), addr: ln.Addr().String(),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", s.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", s.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", s.error)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", s.initError)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the host:port for AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.addr }

// Close stops the server, releasing a runtime blocked in next.
func (s *Server) Close() error { return s.srv.Close() }

// Invoke queues inv and waits for its result, an init error, or ctx.
func (s *Server) Invoke(ctx context.Context, inv Invocation) (Result, error) {
	s.queue <- inv
	select {
	case r := <-s.results:
		return r, nil
	case e := <-s.initErr:
		return Result{}, fmt.Errorf("init error %s: %s", e.Type, e.Message)
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// FirstPoll returns when the runtime first asked for an event: the end of
// its initialisation.
func (s *Server) FirstPoll(ctx context.Context) (time.Time, error) {
	select {
	case t := <-s.firstGet:
		return t, nil
	case e := <-s.initErr:
		return time.Time{}, fmt.Errorf("init error %s: %s", e.Type, e.Message)
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	s.once.Do(func() { s.firstGet <- time.Now() })
	var inv Invocation
	select {
	case inv = <-s.queue:
	case <-r.Context().Done():
		return
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.RequestID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.Deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", s.ARN)
	if inv.TraceID != "" {
		h.Set("Lambda-Runtime-Trace-Id", inv.TraceID)
	}
	_, _ = w.Write(inv.Event)
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.results <- Result{RequestID: r.PathValue("id"), Response: body}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) error(w http.ResponseWriter, r *http.Request) {
	s.results <- Result{RequestID: r.PathValue("id"), Error: decodeError(r.Body)}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	s.initErr <- *decodeError(r.Body)
	w.WriteHeader(http.StatusAccepted)
}

func decodeError(body io.Reader) *Error {
	raw, _ := io.ReadAll(body)
	var e Error
	if err := json.Unmarshal(raw, &e); err != nil {
		e.Message = strings.TrimSpace(string(raw))
	}
	return &e
}
