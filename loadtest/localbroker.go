package loadtest

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alchemiser/alchemiser/app/broker/paper"
	"github.com/alchemiser/alchemiser/telemetry"
)

// brokerTransport is the load stack's transport to the paper exchange.
// It counts order POSTs and the exchange's refusals of a known client
// order id and, unless the workflows share one account, sends each
// request with the API key of its workflow's own account.
type brokerTransport struct {
	next              http.RoundTripper
	accounts          *workflowAccounts // nil: every workflow uses the stack's account
	posts, duplicates atomic.Int64
}

var _ http.RoundTripper = (*brokerTransport)(nil)

// duplicateMessage is Alpaca's (and the paper exchange's) answer to a
// reused client_order_id.
const duplicateMessage = "client_order_id must be unique"

func (t *brokerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.accounts != nil {
		if inv := telemetry.InvocationFrom(r.Context()); inv != nil && inv.CorrelationID != "" {
			key, secret, err := t.accounts.credentials(inv.CorrelationID)
			if err != nil {
				return nil, err
			}
			r = r.Clone(r.Context()) // a RoundTripper must not change its request
			r.Header.Set("APCA-API-KEY-ID", key)
			r.Header.Set("APCA-API-SECRET-KEY", secret)
		}
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil || r.Method != http.MethodPost || r.URL.Path != "/v2/orders" {
		return resp, err
	}
	t.posts.Add(1)
	if resp.StatusCode == http.StatusUnprocessableEntity && refusedAsDuplicate(resp) {
		t.duplicates.Add(1)
	}
	return resp, nil
}

// refusedAsDuplicate reads a refusal's body, and puts it back.
func refusedAsDuplicate(resp *http.Response) bool {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return err == nil && strings.Contains(string(body), duplicateMessage)
}

// workflowAccounts opens one paper account per workflow, on its first
// broker request, with the same starting state.
type workflowAccounts struct {
	x     *paper.Exchange
	start paper.AccountConfig

	mu   sync.Mutex
	keys map[string][2]string // correlation id -> key, secret
	all  []string             // keys, in the order opened
}

func (w *workflowAccounts) credentials(correlationID string) (key, secret string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c, ok := w.keys[correlationID]; ok {
		return c[0], c[1], nil
	}
	key, secret = "LOAD"+correlationID, rand.Text()
	if err := w.x.AddAccount(key, secret, w.start); err != nil {
		return "", "", err
	}
	w.keys[correlationID] = [2]string{key, secret}
	w.all = append(w.all, key)
	return key, secret, nil
}

func (w *workflowAccounts) orders() []paper.Order {
	w.mu.Lock()
	keys := append([]string(nil), w.all...)
	w.mu.Unlock()
	var out []paper.Order
	for _, k := range keys {
		out = append(out, w.x.Orders(k)...)
	}
	return out
}

// allOrders returns the orders the exchange accepted, of every account.
func (s *localStack) allOrders() []paper.Order {
	out := s.Orders()
	if a := s.broker.accounts; a != nil {
		out = append(out, a.orders()...)
	}
	return out
}
