package awsapi

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
)

// encodeQueryResponse writes an action's output as the query protocol's
// XML: <ActionResponse xmlns=...><ActionResult>members</ActionResult>
// <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>.
func encodeQueryResponse(svc *Service, action string, out any) ([]byte, error) {
	var w xmlWriter
	w.openNS(action+"Response", svc.XMLNamespace)
	w.open(action + "Result")
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			break
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		if err := w.members(v); err != nil {
			return nil, err
		}
	} else if v.IsValid() && !v.IsZero() {
		return nil, fmt.Errorf("the output of %s is a %s, not a structure", action, v.Type())
	}
	w.close(action + "Result")
	w.open("ResponseMetadata")
	w.element("RequestId", requestID())
	w.close("ResponseMetadata")
	w.close(action + "Response")
	return w.buf.Bytes(), nil
}

// writeQueryError writes e as the query protocol's ErrorResponse, with
// the service's query code for it when it has one.
func writeQueryError(w http.ResponseWriter, svc *Service, e *Error) {
	code, fault := queryCode(svc, e)
	ns := ""
	if svc != nil {
		ns = svc.XMLNamespace
	}
	id := requestID()
	var x xmlWriter
	x.openNS("ErrorResponse", ns)
	x.open("Error")
	x.element("Type", fault)
	x.element("Code", code)
	x.element("Message", e.Message)
	x.close("Error")
	x.element("RequestId", id)
	x.close("ErrorResponse")
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", id)
	w.WriteHeader(e.status())
	_, _ = w.Write(x.buf.Bytes())
}

// queryCode is e's code and fault in the query protocol: the service's
// QueryErrors entry ("Code;Sender") when it has one, else the query
// spelling of the codes every protocol shares (ValidationError,
// InvalidAction, MalformedQueryString, as AWS's query services name
// them), else e's own.
func queryCode(svc *Service, e *Error) (code, fault string) {
	code, fault = e.Code, e.fault()
	if svc != nil {
		if q, ok := svc.QueryErrors[e.Code]; ok {
			c, f, _ := strings.Cut(q, ";")
			if f == "" {
				f = fault
			}
			return c, f
		}
	}
	switch e.Code {
	case CodeValidation:
		code = codeValidationError
	case CodeUnknownOperation:
		code = codeInvalidAction
	case CodeSerialization:
		code = codeMalformedQuery
	}
	return code, fault
}

// xmlWriter writes the query protocol's XML: element names come from
// the service's types, text is escaped.
type xmlWriter struct{ buf bytes.Buffer }

func (w *xmlWriter) open(name string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

func (w *xmlWriter) openNS(name, ns string) {
	if ns == "" {
		w.open(name)
		return
	}
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteString(` xmlns="`)
	_ = xml.EscapeText(&w.buf, []byte(ns))
	w.buf.WriteString(`">`)
}

func (w *xmlWriter) close(name string) {
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

func (w *xmlWriter) element(name, text string) {
	w.open(name)
	_ = xml.EscapeText(&w.buf, []byte(text))
	w.close(name)
}

// members writes a struct's members, each under its query name; absent
// members (nil, or empty and omitempty) are left out.
func (w *xmlWriter) members(v reflect.Value) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		if absent(fv) || f.omitEmpty && fv.IsZero() {
			continue
		}
		if err := w.value(f.wire, fv, f.collection()); err != nil {
			return err
		}
	}
	return nil
}

// absent is a nil pointer, interface, list or map.
func absent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return !v.IsValid()
}

// value writes v as the element name.
func (w *xmlWriter) value(name string, v reflect.Value, c collection) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	s, ok, err := formatScalar(v)
	if err != nil {
		return fmt.Errorf("could not write member %s: %w", name, err)
	}
	if ok {
		w.element(name, s)
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		w.open(name)
		if err := w.members(v); err != nil {
			return err
		}
		w.close(name)
		return nil
	case reflect.Slice, reflect.Array:
		return w.list(name, v, c)
	case reflect.Map:
		return w.mapEntries(name, v, c)
	}
	return fmt.Errorf("member %s: the query protocol cannot write a %s", name, v.Type())
}

// list writes <Name><member>..</member></Name> or, flattened, one <Name>
// per element.
func (w *xmlWriter) list(name string, v reflect.Value, c collection) error {
	item := name
	if !c.flat {
		w.open(name)
		item = c.member
	}
	for i := range v.Len() {
		if err := w.value(item, v.Index(i), wrapped); err != nil {
			return err
		}
	}
	if !c.flat {
		w.close(name)
	}
	return nil
}

// mapEntries writes <Name><entry><key/><value/></entry></Name> or,
// flattened, one <Name><key/><value/></Name> per entry; entries in key
// order.
func (w *xmlWriter) mapEntries(name string, v reflect.Value, c collection) error {
	type entry struct {
		key string
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k, ok, err := formatScalar(it.Key())
		if err != nil || !ok {
			return fmt.Errorf("member %s: map key %v has no text form", name, it.Key())
		}
		entries = append(entries, entry{k, it.Value()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	wrapper := "entry"
	if c.flat {
		wrapper = name
	} else {
		w.open(name)
	}
	for _, e := range entries {
		w.open(wrapper)
		w.element(c.key, e.key)
		if err := w.value(c.value, e.val, wrapped); err != nil {
			return err
		}
		w.close(wrapper)
	}
	if !c.flat {
		w.close(name)
	}
	return nil
}
