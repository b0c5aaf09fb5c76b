// Package loopbacktest checks, in tests, that a local server listens on
// loopback only: the paper exchange, the Lambda Runtime API server and
// dynalite hold test credentials or accept writes.
package loopbacktest

import (
	"net"
	"testing"
	"time"
)

// AssertLoopbackOnly fails unless addr (host:port) is a loopback address
// and nothing answers on the same port at the machine's other addresses:
// a listener on 0.0.0.0 or [::] would.
func AssertLoopbackOnly(t testing.TB, addr string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		t.Fatalf("listens on %s, want a loopback address (127.0.0.1)", addr)
	}
	ifaces, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ifaces {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() {
			continue
		}
		other := net.JoinHostPort(n.IP.String(), port)
		if c, err := net.DialTimeout("tcp", other, 500*time.Millisecond); err == nil {
			c.Close()
			t.Errorf("%s also answers on %s: it is not bound to loopback only", addr, other)
		}
	}
}
