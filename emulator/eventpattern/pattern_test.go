package eventpattern

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// ec2 is the example event of the EventBridge user guide, extended with
// the fields the operator examples use.
const ec2 = `{
  "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {
    "instance-id": "i-1234567890abcdef0", "state": "terminated",
    "c-count": 5, "d-count": 3.0, "x-limit": 301.8, "source-ip": "10.0.0.123",
    "FileName": "dir/image.PNG", "eventVersion": "", "responseElements": null,
    "tags": ["a", "b"], "items": [{"sku": "x1", "qty": 2}, {"sku": "y2", "qty": 0}],
    "nested": {"deep": {"flag": true}}, "v6": "2001:db8::1", "escaped": "a\"b\u00e9"
  }
}`

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern string
		want    bool
	}{
		// the user guide's first example, and exact values
		{`{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}`, true},
		{`{"source":["aws.ec2"],"detail":{"state":["running"]}}`, false},
		{`{"source":["aws.s3","aws.ec2"]}`, true},
		{`{"source":["AWS.EC2"]}`, false},
		{`{"detail":{"c-count":[5]}}`, true},
		{`{"detail":{"d-count":[3]}}`, true}, // numbers compare as numbers
		{`{"detail":{"c-count":["5"]}}`, false},
		{`{"detail":{"nested":{"deep":{"flag":[true]}}}}`, true},
		{`{"detail":{"nested":{"deep":{"flag":[false]}}}}`, false},
		{`{"detail":{"escaped":["a\"bé"]}}`, true},
		// null and empty strings are not interchangeable; missing matches neither
		{`{"detail":{"eventVersion":[""]}}`, true},
		{`{"detail":{"eventVersion":[null]}}`, false},
		{`{"detail":{"responseElements":[null]}}`, true},
		{`{"detail":{"responseElements":[""]}}`, false},
		{`{"detail":{"missing":[null]}}`, false},
		// arrays in events: any element
		{`{"resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}`, true},
		{`{"detail":{"tags":["b","z"]}}`, true},
		{`{"detail":{"tags":["z"]}}`, false},
		{`{"detail":{"items":{"sku":["y2"]}}}`, true},            // any element of an array of objects
		{`{"detail":{"items":{"sku":["y2"],"qty":[0]}}}`, true},  // both in element 1
		{`{"detail":{"items":{"sku":["y2"],"qty":[2]}}}`, false}, // y2 and 2 in different elements
		// prefix / suffix / equals-ignore-case
		{`{"time":[{"prefix":"2017-12-22"}]}`, true},
		{`{"time":[{"prefix":"2018"}]}`, false},
		{`{"detail":{"FileName":[{"suffix":".png"}]}}`, false},
		{`{"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}}`, true},
		{`{"source":[{"prefix":{"equals-ignore-case":"AWS."}}]}`, true},
		{`{"detail":{"state":[{"equals-ignore-case":"TERMINATED"}]}}`, true},
		{`{"detail":{"c-count":[{"prefix":"5"}]}}`, false}, // prefix is for strings
		// anything-but
		{`{"detail":{"state":[{"anything-but":"initializing"}]}}`, true},
		{`{"detail":{"state":[{"anything-but":"terminated"}]}}`, false},
		{`{"detail":{"state":[{"anything-but":["stopped","terminated"]}]}}`, false},
		{`{"detail":{"x-limit":[{"anything-but":123}]}}`, true},
		{`{"detail":{"c-count":[{"anything-but":[100,5]}]}}`, false},
		{`{"detail":{"state":[{"anything-but":{"prefix":"term"}}]}}`, false},
		{`{"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}`, true},
		{`{"detail":{"FileName":[{"anything-but":{"suffix":".PNG"}}]}}`, false},
		{`{"detail":{"state":[{"anything-but":{"equals-ignore-case":["STOPPED","Terminated"]}}]}}`, false},
		{`{"detail":{"FileName":[{"anything-but":{"wildcard":"*/lib/*"}}]}}`, true},
		{`{"detail":{"missing":[{"anything-but":"x"}]}}`, false}, // needs a value
		{`{"detail":{"responseElements":[{"anything-but":"x"}]}}`, true},
		// numeric
		{`{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}`, true},
		{`{"detail":{"c-count":[{"numeric":[">",0,"<",5]}]}}`, false},
		{`{"detail":{"c-count":[{"numeric":[">=",5]}]}}`, true},
		{`{"detail":{"c-count":[{"numeric":[">",5]}]}}`, false},
		{`{"detail":{"d-count":[{"numeric":["<",10]}]}}`, true},
		{`{"detail":{"x-limit":[{"numeric":["=",3.018e2]}]}}`, true},
		{`{"detail":{"state":[{"numeric":[">",0]}]}}`, false}, // numbers only
		{`{"detail":{"items":{"qty":[{"numeric":[">",1]}]}}}`, true},
		// exists
		{`{"detail":{"state":[{"exists":true}]}}`, true},
		{`{"detail":{"state":[{"exists":false}]}}`, false},
		{`{"detail":{"missing":[{"exists":false}]}}`, true},
		{`{"detail":{"missing":[{"exists":true}]}}`, false},
		{`{"detail":{"responseElements":[{"exists":true}]}}`, true},
		{`{"detail":{"nested":[{"exists":true}]}}`, false}, // leaves only
		{`{"detail":{"missing":[{"exists":false},"x"]}}`, true},
		// cidr
		{`{"detail":{"source-ip":[{"cidr":"10.0.0.0/24"}]}}`, true},
		{`{"detail":{"source-ip":[{"cidr":"10.0.1.0/24"}]}}`, false},
		{`{"detail":{"v6":[{"cidr":"2001:db8::/32"}]}}`, true},
		{`{"detail":{"state":[{"cidr":"10.0.0.0/8"}]}}`, false},
		// wildcard
		{`{"detail":{"FileName":[{"wildcard":"dir/*.PNG"}]}}`, true},
		{`{"detail":{"FileName":[{"wildcard":"*/image*"}]}}`, true},
		{`{"detail":{"FileName":[{"wildcard":"dir/*.png"}]}}`, false},
		{`{"detail":{"FileName":[{"wildcard":"dir/image.PNG"}]}}`, true},
		{`{"detail":{"escaped":[{"wildcard":"a\"*"}]}}`, true},
		// $or
		{`{"$or":[{"source":["aws.s3"]},{"detail":{"c-count":[5]}}]}`, true},
		{`{"$or":[{"source":["aws.s3"]},{"detail":{"c-count":[6]}}]}`, false},
		{`{"source":["aws.ec2"],"detail":{"$or":[{"state":["running"]},{"x-limit":[{"numeric":[">",300]}]}]}}`, true},
		{`{"source":["aws.s3"],"$or":[{"region":["us-west-1"]},{"account":["1"]}]}`, false},
	}
	var event map[string]any
	dec := json.NewDecoder(strings.NewReader(ec2))
	dec.UseNumber()
	if err := dec.Decode(&event); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		p, err := Compile([]byte(c.pattern))
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		got, err := p.Match([]byte(ec2))
		if err != nil || got != c.want {
			t.Errorf("Match %s = %v, %v; want %v", c.pattern, got, err, c.want)
		}
		if got := p.MatchValue(event); got != c.want {
			t.Errorf("MatchValue %s = %v; want %v", c.pattern, got, c.want)
		}
	}
}

func TestInvalidPatterns(t *testing.T) {
	for pattern, want := range map[string]string{
		`[]`:                                           "must be a JSON object",
		`{}`:                                           "at least one field",
		`{"source":"aws.ec2"}`:                         `at source: a leaf must be an array of values or operators, not the string "aws.ec2"`,
		`{"source":[]}`:                                "at source: an empty array",
		`{"detail":{"x":[{"prefx":"a"}]}}`:             `at detail.x[0].prefx: unknown operator "prefx"`,
		`{"x":[{"prefix":1}]}`:                         "prefix needs a string",
		`{"x":[{"prefix":"a","suffix":"b"}]}`:          "exactly one key",
		`{"x":[{"numeric":[">",5,">",6]}]}`:            "two lower bounds",
		`{"x":[{"numeric":[">",10,"<",5]}]}`:           "range is empty",
		`{"x":[{"numeric":["=",1,"<",5]}]}`:            `"=" cannot be combined`,
		`{"x":[{"numeric":["~",1]}]}`:                  `unknown numeric operator "~"`,
		`{"x":[{"numeric":[">",1e10]}]}`:               "outside the numeric range",
		`{"x":[{"numeric":[">"]}]}`:                    "operator/value pairs",
		`{"x":[{"exists":"yes"}]}`:                     "exists needs true or false",
		`{"x":[{"cidr":"10.0.0.0/33"}]}`:               "is not a CIDR block",
		`{"x":[{"wildcard":"a**b"}]}`:                  "consecutive",
		`{"x":[{"wildcard":"a\\b"}]}`:                  "backslash escapes only",
		`{"x":[{"anything-but":["a",1]}]}`:             "only strings or only numbers",
		`{"x":[{"anything-but":{"numeric":[">",1]}}]}`: `anything-but does not take "numeric"`,
		`{"x":[{"anything-but":true}]}`:                "anything-but needs a string, a number",
		`{"$or":[{"a":["x"]}]}`:                        "$or needs an array of at least two",
		`{"d":{"$or":[{"a":["x"]},{}]}}`:               "at d.$or[1]: each $or alternative",
		`{"x":[[1]]}`:                                  "an array cannot be matched",
		`{"x":["` + strings.Repeat("a", 2100) + `"]}`:  "EventBridge allows 2048",
		`{"x":["a"]} {}`:                               "trailing data",
	} {
		_, err := Compile([]byte(pattern))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile(%.60s) = %v, want an error containing %q", pattern, err, want)
		}
	}
}

func TestMalformedEvents(t *testing.T) {
	p := MustCompile(`{"detail":{"a":["x"]}}`)
	for _, ev := range []string{`[1]`, `"x"`, ``, `{"detail":{"a":"x}}`, `{"detail":{"a":tru}}`, `{"detail":{"a" "x"}}`} {
		if _, err := p.Match([]byte(ev)); err == nil {
			t.Errorf("Match(%q): no error", ev)
		}
	}
}

// FuzzMatch checks that matching raw bytes and a decoded event agree,
// arrays of objects, $or and duplicate keys included.
func FuzzMatch(f *testing.F) {
	patterns := []*Pattern{
		MustCompile(`{"source":["alchemiser.strategy"],"detail-type":["SignalGenerated"]}`),
		MustCompile(`{"detail":{"a":[{"numeric":[">",0,"<=",5]},null,""],"b":{"c":[{"prefix":"x"},{"exists":false}]}}}`),
		MustCompile(`{"$or":[{"detail":{"a":[{"anything-but":["q",""]}]}},{"detail":{"b":[{"wildcard":"*y*"},true]}}]}`),
		MustCompile(`{"detail":{"a":[{"exists":true}],"ip":[{"cidr":"10.0.0.0/8"}],"s":[{"suffix":{"equals-ignore-case":"Z"}}]}}`),
		MustCompile(`{"detail":{"b":{"c":["xy"],"d":[{"exists":false}],"$or":[{"e":[1]},{"a":[true]}]}}}`),
		MustCompile(`{"detail":{"a":[3],"$or":[{"a":[4]},{"b":{"c":[{"exists":true}]}}]}}`),
	}
	f.Add([]byte(ec2))
	f.Add([]byte(`{"source":"alchemiser.strategy","detail-type":"SignalGenerated","detail":{"a":[3,null],"b":{"c":"xy"}}}`))
	f.Add([]byte(`{"detail":{"a":{"x":1},"b":[[true]],"ip":"10.1.2.3","s":"aZ"}}`))
	f.Add([]byte(`{"detail":{"b":[{"c":"xy","e":1},{"c":"xy","d":0,"e":1},[{"c":"xy","a":true}]],"a":[3,4]}}`))
	f.Add([]byte(`{"detail":{"b":{"c":"xy"},"b":[{"c":["xy"],"e":[1,2]}],"a":4}}`))
	f.Fuzz(func(t *testing.T, event []byte) {
		if !json.Valid(event) || !utf8.Valid(event) {
			return // FuzzValidity covers malformed events
		}
		dec := json.NewDecoder(bytes.NewReader(event))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil || m == nil {
			return // MatchValue needs a decoded object
		}
		for _, p := range patterns {
			got, err := p.Match(event)
			if err != nil {
				t.Fatalf("valid JSON rejected: %v", err)
			}
			if want := p.MatchValue(m); got != want {
				t.Fatalf("Match = %v, MatchValue = %v for %s", got, want, event)
			}
			if !topKeysUnique(event) {
				continue // MatchValid may stop at the first of two
			}
			if lazy, err := p.MatchValid(event); lazy != got || err != nil {
				t.Fatalf("Match = %v, MatchValid = %v, %v for %s", got, lazy, err, event)
			}
		}
	})
}

// topKeysUnique reports whether a JSON object names no top-level key twice.
func topKeysUnique(doc []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil || seen[k.(string)] {
			return false
		}
		seen[k.(string)] = true
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return false
		}
	}
	return true
}
