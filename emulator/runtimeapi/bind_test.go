package runtimeapi

import (
	"testing"

	"github.com/alchemiser/alchemiser/internal/loopbacktest"
)

// The local Lambda Runtime API hands out invocations and takes results:
// it must listen on loopback only, never on every interface.
func TestServerListensOnLoopbackOnly(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	loopbacktest.AssertLoopbackOnly(t, s.Addr())
}
