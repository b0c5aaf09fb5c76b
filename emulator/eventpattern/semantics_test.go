package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type matchCase struct {
	name, pattern, event string
	want                 bool
}

// checkMatches runs each case through Match (the event's bytes) and
// MatchValue (the event decoded by encoding/json): both must give want.
func checkMatches(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Compile([]byte(c.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", c.pattern, err)
			}
			got, err := p.Match([]byte(c.event))
			if err != nil || got != c.want {
				t.Errorf("Match(%s, %s) = %v, %v; want %v", c.pattern, c.event, got, err, c.want)
			}
			dec := json.NewDecoder(strings.NewReader(c.event))
			dec.UseNumber()
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				t.Fatal(err)
			}
			if got := p.MatchValue(m); got != c.want {
				t.Errorf("MatchValue(%s, %s) = %v; want %v", c.pattern, c.event, got, c.want)
			}
			if got, err := p.MatchValid([]byte(c.event)); topKeysUnique([]byte(c.event)) && (got != c.want || err != nil) {
				t.Errorf("MatchValid(%s, %s) = %v, %v; want %v", c.pattern, c.event, got, err, c.want)
			}
		})
	}
}

// The fields of one pattern object match within one element of an array
// of objects (event-ruler's array consistency), at every level.
func TestArrayConsistency(t *testing.T) {
	const employees = `{"employees":[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"},{"firstName":"Peter","lastName":"Jones"}]}`
	const nested = `{"employees":[[{"firstName":"John","lastName":"Doe"},{"firstName":"Anna","lastName":"Smith"}],[{"firstName":"Peter","lastName":"Jones"}]]}`
	const teams = `{"teams":[{"name":"a","members":[{"role":"lead","level":3},{"role":"dev","level":1}]},` +
		`{"name":"b","members":[{"role":"dev","level":3}]}]}`
	checkMatches(t, []matchCase{
		// the event-ruler README's example, both ways
		{"one field", `{"employees":{"firstName":["Anna"]}}`, employees, true},
		{"same element", `{"employees":{"firstName":["Anna"],"lastName":["Smith"]}}`, employees, true},
		{"across elements", `{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`, employees, false},
		{"across elements reversed", `{"employees":{"lastName":["Jones"],"firstName":["Anna"]}}`, employees, false},
		{"value lists pick one element", `{"employees":{"firstName":["Anna","Peter"],"lastName":["Jones"]}}`, employees, true},
		// arrays of arrays of objects: the inner arrays are elements too
		{"nested same element", `{"employees":{"firstName":["Peter"],"lastName":["Jones"]}}`, nested, true},
		{"nested same inner array, other element", `{"employees":{"firstName":["John"],"lastName":["Smith"]}}`, nested, false},
		{"nested other outer element", `{"employees":{"firstName":["Anna"],"lastName":["Jones"]}}`, nested, false},
		// arrays inside elements of arrays
		{"inner element of outer element", `{"teams":{"name":["a"],"members":{"role":["lead"],"level":[3]}}}`, teams, true},
		{"inner fields across inner elements", `{"teams":{"name":["a"],"members":{"role":["dev"],"level":[3]}}}`, teams, false},
		{"inner element of the other outer element", `{"teams":{"name":["b"],"members":{"role":["dev"],"level":[3]}}}`, teams, true},
		{"outer field from another element", `{"teams":{"name":["b"],"members":{"role":["lead"]}}}`, teams, false},
		{"inner only", `{"teams":{"members":{"role":["lead"],"level":[1]}}}`, teams, false},
		// scalars directly in an array belong to no element
		{"scalar array and element", `{"a":{"tags":["x"],"n":[2]}}`, `{"a":[{"tags":["x","y"],"n":1},{"tags":["z"],"n":2}]}`, false},
		{"scalar array in the element", `{"a":{"tags":["y"],"n":[1]}}`, `{"a":[{"tags":["x","y"],"n":1},{"tags":["z"],"n":2}]}`, true},
		{"different arrays do not bind", `{"a":{"x":[1]},"b":{"y":[2]}}`, `{"a":[{"x":0},{"x":1}],"b":[{"y":2},{"y":3}]}`, true},
		// a field outside $or and one inside it come from one element
		{"or inside element", `{"e":{"f":["Anna"],"$or":[{"l":["Smith"]},{"l":["Doe"]}]}}`,
			`{"e":[{"f":"Anna","l":"Jones"},{"f":"Peter","l":"Smith"}]}`, false},
		{"or inside element matches", `{"e":{"f":["Peter"],"$or":[{"l":["Smith"]},{"l":["Doe"]}]}}`,
			`{"e":[{"f":"Anna","l":"Jones"},{"f":"Peter","l":"Smith"}]}`, true},
		// exists: false means absent from the element the others matched in
		{"absent in the matched element", `{"e":{"f":["Anna"],"l":[{"exists":false}]}}`, `{"e":[{"f":"Anna"},{"f":"Peter","l":"Smith"}]}`, true},
		{"present in the matched element", `{"e":{"f":["Peter"],"l":[{"exists":false}]}}`, `{"e":[{"f":"Anna"},{"f":"Peter","l":"Smith"}]}`, false},
		{"absent, key order reversed", `{"e":{"a":[{"exists":false}],"f":["Anna"]}}`, `{"e":[{"f":"Anna"},{"f":"Peter","a":"x"}]}`, true},
		{"absent with nothing binding", `{"e":{"l":[{"exists":false}]}}`, `{"e":[{"f":"Anna"},{"f":"Peter","l":"Smith"}]}`, false},
		{"absent from every element", `{"e":{"l":[{"exists":false}]}}`, `{"e":[{"f":"Anna"},{"f":"Peter"}]}`, true},
		{"exists true binds", `{"e":{"l":[{"exists":true}],"f":["Anna"]}}`, `{"e":[{"f":"Anna"},{"f":"Peter","l":"Smith"}]}`, false},
		{"anything-but binds", `{"e":{"f":[{"anything-but":"Peter"}],"l":["Smith"]}}`, `{"e":[{"f":"Anna"},{"f":"Peter","l":"Smith"}]}`, false},
		{"empty array is a missing field", `{"e":[{"exists":false}]}`, `{"e":[]}`, true},
		{"array of objects has no values", `{"e":[{"exists":true}]}`, `{"e":[{"f":1}]}`, false},
	})
}

// A field referenced both inside and outside $or is tested by its last
// reference in the pattern's text (the guide's rule for a key given
// twice, as event-ruler applies it); keys that do not repeat a field give
// the same result in either order.
func TestOrAndRepeatedFields(t *testing.T) {
	const (
		outsideFirst = `{"a":["x"],"$or":[{"a":["y"]},{"b":["z"]}]}`
		orFirst      = `{"$or":[{"a":["y"]},{"b":["z"]}],"a":["x"]}`
		distinctA    = `{"c":["x"],"$or":[{"a":["y"]},{"b":["z"]}]}`
		distinctB    = `{"$or":[{"a":["y"]},{"b":["z"]}],"c":["x"]}`
	)
	checkMatches(t, []matchCase{
		// outside first: the $or's "a" replaces it in that combination
		{"outside first, a=y", outsideFirst, `{"a":"y"}`, true},
		{"outside first, a=x b=z", outsideFirst, `{"a":"x","b":"z"}`, true},
		{"outside first, a=x", outsideFirst, `{"a":"x"}`, false},
		// $or first: the outer "a" replaces the $or's in every combination
		{"or first, a=y", orFirst, `{"a":"y"}`, false},
		{"or first, a=x", orFirst, `{"a":"x"}`, true},
		{"or first, a=x b=z", orFirst, `{"a":"x","b":"z"}`, true},
		// distinct fields: the same either way
		{"distinct c first, c=x a=y", distinctA, `{"c":"x","a":"y"}`, true},
		{"distinct or first, c=x a=y", distinctB, `{"c":"x","a":"y"}`, true},
		{"distinct c first, a=y", distinctA, `{"a":"y"}`, false},
		{"distinct or first, a=y", distinctB, `{"a":"y"}`, false},
		// a key given twice in one object: the last is used (the guide's example)
		{"duplicate key, last used", `{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}`, `{"location":"eu-west"}`, true},
		{"duplicate key, last used 2", `{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}`, `{"location":"us-east"}`, false},
		// duplicate objects merge
		{"duplicate objects merge", `{"d":{"a":[1]},"d":{"b":[2]}}`, `{"d":{"a":1,"b":3}}`, false},
		{"duplicate objects merge 2", `{"d":{"a":[1]},"d":{"b":[2]}}`, `{"d":{"a":1,"b":2}}`, true},
		// nested $or in an alternative
		{"nested or", `{"s":["x"],"$or":[{"m":["a"]},{"t":["b"],"$or":[{"i":[1]},{"j":[2]}]}]}`, `{"s":"x","t":"b","j":2}`, true},
		{"nested or fails", `{"s":["x"],"$or":[{"m":["a"]},{"t":["b"],"$or":[{"i":[1]},{"j":[2]}]}]}`, `{"s":"x","t":"b","j":3}`, false},
		// parallel $or
		{"parallel or", `{"$or":[{"a":[1]},{"b":[2]}],"d":{"$or":[{"c":[3]},{"e":[4]}]}}`, `{"b":2,"d":{"e":4}}`, true},
		{"parallel or fails", `{"$or":[{"a":[1]},{"b":[2]}],"d":{"$or":[{"c":[3]},{"e":[4]}]}}`, `{"b":2,"d":{"e":5}}`, false},
	})
}

func TestOrPatternErrors(t *testing.T) {
	for _, c := range []struct{ pattern, want string }{
		{`{"$or":[{"numeric":[1]},{"b":["x"]}]}`, `at numeric: "numeric" is an operator name, which cannot name a field inside $or`},
		{`{"$or":[{"a":["x"]},{"prefix":["abc"]}]}`, `at prefix: "prefix" is an operator name`},
		{`{"d":{"$or":[{"a":["x"]},{"e":{"cidr":["10.0.0.1"]}}]}}`, `at d.e.cidr: "cidr" is an operator name`},
		{`{"$or":[{"a":["x"]},{">=":[1]}]}`, `at >=: ">=" is an operator name`},
		{`{"$or":[{"a":["x"]},{"regex":["x"]}]}`, `at regex: "regex" is an operator name`},
		{`{"$or":[{"a":["x"]},{"b":{"$or":[{"c":[1]},{"exists":[true]}]}}]}`, `at b.exists: "exists" is an operator name`},
		{`{"$or":"x"}`, "$or needs an array of at least two"},
		{`{"$or":[{"a":["x"]},"b"]}`, "at $or[1]: each $or alternative"},
		{`{"a":[{"prefix":"a","prefix":"b"}]}`, "exactly one key, has 2"},
	} {
		_, err := Compile([]byte(c.pattern))
		var pe *Error
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &pe) {
			t.Errorf("Compile(%s) = %v, want an *Error containing %q", c.pattern, err, c.want)
		}
	}
	// Outside $or the operator names are field names.
	checkMatches(t, []matchCase{
		{"prefix as a field", `{"prefix":["abc"]}`, `{"prefix":"abc"}`, true},
		{"numeric as a field", `{"detail":{"numeric":[1]}}`, `{"detail":{"numeric":1}}`, true},
	})
}

// An $or expands into at most MaxCombinations combinations.
func TestOrCombinationLimit(t *testing.T) {
	or := func(field string, n int) string {
		alts := make([]string, n)
		for i := range alts {
			alts[i] = `{"` + field + `":[` + string(rune('0'+i%10)) + `]}`
		}
		return `"$or":[` + strings.Join(alts, ",") + `]`
	}
	// 10 × 10 × 10 = 1000 combinations: allowed.
	at := `{` + or("a", 10) + `,"x":{` + or("b", 10) + `},"y":{` + or("c", 10) + `}}`
	p, err := Compile([]byte(at))
	if err != nil {
		t.Fatalf("1000 combinations: %v", err)
	}
	if len(p.branches) != 1000 {
		t.Errorf("1000 combinations compiled to %d", len(p.branches))
	}
	if ok, err := p.Match([]byte(`{"a":3,"x":{"b":5},"y":{"c":9}}`)); !ok || err != nil {
		t.Errorf("Match = %v, %v; want true", ok, err)
	}
	// One more alternative anywhere goes over.
	over := `{` + or("a", 10) + `,"x":{` + or("b", 10) + `},"y":{` + or("c", 10) + `},"z":{` + or("d", 2) + `}}`
	_, err = Compile([]byte(over))
	var pe *Error
	if !errors.As(err, &pe) || pe.Path != "z.$or" || !strings.Contains(pe.Msg, "more than 1000 combinations") {
		t.Errorf("2000 combinations: %v, want an *Error at z.$or about the 1000 combinations", err)
	}
}

// MatchValid trusts the event's validity: it stops after the last
// top-level field the pattern names.
func TestMatchValidStopsEarly(t *testing.T) {
	p := MustCompile(`{"source":["s"],"detail-type":["t"]}`)
	ev := []byte(`{"source":"s","detail-type":"t","detail":{"n":01}}`)
	if ok, err := p.MatchValid(ev); !ok || err != nil {
		t.Errorf("MatchValid = %v, %v; want true (the rest unread)", ok, err)
	}
	if _, err := p.Match(ev); err == nil {
		t.Error("Match accepted a leading zero")
	}
}

// Events are strict JSON in full, including fields the pattern skips.
func TestEventsMustBeValidJSON(t *testing.T) {
	p := MustCompile(`{"source":["s"]}`)
	for _, c := range []struct{ name, event, want string }{
		{"leading zero", `{"source":"s","n":01}`, "at byte 18: invalid number: a leading zero"},
		{"negative leading zero", `{"source":"s","n":-012}`, "invalid number: a leading zero"},
		{"bare decimal point", `{"source":"s","n":1.}`, "invalid number: no digit after the decimal point"},
		{"leading decimal point", `{"source":"s","n":.5}`, "expected a JSON value"},
		{"plus sign", `{"source":"s","n":+1}`, "expected a JSON value"},
		{"empty exponent", `{"source":"s","n":1e}`, "no digit in the exponent"},
		{"hex", `{"source":"s","n":0x10}`, "expected ',' or '}'"},
		{"trailing comma in object", `{"source":"s","d":{"a":1,}}`, "expected a field name"},
		{"trailing comma in array", `{"source":"s","d":[1,2,]}`, "expected a JSON value"},
		{"trailing comma at the top", `{"source":"s",}`, "expected a field name"},
		{"missing comma", `{"source":"s" "d":1}`, "expected ',' or '}'"},
		{"single quotes", `{"source":"s","d":'x'}`, "expected a JSON value"},
		{"bad escape", `{"source":"s","d":"a\x"}`, "invalid escape"},
		{"short unicode escape", `{"source":"s","d":"\u12"}`, "invalid escape"},
		{"control character", "{\"source\":\"s\",\"d\":\"a\tb\"}", "control character"},
		{"invalid UTF-8", "{\"source\":\"s\",\"d\":\"\xff\"}", "invalid UTF-8"},
		{"bad literal", `{"source":"s","d":nul}`, "invalid literal"},
		{"capitalised literal", `{"source":"s","d":True}`, "expected a JSON value"},
		{"NaN", `{"source":"s","d":NaN}`, "expected a JSON value"},
		{"unterminated", `{"source":"s","d":[1`, "expected ',' or ']'"},
		{"trailing data", `{"source":"s"} {}`, "data after the event object"},
		{"comment", `{"source":"s"} // x`, "data after the event object"},
		{"unquoted key", `{"source":"s",d:1}`, "expected a field name"},
		{"before the pattern's field", `{"d":01,"source":"s"}`, "leading zero"},
		{"in the pattern's field", `{"source":01}`, "leading zero"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := p.Match([]byte(c.event))
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Match(%q) = %v, want a *SyntaxError containing %q", c.event, err, c.want)
			}
			if json.Valid([]byte(c.event)) && c.name != "invalid UTF-8" {
				t.Errorf("encoding/json accepts %q, which Match refuses", c.event)
			}
		})
	}
	for _, ev := range []string{`[1]`, `"x"`, ``, `  `, `1`} {
		if _, err := p.Match([]byte(ev)); err != ErrNotObject {
			t.Errorf("Match(%q) = %v, want ErrNotObject", ev, err)
		}
	}
	// What RFC 8259 allows is accepted.
	for _, ev := range []string{
		`{"source":"s","n":[0,-0,1.5,-1.5e10,1E+2,2e-3,1e400]}`,
		`{"source":"s","d":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00 é 😀"}`,
		" \t\r\n{\"source\":\"s\"} \n",
		`{"source":"s","d":{},"e":[],"f":[[],{}],"g":null}`,
		`{"source":"s","source":"s"}`,
	} {
		if ok, err := p.Match([]byte(ev)); !ok || err != nil {
			t.Errorf("Match(%s) = %v, %v; want true", ev, ok, err)
		}
	}
	deep := `{"source":"s","d":` + strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth) + `}`
	if _, err := p.Match([]byte(deep)); err == nil || !strings.Contains(err.Error(), "deeper than 10000") {
		t.Errorf("10001 levels: %v, want an error", err)
	}
}

// A key given twice in an event keeps its last value, as encoding/json.
func TestEventDuplicateKeys(t *testing.T) {
	checkMatches(t, []matchCase{
		{"last value", `{"a":["y"]}`, `{"a":"x","a":"y"}`, true},
		{"earlier value gone", `{"a":["x"]}`, `{"a":"x","a":"y"}`, false},
		{"replaced by an object", `{"a":["x"]}`, `{"a":"x","a":{"b":1}}`, false},
		{"objects do not merge", `{"a":{"b":[1],"c":[2]}}`, `{"a":{"b":1},"a":{"c":2}}`, false},
	})
}

func TestCIDR(t *testing.T) {
	checkMatches(t, []matchCase{
		{"v4 in block", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.7"}`, true},
		{"v4 outside", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.1.7"}`, false},
		{"v4 block, mapped address", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"::ffff:10.0.0.7"}`, false},
		{"v6 in block", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db8::1"}`, true},
		{"v6 block, v4 address", `{"ip":[{"cidr":"::/0"}]}`, `{"ip":"10.0.0.7"}`, false},
		{"v6 block holds the mapped form", `{"ip":[{"cidr":"::/0"}]}`, `{"ip":"::ffff:10.0.0.7"}`, true},
		{"not an address", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"10.0.0.300"}`, false},
	})
	for _, c := range []struct{ cidr, want string }{
		{"::ffff:10.0.0.0/104", `"::ffff:10.0.0.0/104" is an IPv4-mapped IPv6 prefix; EventBridge takes IPv4 or IPv6 blocks: write the IPv4 block 10.0.0.0/8`},
		{"::ffff:192.168.1.0/120", "write the IPv4 block 192.168.1.0/24"},
		{"::ffff:a00:0/104", "write the IPv4 block 10.0.0.0/8"},
		{"::ffff:10.0.0.0/64", "IPv4-mapped IPv6 prefix"},
		{"10.0.0.0/33", "is not a CIDR block"},
	} {
		_, err := Compile([]byte(`{"ip":[{"cidr":"` + c.cidr + `"}]}`))
		if err == nil || !strings.Contains(err.Error(), "at ip[0].cidr: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("cidr %s: %v, want an error containing %q", c.cidr, err, c.want)
		}
	}
}

// Where the guide sides with us against event-ruler (see the package doc).
func TestGuideOverEventRuler(t *testing.T) {
	checkMatches(t, []matchCase{
		{"no dotted-key flattening", `{"a.b":["x"]}`, `{"a":{"b":"x"}}`, false},
		{"dotted key is a field name", `{"a.b":["x"]}`, `{"a.b":"x"}`, true},
		{"nested pattern, dotted event key", `{"a":{"b":["x"]}}`, `{"a.b":"x"}`, false},
		{"IP-looking strings are strings", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.01"}`, false},
		{"IP-looking strings exact", `{"ip":["10.0.0.1"]}`, `{"ip":"10.0.0.1"}`, true},
	})
	for _, c := range []struct{ pattern, want string }{
		{`{"x":[{"anything-but":{"prefix":["a","b"]}}]}`, "anything-but prefix needs a string"},
		{`{"x":[{"anything-but":{"suffix":["a"]}}]}`, "anything-but suffix needs a string"},
		{`{"x":[{"numeric":[">",1000000001]}]}`, "outside the numeric range -1e9..1e9"},
		{`{"x":[{"numeric":["<",-5e9]}]}`, "outside the numeric range -1e9..1e9"},
	} {
		if _, err := Compile([]byte(c.pattern)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compile(%s) = %v, want an error containing %q", c.pattern, err, c.want)
		}
	}
	if _, err := Compile([]byte(`{"x":[{"numeric":[">=",-1e9,"<=",1e9]}]}`)); err != nil {
		t.Errorf("the bounds themselves: %v", err)
	}
}

// FuzzValidity checks Match against encoding/json: an object document is
// refused exactly when it is not valid JSON or not valid UTF-8.
func FuzzValidity(f *testing.F) {
	p := MustCompile(`{"detail":{"a":[{"exists":false}],"b":{"c":["x"]}}}`)
	for _, s := range []string{ec2, `{"a":01}`, `{"a":[1,]}`, `{"a":"\u00"}`, `{"detail":{"b":[{"c":"x"},{"c":1.}]}}`, "{\"a\":\"\xc3\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, event []byte) {
		trimmed := bytes.TrimLeft(event, " \t\r\n")
		if len(trimmed) == 0 || trimmed[0] != '{' {
			return
		}
		_, err := p.Match(event)
		valid := json.Valid(event) && strings.ToValidUTF8(string(event), "\uFFFD") == string(event)
		if valid != (err == nil) {
			t.Fatalf("Match error %v, encoding/json valid %v, for %q", err, valid, event)
		}
	})
}
