package handlers

import (
	"fmt"
	"strings"
)

// The kill switch's two values, as template.yaml's parameter and
// `alchemiser trading halt|resume` write them.
const (
	KillSwitchEnabled = "true"  // trading enabled
	KillSwitchHalted  = "false" // trading halted
)

// KillSwitchValueError is a kill switch value that is neither "true" nor
// "false". The execution function halts on it, as on "false".
type KillSwitchValueError struct {
	Value string
}

func (e *KillSwitchValueError) Error() string {
	return fmt.Sprintf("kill switch value %q is neither %q nor %q", e.Value, KillSwitchEnabled, KillSwitchHalted)
}

// TradingEnabledValue is the one rule for what a kill switch value means,
// shared by the execution function (through its SSM reading) and the
// `alchemiser trading` command: "true" enables trading and "false" halts
// it, in any case and around white space. Any other value ("off", "0",
// "", "flase") returns false and a *KillSwitchValueError: the kill switch
// fails closed, so a mistyped value never leaves trading on.
func TradingEnabledValue(s string) (bool, error) {
	switch v := strings.TrimSpace(s); {
	case strings.EqualFold(v, KillSwitchEnabled):
		return true, nil
	case strings.EqualFold(v, KillSwitchHalted):
		return false, nil
	}
	return false, &KillSwitchValueError{Value: s}
}
