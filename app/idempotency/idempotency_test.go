package idempotency_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/idempotency/idempotencytest"
)

func TestMemoryStore(t *testing.T) {
	idempotencytest.RunInBubbles(t, func(*testing.T) idempotency.Store { return idempotency.NewMemoryStore() })
}

func TestFileStore(t *testing.T) {
	idempotencytest.RunInBubbles(t, func(t *testing.T) idempotency.Store {
		return openFileStore(t, filepath.Join(t.TempDir(), "idempotency.json"))
	})
}

func openFileStore(t *testing.T, path string) *idempotency.MemoryStore {
	t.Helper()
	s, err := idempotency.NewFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFileStoreSurvivesARestart(t *testing.T) {
	ctx, c := context.Background(), idempotencytest.NewClock()
	path := filepath.Join(t.TempDir(), "run", "idempotency.json")
	s := openFileStore(t, path)
	g := idempotency.New(s, idempotency.Config{Now: c.Now})
	_, _, _ = g.Do(ctx, idempotency.Key("execution", "E1"), []byte("p"), idempotencytest.Respond("orders"))
	_, _, _ = g.Do(ctx, idempotency.Key("execution", "E2"), []byte("p"), func(context.Context) ([]byte, error) { return nil, errors.New("boom") })
	if _, err := s.Acquire(ctx, idempotencytest.Holder(idempotency.Key("portfolio", "E1"), c, time.Minute), c.Now()); err != nil {
		t.Fatal(err)
	}

	again := openFileStore(t, path) // a new process
	if got, want := again.Records(), s.Records(); !sameRecords(got, want) {
		t.Fatalf("reloaded %+v, want %+v", got, want)
	}
	g = idempotency.New(again, idempotency.Config{Now: c.Now})
	if resp, replayed, err := g.Do(ctx, "execution#E1", []byte("p"), idempotencytest.MustNotRun(t)); err != nil || !replayed || string(resp) != "orders" {
		t.Fatalf("completed: %q replayed=%v %v, want the replay", resp, replayed, err)
	}
	if _, _, err := g.Do(ctx, "portfolio#E1", []byte("p"), idempotencytest.MustNotRun(t)); !errors.Is(err, idempotency.ErrInProgress) {
		t.Fatalf("in progress: %v, want ErrInProgress", err)
	}
	if resp, _, err := g.Do(ctx, "execution#E2", []byte("p"), idempotencytest.Respond("retried")); err != nil || string(resp) != "retried" {
		t.Fatalf("failed: %q %v, want a run", resp, err)
	}
}

func sameRecords(a, b []idempotency.Record) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return len(a) > 0 && bytes.Equal(x, y)
}

func TestFileStoreWritesJSONLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idempotency.json")
	g := idempotency.New(openFileStore(t, path), idempotency.Config{Now: idempotencytest.NewClock().Now})
	for _, k := range []string{"b", "a"} {
		_, _, _ = g.Do(context.Background(), k, []byte("p"), idempotencytest.Respond("r-"+k))
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []string
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var r idempotency.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		keys = append(keys, r.Key+"="+string(r.Response))
	}
	if got := strings.Join(keys, " "); got != "a=r-a b=r-b" {
		t.Fatalf("lines %s, want one record a line, by key", got)
	}
	if tmps, _ := filepath.Glob(path + ".*.tmp"); len(tmps) != 0 {
		t.Fatalf("temporary files left: %v", tmps)
	}
}

func TestFileStoreLoadsTheEarlierArrayFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idempotency.json")
	legacy := `[{"key":"execution#E1","status":"COMPLETE","expiry":"2027-01-15T08:00:00Z","in_progress_expiry":"2027-01-15T07:00:30Z","payload_hash":"h"}]`
	if err := os.WriteFile(path, []byte(legacy), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := openFileStore(t, path).Get(context.Background(), "execution#E1")
	if err != nil || r == nil || r.Status != idempotency.Complete || r.PayloadHash != "h" {
		t.Fatalf("loaded %+v %v", r, err)
	}
}

func TestFileStoreRejectsACorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idempotency.json")
	if err := os.WriteFile(path, []byte(`{"key":"a","status":"COMPLETE"}`+"\n{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := idempotency.NewFileStore(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", err, path)
	}
}

// A change the file could not take did not happen: otherwise the process
// would keep a key the next one does not know about.
func TestFileStoreUndoesAChangeItCouldNotSave(t *testing.T) {
	ctx, c := context.Background(), idempotencytest.NewClock()
	dir := filepath.Join(t.TempDir(), "run")
	s := openFileStore(t, filepath.Join(dir, "idempotency.json"))
	if _, err := s.Acquire(ctx, idempotencytest.Holder("kept", c, time.Minute), c.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil { // the run directory becomes a file: no write can succeed
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acquire(ctx, idempotencytest.Holder("new", c, time.Minute), c.Now()); err == nil || !strings.Contains(err.Error(), "new") {
		t.Fatalf("acquire: %v, want an error naming the key", err)
	}
	if err := s.Delete(ctx, "kept"); err == nil {
		t.Fatal("delete: no error")
	}
	if r, _ := s.Get(ctx, "new"); r != nil {
		t.Errorf("unsaved acquisition kept: %+v", r)
	}
	if r, _ := s.Get(ctx, "kept"); r == nil {
		t.Error("unsaved deletion kept")
	}
}

func TestKey(t *testing.T) {
	if got := idempotency.Key("execution", "01J0ABC"); got != "execution#01J0ABC" {
		t.Fatalf("Key = %q", got)
	}
}

func TestHashIsSHA256Hex(t *testing.T) {
	// sha256("p"), from `printf p | sha256sum`.
	if got := idempotency.Hash([]byte("p")); got != "148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940" {
		t.Fatalf("Hash = %s", got)
	}
}

// A guard that holds leases lets a delivery meeting a running holder
// succeed; without one (Powertools' rule) it must fail, and other errors
// are never absorbed.
func TestAbsorbsOnlyInProgressWithALease(t *testing.T) {
	ctx, c := context.Background(), idempotencytest.NewClock()
	s := idempotency.NewMemoryStore()
	if _, err := s.Acquire(ctx, idempotencytest.Holder("k", c, time.Minute), c.Now()); err != nil {
		t.Fatal(err)
	}
	leased := idempotency.New(s, idempotency.Config{Now: c.Now, Lease: 20 * time.Second})
	_, _, err := leased.Do(ctx, "k", []byte("p"), idempotencytest.MustNotRun(t))
	if !leased.Absorbs(err) {
		t.Errorf("leased guard: %v not absorbed", err)
	}
	if bare := idempotency.New(s, idempotency.Config{Now: c.Now}); bare.Absorbs(err) {
		t.Errorf("guard without a lease absorbed %v", err)
	}
	if leased.Absorbs(&idempotency.KeyError{Key: "k", Err: idempotency.ErrPayloadMismatch}) || leased.Absorbs(errors.New("boom")) {
		t.Error("absorbed an error that is not in-progress")
	}
}
