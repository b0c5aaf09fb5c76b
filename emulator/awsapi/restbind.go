package awsapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// bindREST decodes a restJson1 request into in: the JSON body (unless a
// member is the payload), then the path labels (by json name), the
// query string and header members, which win over the body.
func bindREST(r *http.Request, body []byte, labels map[string]string, in any) error {
	v := reflect.ValueOf(in).Elem()
	if v.Kind() != reflect.Struct {
		return decodeJSONBody(body, in)
	}
	fs := fieldsOf(v.Type())
	if !hasPayload(fs) {
		if err := decodeJSONBody(body, in); err != nil {
			return err
		}
	}
	query := r.URL.Query()
	for i := range fs {
		f := &fs[i]
		fv := v.FieldByIndex(f.index)
		var err error
		switch {
		case f.payload:
			err = setPayload(fv, body)
		case f.querystring != "":
			if vals := query[f.querystring]; len(vals) > 0 {
				err = setValues(fv, vals, false, "query string parameter "+f.querystring)
			}
		case f.header != "":
			if vals := headerValues(r.Header, f.header); len(vals) > 0 {
				err = setValues(fv, vals, true, "header "+f.header)
			}
		default:
			if s, ok := labels[f.name]; ok {
				err = setValues(fv, []string{s}, false, "path label "+f.name)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func hasPayload(fs []field) bool {
	for i := range fs {
		if fs[i].payload {
			return true
		}
	}
	return false
}

func decodeJSONBody(body []byte, in any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decodeJSON(body, in)
}

// setPayload sets the payload member: the raw body for bytes
// (json.RawMessage too) and strings, else the body decoded as JSON.
func setPayload(v reflect.Value, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	switch {
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		v.SetBytes(bytes.Clone(body))
		return nil
	case v.Kind() == reflect.String:
		v.SetString(string(body))
		return nil
	}
	return decodeJSON(body, v.Addr().Interface())
}

// headerValues are a header's values, a list's split at commas.
func headerValues(h http.Header, name string) []string {
	var vals []string
	for _, v := range h.Values(name) {
		for part := range strings.SplitSeq(v, ",") {
			vals = append(vals, strings.TrimSpace(part))
		}
	}
	return vals
}

// setValues sets a member bound outside the body: a list from every
// value, a scalar from the first; header timestamps are HTTP dates
// (https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait).
func setValues(v reflect.Value, vals []string, header bool, where string) error {
	t := v.Type()
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		list := reflect.MakeSlice(t, len(vals), len(vals))
		for i, s := range vals {
			if err := setBound(list.Index(i), s, header, where); err != nil {
				return err
			}
		}
		v.Set(list)
		return nil
	}
	if header && len(vals) > 1 && isTime(t) {
		// An HTTP date holds a comma: the header was split in two.
		vals = []string{strings.Join(vals[:2], ", ")}
	}
	return setBound(v, vals[0], header, where)
}

func setBound(v reflect.Value, s string, header bool, where string) error {
	if header && isTime(v.Type()) {
		if d, err := http.ParseTime(s); err == nil {
			s = d.UTC().Format(time.RFC3339)
		}
	}
	if !isScalar(v.Type()) {
		return internal(fmt.Errorf("the %s binds a %s, which has no string form", where, v.Type()))
	}
	if err := setScalar(v, s); err != nil {
		return Validationf("value %q of the %s is invalid: %v", truncate(s), where, err)
	}
	return nil
}

var timeType = reflect.TypeFor[Time]()

func isTime(t reflect.Type) bool {
	return t == timeType || t.Kind() == reflect.Pointer && t.Elem() == timeType
}

// writeRESTOutput writes out: header members as headers, a status
// member as the HTTP status (else the route's, else 200), and the
// payload member raw as the body, or else the other members as JSON.
func writeRESTOutput(w http.ResponseWriter, out any, status int) error {
	if status == 0 {
		status = http.StatusOK
	}
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	var body []byte
	contentType := "application/json"
	if v.Kind() != reflect.Struct {
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		body = b
	} else {
		var err error
		if status, err = restHeaders(w.Header(), v, status); err != nil {
			return err
		}
		if body, contentType, err = restBody(v); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// restHeaders sets the header members and returns the status.
func restHeaders(h http.Header, v reflect.Value, status int) (int, error) {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if absent(fv) || fv.IsZero() {
			continue
		}
		for fv.Kind() == reflect.Pointer {
			fv = fv.Elem()
		}
		switch {
		case f.status && fv.CanInt():
			status = int(fv.Int())
		case f.header != "":
			s, err := headerText(fv)
			if err != nil {
				return 0, fmt.Errorf("could not write header %s: %w", f.header, err)
			}
			h.Set(f.header, s)
		}
	}
	if status < 100 || status > 999 {
		return 0, fmt.Errorf("the output's status %d is not an HTTP status", status)
	}
	return status, nil
}

// headerText is a header member's value: a list joined with commas,
// a timestamp an HTTP date.
func headerText(v reflect.Value) (string, error) {
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
		parts := make([]string, v.Len())
		for i := range parts {
			s, err := headerText(v.Index(i))
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ", "), nil
	}
	if t, ok := v.Interface().(Time); ok {
		return t.UTC().Format(http.TimeFormat), nil
	}
	s, ok, err := formatScalar(v)
	if err == nil && !ok {
		err = fmt.Errorf("a %s has no string form", v.Type())
	}
	return strings.Map(headerSafe, s), err
}

// headerSafe drops the bytes a header value may not hold.
func headerSafe(r rune) rune {
	if r == '\r' || r == '\n' || r == 0 {
		return -1
	}
	return r
}

// restBody is the payload member raw, or the members not bound
// elsewhere as a JSON object.
func restBody(v reflect.Value) ([]byte, string, error) {
	fs := fieldsOf(v.Type())
	var boundInJSON []string
	for i := range fs {
		f := &fs[i]
		if f.payload {
			return payloadBody(v.FieldByIndex(f.index))
		}
		if f.bound() && f.inJSON {
			boundInJSON = append(boundInJSON, f.name)
		}
	}
	b, err := json.Marshal(v.Interface())
	if err != nil || len(boundInJSON) == 0 {
		return b, "application/json", err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return nil, "", err
	}
	for _, n := range boundInJSON {
		delete(members, n)
	}
	b, err = json.Marshal(members)
	return b, "application/json", err
}

func payloadBody(v reflect.Value) ([]byte, string, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, "application/json", nil
		}
		v = v.Elem()
	}
	var b []byte
	switch {
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		b = v.Bytes()
	case v.Kind() == reflect.String:
		b = []byte(v.String())
	default:
		var err error
		if b, err = json.Marshal(v.Interface()); err != nil {
			return nil, "", err
		}
	}
	if json.Valid(b) {
		return b, "application/json", nil
	}
	return b, "application/octet-stream", nil
}
