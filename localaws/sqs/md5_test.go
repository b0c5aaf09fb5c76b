package sqs

import "testing"

// The digests of SQS's own examples (and the SDKs' tests of them).
func TestMD5OfAttributes(t *testing.T) {
	one := map[string]attributeValue{"attribName1": {DataType: "String", StringValue: "attribValue 1"}}
	if got := md5OfAttributes(one); got != "19e27d4e946b072f3f58da80d94fd778" {
		t.Errorf("one string attribute: %s", got)
	}
	number := map[string]attributeValue{"customNumberTypeAttrib": {DataType: "Number.float", StringValue: "4563442423554324324264524243.32543234"}}
	if got := md5OfAttributes(number); got != "9fe1b90bbd9965bdf77bac517c7d2495" {
		t.Errorf("a custom number attribute: %s", got)
	}
	if got := md5OfAttributes(nil); got != "" {
		t.Errorf("no attributes: %q", got)
	}
	if got := md5Hex("hello"); got != "5d41402abc4b2a76b9719d911017c592" {
		t.Errorf("body: %s", got)
	}
}

func TestReceiptHandles(t *testing.T) {
	h := newHandle("q", "m1")
	if q, id, ok := parseHandle(h); !ok || q != "q" || id != "m1" {
		t.Errorf("parse(new) = %q %q %v", q, id, ok)
	}
	if h == newHandle("q", "m1") {
		t.Error("two receives got one handle")
	}
	for _, bad := range []string{"", "nope", "bm9wZQ"} {
		if _, _, ok := parseHandle(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestWantedAttributes(t *testing.T) {
	for _, c := range []struct {
		names []string
		name  string
		want  bool
	}{
		{[]string{"All"}, "RULE_ARN", true},
		{[]string{".*"}, "RULE_ARN", true},
		{[]string{"RULE_ARN"}, "RULE_ARN", true},
		{[]string{"bar.*"}, "bar.baz", true},
		{[]string{"bar.*"}, "barbaz", false},
		{nil, "RULE_ARN", false},
	} {
		if got := wanted(c.names, c.name); got != c.want {
			t.Errorf("wanted(%v, %q) = %v", c.names, c.name, got)
		}
	}
}
