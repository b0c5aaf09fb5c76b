package events

import (
	"encoding/base64"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// page is one page of items, sorted by name, that start with prefix:
// from the item named by token (the next item's name, base64), at most
// limit of them (1 to 100, 100 when 0), and the token of the next page.
func page[T any](items []T, name func(T) string, prefix, token string, limit int32) ([]T, string, error) {
	if limit < 0 || limit > 100 {
		return nil, "", awsapi.Validationf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", limit)
	}
	if limit == 0 {
		limit = 100
	}
	from := ""
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(b) == 0 {
			return nil, "", awsapi.Validationf("The NextToken %q is not one this API gave out.", token)
		}
		from = string(b)
	}
	var kept []T
	for _, it := range items {
		if n := name(it); strings.HasPrefix(n, prefix) && n >= from {
			kept = append(kept, it)
		}
	}
	slices.SortFunc(kept, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	if len(kept) <= int(limit) {
		return kept, "", nil
	}
	return kept[:limit], base64.RawURLEncoding.EncodeToString([]byte(name(kept[limit]))), nil
}
