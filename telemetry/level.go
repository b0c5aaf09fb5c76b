package telemetry

import (
	"fmt"
	"log/slog"
	"strings"
)

// Lambda's log levels beyond slog's four.
const (
	LevelTrace = slog.LevelDebug - 4
	LevelFatal = slog.LevelError + 4
)

// LevelName is the name Lambda's JSON log format expects for l.
func LevelName(l slog.Level) string {
	switch {
	case l < slog.LevelDebug:
		return "TRACE"
	case l < slog.LevelInfo:
		return "DEBUG"
	case l < slog.LevelWarn:
		return "INFO"
	case l < slog.LevelError:
		return "WARN"
	case l < LevelFatal:
		return "ERROR"
	}
	return "FATAL"
}

// ParseLevel reads a Lambda or slog level name, case-insensitively.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRACE":
		return LevelTrace, nil
	case "DEBUG":
		return slog.LevelDebug, nil
	case "INFO", "":
		return slog.LevelInfo, nil
	case "WARN", "WARNING":
		return slog.LevelWarn, nil
	case "ERROR":
		return slog.LevelError, nil
	case "FATAL":
		return LevelFatal, nil
	}
	return slog.LevelInfo, fmt.Errorf("unknown log level %q (want TRACE, DEBUG, INFO, WARN, ERROR or FATAL)", s)
}

// LevelFromEnv returns the level from AWS_LAMBDA_LOG_LEVEL (set by Lambda's
// LoggingConfig), else LOG_LEVEL, else INFO.
func LevelFromEnv(getenv func(string) string) (slog.Level, error) {
	if v := getenv("AWS_LAMBDA_LOG_LEVEL"); v != "" {
		return ParseLevel(v)
	}
	return ParseLevel(getenv("LOG_LEVEL"))
}
