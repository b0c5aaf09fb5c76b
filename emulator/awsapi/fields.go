package awsapi

import (
	"reflect"
	"strings"
	"sync"
)

// field is one member of an input or output struct, as its tags name
// and bind it.
type field struct {
	index []int
	// name is the json tag's name: the member in JSON, CBOR and REST
	// path labels.
	name      string
	inJSON    bool // false for json:"-"
	omitEmpty bool
	// wire is the query protocol's name (the query tag's, else name);
	// flat marks a flattened list or map; member, key and value name a
	// list's elements and a map's entry members ("member", "key",
	// "value" by default).
	wire               string
	flat               bool
	member, key, value string
	// restJson1 bindings: a query string parameter, a header, the raw
	// body, the HTTP status.
	querystring, header string
	payload, status     bool
}

// bound is whether the member is bound outside the JSON body.
func (f *field) bound() bool {
	return f.querystring != "" || f.header != "" || f.payload || f.status
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf are the members of struct type t: its exported fields, those
// of untagged embedded structs in place, less those tagged json:"-".
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	fs := appendFields(nil, t, nil)
	fieldCache.Store(t, fs)
	return fs
}

func appendFields(fs []field, t reflect.Type, index []int) []field {
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		jsonTag, hasJSON := sf.Tag.Lookup("json")
		if sf.Anonymous && sf.IsExported() && !hasJSON && sf.Type.Kind() == reflect.Struct {
			fs = appendFields(fs, sf.Type, idx)
			continue
		}
		if !sf.IsExported() || jsonTag == "-" && !hasBinding(sf.Tag) {
			continue
		}
		fs = append(fs, newField(sf, idx, jsonTag))
	}
	return fs
}

// hasBinding is whether a json:"-" member is bound in restJson1 all
// the same (a header or the payload, which are not JSON members).
func hasBinding(tag reflect.StructTag) bool {
	for _, k := range []string{"querystring", "header", "payload", "httpResponseCode"} {
		if _, ok := tag.Lookup(k); ok {
			return true
		}
	}
	return false
}

func newField(sf reflect.StructField, index []int, jsonTag string) field {
	name, opts, _ := strings.Cut(jsonTag, ",")
	if name == "" || name == "-" {
		name = sf.Name
	}
	f := field{index: index, name: name, wire: name, inJSON: jsonTag != "-", member: "member", key: "key", value: "value",
		omitEmpty: strings.Contains(","+opts+",", ",omitempty,")}
	if q, ok := sf.Tag.Lookup("query"); ok {
		parts := strings.Split(q, ",")
		if parts[0] != "" {
			f.wire = parts[0]
		}
		for _, p := range parts[1:] {
			switch k, v, _ := strings.Cut(p, "="); k {
			case "flat":
				f.flat = true
			case "member":
				f.member = v
			case "key":
				f.key = v
			case "value":
				f.value = v
			}
		}
	}
	f.querystring = sf.Tag.Get("querystring")
	f.header = sf.Tag.Get("header")
	_, f.payload = sf.Tag.Lookup("payload")
	_, f.status = sf.Tag.Lookup("httpResponseCode")
	return f
}
