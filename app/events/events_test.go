package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var t0 = time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)

func sampleIDs() *IDs {
	return NewIDs(func() time.Time { return t0 }, rand.NewChaCha8([32]byte{1}))
}

func samplePlanned(ids *IDs) *RebalancePlanned {
	root := Root(ids.New(), t0)
	d := decimal.RequireFromString
	return &RebalancePlanned{
		Metadata:    root.Child(ids.New(), t0.Add(time.Second)),
		Workflow:    Workflow{TradingDate: "2026-11-20", StartedAt: t0},
		PlanID:      "0123456789abcdef",
		Allocations: []Allocation{{Symbol: "SPY", Weight: d("0.333333")}, {Symbol: "TLT", Weight: d("0.666667")}},
		Before:      Portfolio{Equity: d("100000.00"), Cash: d("100000.00"), Positions: []Holding{}},
		CashReserve: d("0.01"),
		Items: []PlanItem{{
			Symbol: "SPY", Action: "BUY", Fractionable: true, Price: d("571.23"),
			CurrentQty: d("0"), CurrentValue: d("0"), TargetWeight: d("0.333333"),
			TargetValue: d("32999.967"), TradeValue: d("32999.967"), Qty: d("57.769457836"),
		}},
	}
}

func envelopeJSON(t *testing.T, ev Event) []byte {
	t.Helper()
	env, err := Wrap(ev, Source("portfolio"), "123456789012", "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRoundTripKeepsDecimalsExact(t *testing.T) {
	ev := samplePlanned(sampleIDs())
	_, got, err := Decode(envelopeJSON(t, ev))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	p := got.(*RebalancePlanned)
	if q := p.Items[0].Qty.String(); q != "57.769457836" {
		t.Errorf("qty = %s, want 57.769457836", q)
	}
	if !p.Items[0].TargetValue.Equal(ev.Items[0].TargetValue) {
		t.Errorf("target value changed: %s", p.Items[0].TargetValue)
	}
	again, _ := json.Marshal(p)
	first, _ := json.Marshal(ev)
	if !bytes.Equal(again, first) {
		t.Errorf("re-encoding differs:\n%s\n%s", first, again)
	}
}

func TestDecimalsAreStringsOnTheWire(t *testing.T) {
	raw := envelopeJSON(t, samplePlanned(sampleIDs()))
	if !bytes.Contains(raw, []byte(`"qty":"57.769457836"`)) {
		t.Errorf("qty not a JSON string in %s", raw)
	}
}

func TestChildKeepsCorrelationAndPointsCausationAtParent(t *testing.T) {
	ids := sampleIDs()
	root := Root(ids.New(), t0)
	child := root.Child(ids.New(), t0)
	grandchild := child.Child(ids.New(), t0)
	if root.CorrelationID != root.EventID || root.CausationID != root.EventID {
		t.Errorf("root = %+v", root)
	}
	if grandchild.CorrelationID != root.EventID {
		t.Errorf("correlation = %s, want %s", grandchild.CorrelationID, root.EventID)
	}
	if grandchild.CausationID != child.EventID {
		t.Errorf("causation = %s, want parent %s", grandchild.CausationID, child.EventID)
	}
}

func TestIDsSortByCreation(t *testing.T) {
	now := t0
	ids := NewIDs(func() time.Time { return now }, rand.NewChaCha8([32]byte{}))
	prev := ""
	for i := range 1000 {
		if i%7 == 0 {
			now = now.Add(time.Millisecond)
		}
		id := ids.New()
		if id <= prev {
			t.Fatalf("id %d %s does not sort after %s", i, id, prev)
		}
		prev = id
	}
	if ts, ok := IDTime(prev); !ok || !ts.Equal(now.Truncate(time.Millisecond)) {
		t.Errorf("IDTime = %v %v, want %v", ts, ok, now)
	}
}

func TestSeededIDsAreReproducible(t *testing.T) {
	a, b := sampleIDs(), sampleIDs()
	for range 10 {
		if x, y := a.New(), b.New(); x != y {
			t.Fatalf("%s != %s", x, y)
		}
	}
}

// mutate decodes an envelope to a generic tree, applies f, re-encodes.
func mutate(t *testing.T, raw []byte, f func(env map[string]any)) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	f(env)
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func detail(env map[string]any) map[string]any { return env["detail"].(map[string]any) }

func meta(env map[string]any) map[string]any { return detail(env)["metadata"].(map[string]any) }

func TestDecodeRejectsWithFieldPath(t *testing.T) {
	good := envelopeJSON(t, samplePlanned(sampleIDs()))
	cases := []struct {
		name      string
		f         func(map[string]any)
		field     string
		sentinel  error
		wantInMsg string
	}{
		{"unknown major", func(e map[string]any) { meta(e)["schema_version"] = "2.0" }, "detail.metadata.schema_version", ErrUnsupportedSchema, "MAJOR 2"},
		{"newer minor is fine", func(e map[string]any) { meta(e)["schema_version"] = "1.7" }, "", nil, ""},
		{"bad version text", func(e map[string]any) { meta(e)["schema_version"] = "one" }, "detail.metadata.schema_version", ErrInvalidValue, "MAJOR.MINOR"},
		{"version as number", func(e map[string]any) { meta(e)["schema_version"] = 1.0 }, "detail.metadata.schema_version", ErrWrongType, "number"},
		{"missing metadata", func(e map[string]any) { delete(detail(e), "metadata") }, "detail.metadata", ErrMissingField, ""},
		{"missing correlation", func(e map[string]any) { delete(meta(e), "correlation_id") }, "detail.metadata.correlation_id", ErrMissingField, ""},
		{"empty event id", func(e map[string]any) { meta(e)["event_id"] = "" }, "detail.metadata.event_id", ErrInvalidValue, "empty"},
		{"null plan id", func(e map[string]any) { detail(e)["plan_id"] = nil }, "detail.plan_id", ErrMissingField, ""},
		{"decimal as number", func(e map[string]any) { detail(e)["cash_reserve"] = 0.01 }, "detail.cash_reserve", ErrWrongType, "decimal as a JSON string"},
		{"decimal garbage", func(e map[string]any) { detail(e)["cash_reserve"] = "1%" }, "detail.cash_reserve", ErrInvalidValue, `"1%"`},
		{"nested item field", func(e map[string]any) {
			detail(e)["items"].([]any)[0].(map[string]any)["qty"] = true
		}, "detail.items[0].qty", ErrWrongType, "boolean"},
		{"missing nested", func(e map[string]any) {
			delete(detail(e)["items"].([]any)[0].(map[string]any), "symbol")
		}, "detail.items[0].symbol", ErrMissingField, ""},
		{"items not array", func(e map[string]any) { detail(e)["items"] = map[string]any{} }, "detail.items", ErrWrongType, "array"},
		{"bad time", func(e map[string]any) { meta(e)["occurred_at"] = "yesterday" }, "detail.metadata.occurred_at", ErrInvalidValue, "RFC 3339"},
		{"unknown type", func(e map[string]any) { e["detail-type"] = "OrderShipped" }, "detail-type", ErrUnknownEventType, "OrderShipped"},
		{"missing source", func(e map[string]any) { delete(e, "source") }, "source", ErrMissingField, ""},
		{"bad version", func(e map[string]any) { e["version"] = "1" }, "version", ErrInvalidValue, ""},
		{"detail not object", func(e map[string]any) { e["detail"] = "{}" }, "detail", ErrWrongType, "string"},
		{"unknown fields ignored", func(e map[string]any) { detail(e)["added_in_1_1"] = 5 }, "", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ev, err := Decode(mutate(t, good, c.f))
			if c.sentinel == nil {
				if err != nil || ev == nil {
					t.Fatalf("Decode = %v, want success", err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if de.Field != c.field || !errors.Is(err, c.sentinel) {
				t.Errorf("field %q err %v, want field %q and %v", de.Field, err, c.field, c.sentinel)
			}
			if !strings.Contains(err.Error(), c.wantInMsg) || !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q lacks %q or the field", err, c.wantInMsg)
			}
			if !Permanent(err) {
				t.Errorf("decode errors must be permanent")
			}
		})
	}
}

func TestDecodeMalformedAndOversize(t *testing.T) {
	if _, _, err := Decode([]byte(`{"version":`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated: %v", err)
	}
	if _, _, err := Decode([]byte(`[1]`)); !errors.Is(err, ErrWrongType) {
		t.Errorf("array: %v", err)
	}
	big := bytes.Repeat([]byte(" "), MaxEventBytes+1)
	if _, _, err := Decode(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversize: %v", err)
	}
}

func TestReplayNameIsDecoded(t *testing.T) {
	raw := mutate(t, envelopeJSON(t, samplePlanned(sampleIDs())), func(e map[string]any) { e["replay-name"] = "r1" })
	env, _, err := Decode(raw)
	if err != nil || env.ReplayName != "r1" {
		t.Fatalf("replay-name = %q, %v", env.ReplayName, err)
	}
	if env.Module() != "portfolio" {
		t.Errorf("module = %q", env.Module())
	}
}

func TestEveryTypeRoundTrips(t *testing.T) {
	ids := sampleIDs()
	wf := Workflow{TradingDate: "2026-11-20", StartedAt: t0}
	m := func() Metadata { return Root(ids.New(), t0) }
	all := []Event{
		&WorkflowStarted{Metadata: m(), Workflow: wf, Trigger: "manual"},
		&SignalGenerated{Metadata: m(), Workflow: wf, AsOf: "2026-11-19", Allocations: []Allocation{}, Strategies: []StrategySignal{}},
		samplePlanned(ids),
		&TradeExecuted{Metadata: m(), Workflow: wf, PlanID: "p", Orders: []OrderResult{}, FailedSymbols: []string{}},
		&WorkflowCompleted{Metadata: m(), Workflow: wf, Outcome: "no_trades", Allocations: []Allocation{}, Items: []PlanItem{}, Orders: []OrderResult{},
			Before: Portfolio{Positions: []Holding{}}, After: Portfolio{Positions: []Holding{}}},
		&WorkflowFailed{Metadata: m(), Workflow: wf, Step: "strategy", Reason: "x", ErrorType: "y"},
	}
	if len(all) != len(Types) {
		t.Fatalf("test covers %d of %d types", len(all), len(Types))
	}
	for _, ev := range all {
		_, got, err := Decode(envelopeJSON(t, ev))
		if err != nil {
			t.Errorf("%s: %v", ev.EventType(), err)
			continue
		}
		if got.EventType() != ev.EventType() || got.Meta().EventID != ev.Meta().EventID {
			t.Errorf("%s decoded as %s %s", ev.EventType(), got.EventType(), got.Meta().EventID)
		}
	}
}

func FuzzDecode(f *testing.F) {
	ids := sampleIDs()
	wf := Workflow{TradingDate: "2026-11-20", StartedAt: t0}
	for _, ev := range []Event{samplePlanned(ids), &WorkflowStarted{Metadata: Root(ids.New(), t0), Workflow: wf, Trigger: "manual"}} {
		env, _ := Wrap(ev, "alchemiser.test", "1", "r")
		raw, _ := json.Marshal(env)
		f.Add(raw)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":"0","detail":{"metadata":{"schema_version":"9.9"}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, ev, err := Decode(raw)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			return
		}
		// Whatever decodes must re-encode and decode to the same event.
		again, err := Wrap(ev, env.Source, env.Account, env.Region)
		if err != nil {
			t.Fatal(err)
		}
		raw2, _ := json.Marshal(again)
		_, ev2, err := Decode(raw2)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, raw2)
		}
		a, _ := json.Marshal(ev)
		b, _ := json.Marshal(ev2)
		if !bytes.Equal(a, b) {
			t.Fatalf("round trip changed the event:\n%s\n%s", a, b)
		}
	})
}

// BenchmarkDecode compares the strict decoder with the baseline a Lambda
// handler would otherwise use: encoding/json straight into the typed event
// (no presence, type or schema checks).
func BenchmarkDecode(b *testing.B) {
	env, _ := Wrap(samplePlanned(sampleIDs()), "alchemiser.portfolio", "1", "r")
	raw, _ := json.Marshal(env)
	b.Run("impl=strict", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if _, _, err := Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			var e struct {
				Envelope
				Detail RebalancePlanned `json:"detail"`
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
