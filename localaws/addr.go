package localaws

import (
	"fmt"
	"net"
	"strconv"
)

// CheckAddr accepts a listen address on loopback only: a host of
// 127.0.0.0/8, ::1 or localhost, and a port (0 for a free one). The
// local endpoint accepts any credentials, so it must not be reachable
// from another machine.
func CheckAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q is not host:port: %w", addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("address %q: port %q is not a number from 0 to 65535", addr, port)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not on loopback: the endpoint serves 127.0.0.0/8, ::1 or localhost only", addr)
	}
	return nil
}
