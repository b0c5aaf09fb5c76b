package memnet

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// Listener is an in-memory net.Listener; Dial connects to it.
type Listener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

var _ net.Listener = (*Listener)(nil)

// Listen returns a Listener that accepts the connections its Dial makes.
func Listen() *Listener {
	return &Listener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept waits for a Dial and returns the server's end of the pipe, or
// net.ErrClosed once the Listener is closed.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops accepting; later dials fail. It is safe to call twice.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr is the listener's address, "memnet" on network "memnet".
func (l *Listener) Addr() net.Addr { return addr{} }

// Dial connects to the Listener, ignoring network and address, as
// http.Transport's DialContext. It waits for an Accept until ctx ends or
// the Listener closes.
func (l *Listener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	server, client := net.Pipe()
	var err error
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		err = net.ErrClosed
	case <-ctx.Done():
		err = ctx.Err()
	}
	server.Close()
	client.Close()
	return nil, fmt.Errorf("could not dial memnet: %w", err)
}

// Transport returns an HTTP transport whose connections reach l. Close
// its idle connections (CloseIdleConnections) when done: each one holds a
// goroutine reading its pipe.
func (l *Listener) Transport() *http.Transport {
	return &http.Transport{DialContext: l.Dial, MaxIdleConnsPerHost: 64}
}

type addr struct{}

func (addr) Network() string { return "memnet" }
func (addr) String() string  { return "memnet" }
