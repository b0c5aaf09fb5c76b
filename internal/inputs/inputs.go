// Package inputs reads the files the CLI and the loaders are given with a
// size limit, so a wrong path (a log archive for a profile, /dev/zero for a
// pattern) is refused with an error naming the file and the limit instead
// of being read whole.
package inputs

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits of the inputs, by kind.
const (
	KiB = 1 << 10
	MiB = 1 << 20

	Config  = 1 * MiB   // templates, SLO specs, profiles, dashboards, alarms, prices
	Event   = 256 * KiB // an EventBridge entry (PutEvents' limit)
	Query   = 64 * KiB  // a Logs Insights query (StartQuery takes 10,000 characters)
	Points  = 16 * MiB  // alarms evaluate --data
	Alarms  = 16 * MiB  // alarms evaluate --alarm: describe-alarms output of a whole account
	LogLine = 4 * MiB   // one log event line of a log file
)

// TooLargeError is an input over its limit.
type TooLargeError struct {
	Name  string // the file, or "standard input"
	Line  int    // the line, for a line limit; 0 for the whole input
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: a line over the %s limit", e.Name, e.Line, Size(e.Limit))
	}
	return fmt.Sprintf("%s: over the %s limit", e.Name, Size(e.Limit))
}

// Size writes a limit as people read it: 256 KiB, 1 MiB, or bytes.
func Size(n int64) string {
	switch {
	case n%MiB == 0:
		return fmt.Sprintf("%d MiB", n/MiB)
	case n%KiB == 0:
		return fmt.Sprintf("%d KiB", n/KiB)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadFile reads path, or fails with a *TooLargeError past limit bytes.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, path, limit)
}

// ReadAll reads r (called name in errors), or fails with a
// *TooLargeError past limit bytes.
func ReadAll(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Name: name, Limit: limit}
	}
	return b, nil
}

// Reader reads r and fails with a *TooLargeError once more than limit
// bytes come through: for inputs read as a stream.
func Reader(r io.Reader, name string, limit int64) io.Reader {
	return &limited{r: r, name: name, left: limit, limit: limit}
}

type limited struct {
	r           io.Reader
	name        string
	left, limit int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &TooLargeError{Name: l.name, Limit: l.limit}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - 1, &TooLargeError{Name: l.name, Limit: l.limit}
	}
	return n, err
}

// IsTooLarge reports whether err is an input over its limit.
func IsTooLarge(err error) bool {
	var t *TooLargeError
	return errors.As(err, &t)
}
