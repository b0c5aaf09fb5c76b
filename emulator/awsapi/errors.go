package awsapi

import (
	"fmt"
	"net/http"
)

// Error is an AWS error response: its code (the shape name the SDKs map
// to a typed error, ResourceNotFoundException), a message, the HTTP
// status (400 when zero) and whether the fault is the server's.
type Error struct {
	Code    string
	Message string
	Status  int
	Server  bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func (e *Error) status() int {
	if e.Status == 0 {
		return http.StatusBadRequest
	}
	return e.Status
}

// fault is the query protocol's Type: Sender or Receiver.
func (e *Error) fault() string {
	if e.Server {
		return "Receiver"
	}
	return "Sender"
}

// Errorf is a client error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Codes every protocol shares.
const (
	// CodeValidation is a request whose members break the API's rules.
	CodeValidation = "ValidationException"
	// CodeSerialization is a body that cannot be decoded.
	CodeSerialization = "SerializationException"
	// CodeUnknownOperation is an operation the service does not have.
	CodeUnknownOperation = "UnknownOperationException"
	// CodeInternal is a failure of the server.
	CodeInternal = "InternalFailure"
)

// Validationf is a ValidationException.
func Validationf(format string, args ...any) *Error {
	return Errorf(CodeValidation, format, args...)
}

func internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: err.Error(), Status: http.StatusInternalServerError, Server: true}
}
