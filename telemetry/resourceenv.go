package telemetry

import (
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
)

// resourceFromEnv parses OTEL_RESOURCE_ATTRIBUTES ("k=v,k2=v2", values
// percent-encoded) as the SDK's environment detector does, but from a
// given string, so in-process functions can each have their own.
func resourceFromEnv(s string) (*resource.Resource, error) {
	if strings.TrimSpace(s) == "" {
		return resource.Empty(), nil
	}
	var attrs []attribute.KeyValue
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %q is not key=value", pair)
		}
		val, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %q: %w", pair, err)
		}
		attrs = append(attrs, attribute.String(strings.TrimSpace(k), val))
	}
	return resource.NewSchemaless(attrs...), nil
}
