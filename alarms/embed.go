package alarms

import _ "embed"

// specYAML is alarms/slos.yaml as built into the binary, so commands run
// outside the repository have the deployed SLOs.
//
//go:embed slos.yaml
var specYAML []byte

// DefaultSpec parses the built-in SLO spec (alarms/slos.yaml).
func DefaultSpec(known func(metric string) bool) (*Spec, error) {
	return ParseSpec("alarms/slos.yaml (built in)", specYAML, known)
}
