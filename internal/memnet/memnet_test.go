package memnet

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// A server on the Listener answers a client whose transport dials it,
// and a handler's sleep takes virtual time only.
func TestHTTPOverMemnetInABubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := Listen()
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Hour)
			_, _ = io.WriteString(w, "pong")
		})}
		go func() { _ = srv.Serve(ln) }()
		tr := ln.Transport()
		start := time.Now()
		resp, err := (&http.Client{Transport: tr}).Get("http://" + ln.Addr().String() + "/ping")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(body) != "pong" {
			t.Fatalf("body %q %v, want pong", body, err)
		}
		if d := time.Since(start); d != time.Hour {
			t.Errorf("the request took %s of the bubble's time, want 1h", d)
		}
		tr.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDialAfterCloseFails(t *testing.T) {
	ln := Listen()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ln.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := ln.Dial(context.Background(), "tcp", "memnet:80"); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Dial after Close: %v, want net.ErrClosed", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

func TestDialHonoursItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := Listen() // nothing accepts
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := ln.Dial(ctx, "tcp", "memnet:80"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Dial with nobody accepting: %v, want the context's deadline", err)
		}
	})
}
