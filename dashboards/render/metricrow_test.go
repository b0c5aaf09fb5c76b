package render

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func rawRows(t *testing.T, src string) []json.RawMessage {
	t.Helper()
	var out []json.RawMessage
	if err := json.Unmarshal([]byte(src), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseRows(t *testing.T) {
	rows, err := parseRows(rawRows(t, `[
		["AWS/Lambda", "Invocations", "FunctionName", "a", {"label": "A", "stat": "Sum"}],
		[".", "Errors", ".", "."],
		["...", "b"],
		[{"expression": "m2 / m1", "label": "ratio"}],
		["NS", "Bare", {"id": "bare", "visible": false, "period": 60}]
	]`), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{Namespace: "AWS/Lambda", Name: "Invocations", Dims: [][2]string{{"FunctionName", "a"}}, rowOptions: rowOptions{ID: "m1", Label: "A", Stat: "Sum"}},
		{Namespace: "AWS/Lambda", Name: "Errors", Dims: [][2]string{{"FunctionName", "a"}}, rowOptions: rowOptions{ID: "m2"}},
		{Namespace: "AWS/Lambda", Name: "Errors", Dims: [][2]string{{"FunctionName", "b"}}, rowOptions: rowOptions{ID: "m3"}},
		{Expression: "m2 / m1", rowOptions: rowOptions{Expression: "m2 / m1", ID: "e4", Label: "ratio"}},
		{Namespace: "NS", Name: "Bare", rowOptions: rowOptions{ID: "bare", Period: 60, Visible: rows[4].Visible}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n got %+v\nwant %+v", rows, want)
	}
	if rows[4].visible() || !rows[0].visible() {
		t.Error("visible: false is not honoured")
	}
	if got := rows[2].defaultLabel(); got != "Errors (b)" {
		t.Errorf("default label %q", got)
	}
}

func TestParseRowsPropertyVariable(t *testing.T) {
	rows, err := parseRows(rawRows(t, `[["AWS/Lambda", "Errors", "FunctionName", "a"]]`), map[string]string{"FunctionName": "picked"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0].dims()["FunctionName"]; got != "picked" {
		t.Errorf("FunctionName = %q, want the variable's default", got)
	}
}

func TestParseRowsErrors(t *testing.T) {
	for src, want := range map[string]string{
		`[[".", "X"]]`:                      "no previous",
		`[["...", "x"]]`:                    "no previous",
		`[["NS"]]`:                          "namespace, name",
		`[["NS", "N", "dim"]]`:              "namespace, name",
		`[["NS", {"id": "x"}, "N"]]`:        "must come last",
		`[["NS", 3]]`:                       "not a string",
		`[{"expression": "x"}]`:             "not an array",
		`[["NS", "N", {"period": "soon"}]]`: "metrics[0]",
	} {
		_, err := parseRows(rawRows(t, src), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", src, err, want)
		}
	}
}

func FuzzParseRows(f *testing.F) {
	for _, s := range []string{`[["A","B","C","D"],[".",".",".","E"],["...","F"]]`, `[[{"expression":"m1*2"}]]`, `[["A","B",{"id":"x"}]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var raw []json.RawMessage
		if json.Unmarshal([]byte(src), &raw) != nil {
			return
		}
		rows, err := parseRows(raw, nil)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.ID == "" || r.Expression == "" && (r.Namespace == "" || r.Name == "") {
				t.Fatalf("row without id or metric: %+v", r)
			}
		}
	})
}
