package telemetrytest

import (
	"encoding/json"
	"fmt"
	"time"
)

// SchemaKeys are the keys every log line of the log schema has.
var SchemaKeys = []string{"timestamp", "level", "message"}

// ValidateLog checks one log line: a JSON object with an RFC 3339
// timestamp, a Lambda level and a message.
func ValidateLog(line []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	for _, k := range SchemaKeys {
		if _, ok := m[k].(string); !ok {
			return nil, fmt.Errorf("missing %q", k)
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, m["timestamp"].(string)); err != nil {
		return nil, fmt.Errorf("timestamp: %w", err)
	}
	switch m["level"] {
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL":
	default:
		return nil, fmt.Errorf("level %v", m["level"])
	}
	return m, nil
}
