package events

import (
	"bytes"
	"encoding/json"
)

// redriveKey is the metadata member that marks a redriven event:
// metadata.redrive, the id of the dead-letter message it was redriven
// from. The telemetry layer reads it and starts a new trace linked to the
// original (the event's metadata.trace), as it does for an archive
// replay's replay-name: a redrive may come days later, and a trace that
// long says nothing.
const redriveKey = `"redrive":`

// MarkRedriven returns detail with metadata.redrive set to from (the
// dead-letter message's id), and false, with detail unchanged, when the
// detail has no metadata object to mark. The mark is the metadata's first
// member, written so that Unmarked removes it byte for byte: the
// idempotency guard hashes the detail as it was first published, so a
// redrive of an event that was in fact handled is a duplicate, not a
// different payload. A mark already there is replaced.
func MarkRedriven(detail []byte, from string) ([]byte, bool) {
	detail = Unmarked(detail)
	at, ok := metadataStart(detail)
	if !ok {
		return detail, false
	}
	val, _ := json.Marshal(from) // a string always encodes
	mark := append([]byte(redriveKey), val...)
	if rest := bytes.TrimLeft(detail[at:], " \t\r\n"); len(rest) > 0 && rest[0] != '}' {
		mark = append(mark, ',')
	}
	out := make([]byte, 0, len(detail)+len(mark))
	out = append(append(append(out, detail[:at]...), mark...), detail[at:]...)
	return out, true
}

// Unmarked returns detail without the mark MarkRedriven wrote: the detail
// as first published. Any other detail is returned as it is.
func Unmarked(detail []byte) []byte {
	at, ok := metadataStart(detail)
	if !ok || !bytes.HasPrefix(detail[at:], []byte(redriveKey)) {
		return detail
	}
	dec := json.NewDecoder(bytes.NewReader(detail[at+len(redriveKey):]))
	var v string
	if dec.Decode(&v) != nil {
		return detail
	}
	end := at + len(redriveKey) + int(dec.InputOffset())
	if end < len(detail) && detail[end] == ',' {
		end++
	}
	return append(detail[:at:at], detail[end:]...)
}

// metadataStart is the offset just after the '{' of the detail's
// top-level metadata object.
func metadataStart(detail []byte) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(detail))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if key == "metadata" {
			if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
				return 0, false
			}
			return int(dec.InputOffset()), true
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return 0, false
		}
	}
	return 0, false
}
