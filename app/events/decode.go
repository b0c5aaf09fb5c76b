package events

import (
	"encoding/json"
	"errors"
	"fmt"
)

// MaxEventBytes is the largest envelope Decode reads. An event on the bus
// is under PutEvents' 256 KiB entry limit, but one whose detail was moved
// to a claim check (bus.ResolveClaimCheck) is decoded at its full size,
// so the bound is 16 times that.
const MaxEventBytes = 4 * 1024 * 1024

// Decode decodes an EventBridge envelope and its detail strictly (see the
// package documentation for the rules). Every error is a *DecodeError.
func Decode(raw []byte) (Envelope, Event, error) {
	env, err := DecodeEnvelope(raw)
	if err != nil {
		return Envelope{}, nil, err
	}
	ev, err := decodeDetail(env.DetailType, env.Detail, "detail")
	if err != nil {
		return env, nil, err
	}
	return env, ev, nil
}

// DecodeEnvelope decodes the envelope only, leaving Detail raw but checked
// to be a JSON object.
func DecodeEnvelope(raw []byte) (Envelope, error) {
	if len(raw) > MaxEventBytes {
		return Envelope{}, decodeErr("", ErrTooLarge, "%d bytes exceeds %d", len(raw), MaxEventBytes)
	}
	obj, err := parseObject(raw, "")
	if err != nil {
		return Envelope{}, err
	}
	if err := checkFields(typeOf[Envelope](), obj, ""); err != nil {
		return Envelope{}, err
	}
	if _, ok := obj["detail"].(map[string]any); !ok {
		return Envelope{}, decodeErr("detail", ErrWrongType, "want a JSON object, got %s", jsonKind(obj["detail"]))
	}
	var env Envelope
	if err := unmarshal(raw, &env, ""); err != nil {
		return Envelope{}, err
	}
	if env.Version != "0" {
		return Envelope{}, decodeErr("version", ErrInvalidValue, "want \"0\", got %q", env.Version)
	}
	return env, nil
}

// DecodeDetail decodes the detail of an event named detailType.
func DecodeDetail(detailType string, detail []byte) (Event, error) {
	return decodeDetail(detailType, detail, "")
}

func decodeDetail(detailType string, detail []byte, path string) (Event, error) {
	ev := newEvent(detailType)
	if ev == nil {
		return nil, decodeErr("detail-type", ErrUnknownEventType, "%q", detailType)
	}
	obj, err := parseObject(detail, path)
	if err != nil {
		return nil, err
	}
	// The schema version is checked first: another MAJOR may have another
	// shape, and "unsupported version" is the error an operator needs.
	if err := checkSchema(obj, path); err != nil {
		return nil, err
	}
	if err := checkFields(typeOfValue(ev), obj, path); err != nil {
		return nil, err
	}
	if err := unmarshal(detail, ev, path); err != nil {
		return nil, err
	}
	if err := checkMetadata(ev.Meta(), join(path, "metadata")); err != nil {
		return nil, err
	}
	return ev, nil
}

func checkSchema(obj map[string]any, path string) error {
	field := join(path, "metadata.schema_version")
	meta, ok := obj["metadata"].(map[string]any)
	if !ok {
		if obj["metadata"] == nil {
			return decodeErr(join(path, "metadata"), ErrMissingField, "every event carries metadata")
		}
		return decodeErr(join(path, "metadata"), ErrWrongType, "want a JSON object, got %s", jsonKind(obj["metadata"]))
	}
	v, ok := meta["schema_version"].(string)
	if !ok {
		if meta["schema_version"] == nil {
			return decodeErr(field, ErrMissingField, "every event carries a schema version")
		}
		return decodeErr(field, ErrWrongType, "want a JSON string, got %s", jsonKind(meta["schema_version"]))
	}
	major, err := parseMajor(v)
	if err != nil {
		return decodeErr(field, ErrInvalidValue, "%v", err)
	}
	if major != supportedMajor {
		return decodeErr(field, ErrUnsupportedSchema, "MAJOR %d in %q (this consumer reads MAJOR %d)", major, v, supportedMajor)
	}
	return nil
}

func checkMetadata(m *Metadata, path string) error {
	for field, v := range map[string]string{
		"event_id": m.EventID, "correlation_id": m.CorrelationID, "causation_id": m.CausationID,
	} {
		if v == "" {
			return decodeErr(join(path, field), ErrInvalidValue, "must not be empty")
		}
	}
	if m.OccurredAt.IsZero() {
		return decodeErr(join(path, "occurred_at"), ErrInvalidValue, "must not be the zero time")
	}
	return nil
}

func parseObject(raw []byte, path string) (map[string]any, error) {
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, decodeErr(path, ErrMalformed, "%v at byte %d", syn, syn.Offset)
		}
		return nil, decodeErr(path, ErrMalformed, "%v", err)
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return nil, decodeErr(path, ErrWrongType, "want a JSON object, got %s", jsonKind(tree))
	}
	return obj, nil
}

// unmarshal fills v; checkFields has already vetted every typed value, so
// an error here is unexpected, but it is still named.
func unmarshal(raw []byte, v any, path string) error {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return decodeErr(join(path, te.Field), ErrWrongType, "want %s, got JSON %s", te.Type, te.Value)
	}
	return decodeErr(path, ErrInvalidValue, "%v", err)
}

func join(path, field string) string {
	switch {
	case path == "":
		return field
	case field == "":
		return path
	}
	return path + "." + field
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
