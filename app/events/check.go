package events

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// checkFields walks a decoded JSON object alongside the Go struct type it
// will fill, and reports the first missing required field or wrongly typed
// value by its JSON path. A field is required unless its tag has omitempty
// or omitzero.
// encoding/json alone cannot do this: it leaves missing fields zero and
// reports custom unmarshaler errors (decimals, times) without a path.
func checkFields(t reflect.Type, obj map[string]any, path string) error {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		v, present := obj[name]
		if !present || v == nil {
			if strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
				continue
			}
			return decodeErr(join(path, name), ErrMissingField, "required by %s", t.Name())
		}
		if err := checkValue(f.Type, v, join(path, name)); err != nil {
			return err
		}
	}
	return nil
}

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
	rawType     = reflect.TypeFor[json.RawMessage]()
)

func checkValue(t reflect.Type, v any, path string) error {
	switch t {
	case decimalType:
		return checkDecimal(v, path)
	case timeType:
		return checkTime(v, path)
	case rawType:
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return wrongType(path, "a JSON object", v)
		}
		return checkFields(t, obj, path)
	case reflect.Slice:
		return checkSlice(t, v, path)
	case reflect.Map:
		return checkMap(t, v, path)
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrongType(path, "a JSON string", v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrongType(path, "a JSON boolean", v)
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(float64)
		if !ok {
			return wrongType(path, "a JSON integer", v)
		}
		if n != math.Trunc(n) {
			return decodeErr(path, ErrInvalidValue, "want an integer, got %v", n)
		}
	}
	return nil
}

func checkSlice(t reflect.Type, v any, path string) error {
	arr, ok := v.([]any)
	if !ok {
		return wrongType(path, "a JSON array", v)
	}
	for i, e := range arr {
		if e == nil {
			return decodeErr(index(path, i), ErrMissingField, "null element")
		}
		if err := checkValue(t.Elem(), e, index(path, i)); err != nil {
			return err
		}
	}
	return nil
}

func checkMap(t reflect.Type, v any, path string) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return wrongType(path, "a JSON object", v)
	}
	for k, e := range obj {
		if err := checkValue(t.Elem(), e, join(path, k)); err != nil {
			return err
		}
	}
	return nil
}

// checkDecimal insists on strings: a JSON number may have passed through a
// float64 in the producer and lost the cents.
func checkDecimal(v any, path string) error {
	s, ok := v.(string)
	if !ok {
		return wrongType(path, "a decimal as a JSON string", v)
	}
	if _, err := decimal.NewFromString(s); err != nil {
		return decodeErr(path, ErrInvalidValue, "%q is not a decimal", s)
	}
	return nil
}

func checkTime(v any, path string) error {
	s, ok := v.(string)
	if !ok {
		return wrongType(path, "an RFC 3339 time string", v)
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return decodeErr(path, ErrInvalidValue, "%q is not an RFC 3339 time", s)
	}
	return nil
}

func wrongType(path, want string, got any) error {
	return decodeErr(path, ErrWrongType, "want %s, got %s", want, jsonKind(got))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

func typeOfValue(v any) reflect.Type { return reflect.TypeOf(v).Elem() }
