package telemetry

import (
	"strings"

	"github.com/alchemiser/alchemiser/internal/errtype"
)

// redactor replaces configured secret values with [REDACTED]: the same rule
// as the log handler's (values shorter than 4 bytes are ignored, they
// would redact ordinary text), for the paths outside it: the error and
// panic handed back to the Lambda runtime, spans, EMF dimension values.
type redactor []string

func newRedactor(secrets []string) redactor {
	var r redactor
	for _, s := range secrets {
		if len(s) >= 4 {
			r = append(r, s)
		}
	}
	return r
}

func (r redactor) redact(s string) string {
	for _, secret := range r {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

// redactedError is an error whose text held a secret: Error is the
// redacted text (what aws-lambda-go logs and returns to Lambda), Unwrap
// the original (retry decisions and error types still see it).
type redactedError struct {
	err  error
	text string
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// ErrorType is the original's: redaction changes the text, not the kind.
func (e *redactedError) ErrorType() string { return errtype.Of(e.err) }

// redactErr returns err, or a redactedError when its text holds a secret.
func (r redactor) redactErr(err error) error {
	if err == nil || len(r) == 0 {
		return err
	}
	if s := err.Error(); r.redact(s) != s {
		return &redactedError{err: err, text: r.redact(s)}
	}
	return err
}
