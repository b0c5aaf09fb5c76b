// Package ctxhttp binds a context to HTTP clients whose callers cannot pass
// one: alpaca-trade-api-go/v3 builds requests without a context, so its
// calls could outlive a Lambda invocation's deadline. Client returns an
// *http.Client whose transport attaches ctx to every request, so the
// deadline and cancellation of the invocation apply.
package ctxhttp

import (
	"context"
	"net/http"
)

// Client returns a client like base whose requests carry ctx. A nil base
// uses http.DefaultTransport.
func Client(ctx context.Context, base *http.Client) *http.Client {
	c := &http.Client{}
	rt := http.DefaultTransport
	if base != nil {
		*c = *base
		if base.Transport != nil {
			rt = base.Transport
		}
	}
	c.Transport = transport{ctx: ctx, next: rt}
	return c
}

type transport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (t transport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.next.RoundTrip(r.WithContext(t.ctx))
}
