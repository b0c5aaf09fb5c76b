package paper

import (
	"net/url"
	"testing"

	"github.com/alchemiser/alchemiser/internal/loopbacktest"
)

// The paper exchange holds test credentials and accepts orders: it must
// listen on loopback only, never on every interface.
func TestExchangeListensOnLoopbackOnly(t *testing.T) {
	x := exchange(t)
	base, err := x.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	loopbacktest.AssertLoopbackOnly(t, u.Host)
	loopbacktest.AssertLoopbackOnly(t, x.ln.Addr().String())
}
