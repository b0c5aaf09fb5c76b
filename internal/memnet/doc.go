// Package memnet is an in-memory network for tests: a net.Listener whose
// connections are net.Pipe pairs, and a Dial that reaches it, for an
// http.Server on one side and an http.Transport (DialContext) on the
// other.
//
// It exists for testing/synctest: a goroutine blocked on a real socket is
// not durably blocked, so a bubble whose server and clients talk over
// loopback TCP never advances its virtual clock. A net.Pipe blocks on
// channels (durably, when made in the bubble), so a bubble holding a
// server on this listener runs its timers, timeouts and sleeps in virtual
// time. Make the Listener inside the bubble that uses it: its channels
// belong to the bubble they were made in.
//
// Every Dial reaches the one Listener, whatever the address. Connections
// are synchronous and unbuffered (net.Pipe): a write waits for the
// matching read. Closing the Listener refuses new dials; open connections
// stay until their ends close them (http.Server.Close closes its side).
//
// Maintained in-memory listeners exist (google.golang.org/grpc/test/bufconn,
// fasthttp's fasthttputil.InmemoryListener), but as parts of large
// unrelated modules; this one is a few lines over net.Pipe.
package memnet
