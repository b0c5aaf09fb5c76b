//go:build external

package dynalitetest

import (
	"net/url"
	"testing"

	"github.com/alchemiser/alchemiser/internal/loopbacktest"
)

// dynalite is started by scripts/dynalite.sh with --host 127.0.0.1; a
// DynamoDB endpoint without authentication must not answer the network.
func TestDynaliteListensOnLoopbackOnly(t *testing.T) {
	endpoint, _ := Start(t)
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	loopbacktest.AssertLoopbackOnly(t, u.Host)
}
