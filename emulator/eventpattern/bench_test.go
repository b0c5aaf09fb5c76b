package eventpattern

import (
	"encoding/json"
	"strings"
	"testing"
)

// signal is a SignalGenerated envelope of about 1 KB, as the strategy
// function publishes it.
var signal = []byte(`{"version":"0","id":"0b0b7c9e-4c1d-4e8f-9a51-2f0c7b1d9e11","detail-type":"SignalGenerated",` +
	`"source":"alchemiser.strategy","account":"000000000000","time":"2026-11-20T14:35:00Z","region":"us-east-1","resources":[],` +
	`"detail":{"metadata":{"event_id":"01JD8Z3Q7W2M4N6P8R0T2V4X6Z","correlation_id":"01JD8Z3Q7W2M4N6P8R0T2V4X6Y",` +
	`"causation_id":"01JD8Z3Q7W2M4N6P8R0T2V4X6Y","schema_version":"1.0","occurred_at":"2026-11-20T14:35:00.123Z",` +
	`"trace":{"traceparent":"00-6751c3a5010203040506070809101112-0102030405060708-01","baggage":"correlation_id=01JD8Z3Q7W2M4N6P8R0T2V4X6Y"}},` +
	`"workflow":{"trading_date":"2026-11-20","started_at":"2026-11-20T14:35:00Z"},"as_of":"2026-11-19",` +
	`"allocations":[` + strings.Repeat(`{"symbol":"SPY","weight":"0.125"},`, 16) + `{"symbol":"BIL","weight":"0.0"}],` +
	`"strategies":[{"name":"nova","weight":"0.5","allocations":[{"symbol":"TQQQ","weight":"1"}]}]}}`)

// BenchmarkMatch matches the template's rules (exact source and
// detail-type) and a richer pattern against one event: on its raw bytes,
// validated in full (impl=pattern) or known valid as the emulator's bus
// has it (impl=pattern_valid, MatchValid), and by decoding it first
// (impl=baseline_decode_map).
func BenchmarkMatch(b *testing.B) {
	for _, c := range []struct{ name, pattern string }{
		{"rule=template", `{"source":["alchemiser.strategy"],"detail-type":["SignalGenerated"]}`},
		{"rule=rich", `{"source":[{"prefix":"alchemiser."}],"detail":{"metadata":{"schema_version":[{"prefix":"1."}]},` +
			`"$or":[{"as_of":[{"anything-but":""}]},{"allocations":{"weight":[{"numeric":[">",0]}]}}]}}`},
	} {
		p := MustCompile(c.pattern)
		b.Run(c.name+"/impl=pattern", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(signal)))
			for b.Loop() {
				if ok, err := p.Match(signal); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(c.name+"/impl=pattern_valid", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(signal)))
			for b.Loop() {
				if ok, err := p.MatchValid(signal); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(c.name+"/impl=baseline_decode_map", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(signal)))
			for b.Loop() {
				var m map[string]any
				if err := json.Unmarshal(signal, &m); err != nil || !p.MatchValue(m) {
					b.Fatal(err)
				}
			}
		})
	}
}
