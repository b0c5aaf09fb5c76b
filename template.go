// Package alchemiser holds the kit's AWS topology, template.yaml, so the
// local stack runs the very file that is deployed.
package alchemiser

import _ "embed"

// Template is template.yaml, the single source of the AWS topology.
//
//go:embed template.yaml
var Template []byte
