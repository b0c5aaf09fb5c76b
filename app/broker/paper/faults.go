package paper

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"strings"
	"time"
)

// Faults are injected into API requests, before any other handling.
type Faults struct {
	Latency     time.Duration   // added to every request
	ErrorRates  map[int]float64 // HTTP status -> probability, e.g. {500: 0.1}
	RateLimit   float64         // probability of a 429
	TimeoutRate float64         // probability of holding the request until the client gives up
	// AnswerDelay carries the request out, then holds its answer: a
	// client that gives up meanwhile never learns that its order was
	// placed (the hazard a retry with the same client order id survives).
	AnswerDelay time.Duration
	Paths       []string // path prefixes the faults apply to; all when empty
}

// SetFaults replaces the active faults.
func (x *Exchange) SetFaults(f Faults) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.faults = f
}

// fault decides this request's fault: 0 for none, -1 for a timeout, or an
// HTTP status to answer with.
func (x *Exchange) fault(path string) (time.Duration, int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	f := x.faults
	if len(f.Paths) > 0 && !hasPrefix(path, f.Paths) {
		return 0, 0
	}
	if f.TimeoutRate > 0 && x.rng.Float64() < f.TimeoutRate {
		return f.Latency, -1
	}
	if f.RateLimit > 0 && x.rng.Float64() < f.RateLimit {
		return f.Latency, http.StatusTooManyRequests
	}
	for _, status := range sortedStatuses(f.ErrorRates) {
		if x.rng.Float64() < f.ErrorRates[status] {
			return f.Latency, status
		}
	}
	return f.Latency, 0
}

// withFaults wraps an API handler with fault injection.
func (x *Exchange) withFaults(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		delay, status := x.fault(r.URL.Path)
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case status == -1:
			<-r.Context().Done() // the client's timeout or the server's Close ends it
			return
		case status == http.StatusTooManyRequests:
			writeError(w, status, 42910000, "rate limit exceeded")
			return
		case status > 0:
			writeError(w, status, 50010000, "internal server error (injected)")
			return
		}
		if answer := x.answerDelay(r.URL.Path); answer > 0 {
			held(w, r, answer, h)
			return
		}
		h(w, r)
	}
}

func (x *Exchange) answerDelay(path string) time.Duration {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.faults.Paths) > 0 && !hasPrefix(path, x.faults.Paths) {
		return 0
	}
	return x.faults.AnswerDelay
}

// held runs h to completion on a buffered answer, then sends the answer
// after d unless the client has gone by then.
func held(w http.ResponseWriter, r *http.Request, d time.Duration, h http.HandlerFunc) {
	b := &bufferedAnswer{header: http.Header{}, status: http.StatusOK}
	h(b, r.WithContext(context.WithoutCancel(r.Context())))
	select {
	case <-time.After(d):
	case <-r.Context().Done():
		return
	}
	maps.Copy(w.Header(), b.header)
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// bufferedAnswer is an http.ResponseWriter that keeps the answer.
type bufferedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedAnswer) Header() http.Header         { return b.header }
func (b *bufferedAnswer) WriteHeader(status int)      { b.status = status }
func (b *bufferedAnswer) Write(p []byte) (int, error) { return b.body.Write(p) }

func hasPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func sortedStatuses(m map[int]float64) []int {
	out := make([]int, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
