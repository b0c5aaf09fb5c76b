package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jvalue is a pattern's JSON with its objects' keys in the order written
// (and duplicates kept), which map[string]any loses: the guide's "last
// reference is the one used" rule needs the order.
type jvalue struct {
	kind byte // '{', '[' or 's' (scalar)
	obj  []jmember
	arr  []*jvalue
	val  any // scalar: string, json.Number, bool or nil
}

type jmember struct {
	key string
	val *jvalue
}

// parseOrdered decodes one JSON value and refuses trailing data.
func parseOrdered(src []byte) (*jvalue, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, &Error{Msg: "not JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &Error{Msg: "trailing data after the pattern object"}
	}
	return v, nil
}

func decodeOrdered(dec *json.Decoder) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return &jvalue{kind: 's', val: tok}, nil
	}
	v := &jvalue{kind: byte(d)}
	for dec.More() {
		if d == '{' {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			val, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			v.obj = append(v.obj, jmember{key: k.(string), val: val})
			continue
		}
		e, err := decodeOrdered(dec)
		if err != nil {
			return nil, err
		}
		v.arr = append(v.arr, e)
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return nil, err
	}
	return v, nil
}

// scalar is v for describe.
func (v *jvalue) scalar() any {
	switch v.kind {
	case '{':
		return map[string]any{}
	case '[':
		return []any{}
	}
	return v.val
}

// toAny is v as encoding/json decodes it, for the operator compilers. An
// object holds exactly one operator, so a key given twice is refused here
// rather than silently dropped by the map.
func (v *jvalue) toAny(at string) (any, error) {
	switch v.kind {
	case '{':
		if len(v.obj) != 1 {
			return nil, &Error{Path: at, Msg: fmt.Sprintf("an operator object must have exactly one key, has %d", len(v.obj))}
		}
		m := v.obj[0]
		x, err := m.val.toAny(at + "." + m.key)
		if err != nil {
			return nil, err
		}
		return map[string]any{m.key: x}, nil
	case '[':
		out := make([]any, 0, len(v.arr))
		for _, e := range v.arr {
			x, err := e.toAny(at)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	}
	return v.val, nil
}
