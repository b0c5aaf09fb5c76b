package logs

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Pagination tokens are opaque to clients: base64 of the operation's
// kind and its position, so a token of another operation is refused.

func encodeToken(kind string, parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "|" + strings.Join(parts, "|")))
}

// decodeToken is the parts of a token of kind, n of them.
func decodeToken(kind, token string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	parts := strings.Split(string(b), "|")
	if err != nil || len(parts) != n+1 || parts[0] != kind {
		return nil, invalidf("The specified nextToken is not valid.")
	}
	return parts[1:], nil
}

// offsetToken is a list position.
func offsetToken(kind string, off int) string { return encodeToken(kind, strconv.Itoa(off)) }

// offsetOf is the position an offset token holds; 0 without one.
func offsetOf(kind string, token *string) (int, error) {
	if token == nil {
		return 0, nil
	}
	parts, err := decodeToken(kind, *token, 1)
	if err != nil {
		return 0, err
	}
	off, cerr := strconv.Atoi(parts[0])
	if cerr != nil || off < 0 {
		return 0, invalidf("The specified nextToken is not valid.")
	}
	return off, nil
}

// page is items[off:off+limit] and the token of the rest, if any.
func page[T any](kind string, items []T, off, limit int) ([]T, *string) {
	if off > len(items) {
		off = len(items)
	}
	end := min(off+limit, len(items))
	if end == len(items) {
		return items[off:end], nil
	}
	tok := offsetToken(kind, end)
	return items[off:end], &tok
}
