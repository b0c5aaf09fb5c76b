package bus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/alchemiser/alchemiser/app/events"
)

// ClaimStore keeps details too large for an event. Implementations are
// safe for concurrent use and honour ctx: DirClaims here, the S3 bucket's
// in app/bus/s3claims.
type ClaimStore interface {
	// Put stores body under key and returns its URI.
	Put(ctx context.Context, key string, body []byte) (uri string, err error)
	// Get returns what uri holds.
	Get(ctx context.Context, uri string) ([]byte, error)
}

// ClaimCheck points to an event's detail stored elsewhere.
type ClaimCheck struct {
	URI    string `json:"uri"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// claimChecked is the detail of a claim-checked event: its metadata (so
// routing, tracing and idempotency work unchanged) and the pointer.
type claimChecked struct {
	Metadata   events.Metadata `json:"metadata"`
	ClaimCheck *ClaimCheck     `json:"claim_check"`
}

// PutClaimCheck stores ev's encoded detail in store under
// claim-checks/<event type>/<event id>.json and returns the detail that
// takes its place in the event: ev's metadata and a ClaimCheck with the
// stored body's URI, size and SHA-256.
func PutClaimCheck(ctx context.Context, store ClaimStore, ev events.Event, detail []byte) (pointer []byte, uri string, err error) {
	m := ev.Meta()
	key := fmt.Sprintf("claim-checks/%s/%s.json", ev.EventType(), m.EventID)
	if uri, err = store.Put(ctx, key, detail); err != nil {
		return nil, "", fmt.Errorf("could not store the claim check of %s %s: %w", ev.EventType(), m.EventID, err)
	}
	sum := sha256.Sum256(detail)
	pointer, err = json.Marshal(claimChecked{Metadata: *m, ClaimCheck: &ClaimCheck{URI: uri, Bytes: len(detail), SHA256: hex.EncodeToString(sum[:])}})
	if err != nil {
		return nil, "", fmt.Errorf("could not encode the claim check of %s %s: %w", ev.EventType(), m.EventID, err)
	}
	return pointer, uri, nil
}

// ResolveClaimCheck returns the event raw with a claim-checked detail
// replaced by the stored one, checked against its size and hash; any
// other event is returned as is. Consumers call it before decoding.
func ResolveClaimCheck(ctx context.Context, store ClaimStore, raw []byte) ([]byte, error) {
	if !bytes.Contains(raw, []byte(`"claim_check"`)) {
		return raw, nil
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil {
		return raw, nil // not an envelope: the handler reports it
	}
	var d claimChecked
	if err := json.Unmarshal(env["detail"], &d); err != nil || d.ClaimCheck == nil {
		return raw, nil
	}
	if store == nil {
		return nil, fmt.Errorf("event %s has a claim check (%s) and no claim store is configured", d.Metadata.EventID, d.ClaimCheck.URI)
	}
	body, err := store.Get(ctx, d.ClaimCheck.URI)
	if err != nil {
		return nil, fmt.Errorf("could not fetch the claim check of event %s: %w", d.Metadata.EventID, err)
	}
	sum := sha256.Sum256(body)
	if len(body) != d.ClaimCheck.Bytes || hex.EncodeToString(sum[:]) != d.ClaimCheck.SHA256 {
		return nil, &ClaimCheckError{EventID: d.Metadata.EventID, URI: d.ClaimCheck.URI}
	}
	env["detail"] = body
	return json.Marshal(env)
}

// ClaimCheckError is a stored detail that does not match its pointer.
type ClaimCheckError struct{ EventID, URI string }

func (e *ClaimCheckError) Error() string {
	return fmt.Sprintf("claim check %s of event %s does not match its size and hash", e.URI, e.EventID)
}

// Retryable is false: the stored object will not change by itself.
func (e *ClaimCheckError) Retryable() bool { return false }
