// Package functions holds one folder per Lambda function. Each main.go
// only wires: it reads the environment (see package wiring for the
// variables), builds the adapters and calls lambda.Start with the handler
// from app/handlers. Build them with `make build` (linux/arm64 bootstraps
// for the provided.al2023 runtime).
package functions
