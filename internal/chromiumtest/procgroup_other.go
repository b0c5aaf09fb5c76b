//go:build !unix

package chromiumtest

import "os/exec"

// killGroup leaves the default: the context kills the browser process.
func killGroup(*exec.Cmd) {}
