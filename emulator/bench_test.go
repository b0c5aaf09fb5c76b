package emulator

import (
	"encoding/json"
	"testing"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/topology"
)

// BenchmarkTemplateRouting matches one ~1 KB SignalGenerated envelope
// against every rule of template.yaml, as the emulator does for each
// event: impl=eventpattern scans the event's bytes per rule with
// MatchValid, as route does (the bus built the envelope, PutEvents
// checked its Detail, so each rule reads only as far as it needs);
// impl=baseline_decode_map decodes it once with encoding/json and matches
// the decoded map. matches/s counts rule evaluations.
func BenchmarkTemplateRouting(b *testing.B) {
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(top)
	if err != nil {
		b.Fatal(err)
	}
	event := signalEnvelope()
	rules := float64(len(e.rules))
	b.Run("impl=eventpattern", func(b *testing.B) {
		b.ReportAllocs()
		matched := 0
		for b.Loop() {
			for _, r := range e.rules {
				if ok, _ := r.pattern.MatchValid(event); ok { // as route does
					matched++
				}
			}
		}
		if matched == 0 {
			b.Fatal("no rule matched")
		}
		b.ReportMetric(rules*float64(b.N)/b.Elapsed().Seconds(), "matches/s")
	})
	b.Run("impl=baseline_decode_map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal(event, &m); err != nil {
				b.Fatal(err)
			}
			for _, r := range e.rules {
				r.pattern.MatchValue(m)
			}
		}
		b.ReportMetric(rules*float64(b.N)/b.Elapsed().Seconds(), "matches/s")
	})
}

func signalEnvelope() []byte {
	return []byte(`{"version":"0","id":"0b0b7c9e-4c1d-4e8f-9a51-2f0c7b1d9e11","detail-type":"SignalGenerated",` +
		`"source":"alchemiser.strategy","account":"000000000000","time":"2026-11-20T14:35:00Z","region":"us-east-1","resources":[],` +
		`"detail":{"metadata":{"event_id":"01JD8Z3Q7W2M4N6P8R0T2V4X6Z","correlation_id":"01JD8Z3Q7W2M4N6P8R0T2V4X6Y",` +
		`"causation_id":"01JD8Z3Q7W2M4N6P8R0T2V4X6Y","schema_version":"1.0","occurred_at":"2026-11-20T14:35:00.123Z",` +
		`"trace":{"traceparent":"00-6751c3a5010203040506070809101112-0102030405060708-01"}},` +
		`"workflow":{"trading_date":"2026-11-20","started_at":"2026-11-20T14:35:00Z"},"as_of":"2026-11-19",` +
		`"allocations":[{"symbol":"SPY","weight":"0.25"},{"symbol":"QQQ","weight":"0.25"},{"symbol":"TLT","weight":"0.2"},` +
		`{"symbol":"GLD","weight":"0.1"},{"symbol":"BIL","weight":"0.1"},{"symbol":"XLE","weight":"0.1"}],` +
		`"strategies":[{"name":"nova","weight":"0.5","allocations":[{"symbol":"SPY","weight":"0.5"},{"symbol":"QQQ","weight":"0.5"}]},` +
		`{"name":"rotation","weight":"0.5","allocations":[{"symbol":"TLT","weight":"0.4"},{"symbol":"GLD","weight":"0.2"},` +
		`{"symbol":"BIL","weight":"0.2"},{"symbol":"XLE","weight":"0.2"}]}]}}`)
}
