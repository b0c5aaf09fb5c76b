//go:build !unix

package report

import "os/exec"

// killGroup leaves the default: the context kills the browser process.
func killGroup(*exec.Cmd) {}
