package execution

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/alchemiser/alchemiser/app/broker"
)

// ClientOrderID is the deterministic client order id of one order of a
// plan: "alc-" + 8 characters of the plan id + "-" + the symbol (letters
// and digits, at most 10) + "-" + b or s + "-" + 12 hex digits of a SHA-256
// over all four inputs. It is at most 41 characters of [A-Za-z0-9-],
// well inside Alpaca's 128, and readable in logs.
func ClientOrderID(correlationID, planID, symbol string, side broker.Side) string {
	sum := sha256.Sum256([]byte(correlationID + "\x00" + planID + "\x00" + symbol + "\x00" + string(side)))
	s := "b"
	if side == broker.Sell {
		s = "s"
	}
	return "alc-" + clean(planID, 8) + "-" + clean(symbol, 10) + "-" + s + "-" + hex.EncodeToString(sum[:6])
}

// clean keeps at most n letters and digits of s ("x" when none).
func clean(s string, n int) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() == n {
			break
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}
