package handlers

import (
	"errors"
	"strings"
	"testing"
)

func TestTradingEnabledValue(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "TRUE": true, " True\n": true, "false": false, "False": false, "\tfalse ": false} {
		got, err := TradingEnabledValue(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	// Anything else halts: a mistyped value must not leave trading on.
	for _, in := range []string{"", "on", "off", "1", "0", "yes", "flase", "true false"} {
		got, err := TradingEnabledValue(in)
		var bad *KillSwitchValueError
		if got || !errors.As(err, &bad) || bad.Value != in {
			t.Errorf("%q: %v %v, want false and a KillSwitchValueError naming the value", in, got, err)
		}
	}
}

func FuzzTradingEnabledValue(f *testing.F) {
	for _, s := range []string{"true", "false", "off", " TRUE "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		on, err := TradingEnabledValue(s)
		v := strings.ToLower(strings.TrimSpace(s))
		if on != (v == "true") || (err == nil) != (v == "true" || v == "false") {
			t.Fatalf("%q: %v %v", s, on, err)
		}
	})
}
