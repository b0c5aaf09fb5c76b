package telemetry

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzPeekMatchesEncodingJSON is a differential test: on every input that
// encoding/json decodes into eventInfo, the scanner must agree with it (an
// undecodable event still gets a span; the handler then reports it).
func FuzzPeekMatchesEncodingJSON(f *testing.F) {
	f.Add(benchEvent)
	f.Add([]byte(`{"id":"a\u00e9\"b","detail":{"metadata":{"trace":null,"x":[1,{"y":"z"}]}},"replay-name":null}`))
	f.Add([]byte(`{"detail":{"metadata":{"trace":{"traceparent":"00-1-2-01","k":"v"}},"items":[{"q":"1.5"}]}}`))
	f.Add([]byte(`{"id":1}`))
	f.Add([]byte(`{"ID":"x","Detail":{"Metadata":{"Event_ID":"e"}}}`))
	f.Add([]byte(`{"detail":{"METADATA":{"trace":{"a":"b"}}}}`))
	f.Add([]byte(`{"detail":"x"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want eventInfo
		if err := json.Unmarshal(raw, &want); err != nil {
			_ = peekEvent(raw) // must not panic
			return
		}
		if got := peekEvent(raw); !reflect.DeepEqual(got, want) {
			t.Fatalf("peek %+v\njson %+v\ninput %s", got, want, raw)
		}
	})
}

func BenchmarkPeek(b *testing.B) {
	b.Run("impl=scanner", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = peekEvent(benchEvent)
		}
	})
	b.Run("impl=encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e eventInfo
			_ = json.Unmarshal(benchEvent, &e)
		}
	})
}
