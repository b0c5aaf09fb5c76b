// Package functions holds one folder per Lambda function. Each main.go
// only wires: wiring.Run reads the environment (see package wiring for the
// variables), builds the AWS adapters into compose.Deps, lets main add its
// function's own (the kill switch, the notifier), and starts Lambda with
// the handler app/compose builds, in the same middleware chain as the local
// stack's. Build them with `make build` (linux/arm64 bootstraps for the
// provided.al2023 runtime). This package's tests build the bootstraps and
// run them under emulator/runtimeapi.
package functions
