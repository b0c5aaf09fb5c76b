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
	pairs, err := parseKeyValues("OTEL_RESOURCE_ATTRIBUTES", s)
	if err != nil || len(pairs) == 0 {
		return resource.Empty(), err
	}
	attrs := make([]attribute.KeyValue, len(pairs))
	for i, kv := range pairs {
		attrs[i] = attribute.String(kv[0], kv[1])
	}
	return resource.NewSchemaless(attrs...), nil
}

// parseKeyValues parses the variable name's value "k=v,k2=v2", values
// percent-encoded, the form of OTEL_RESOURCE_ATTRIBUTES and
// OTEL_EXPORTER_OTLP_HEADERS.
func parseKeyValues(name, s string) ([][2]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out [][2]string
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%s: %q is not key=value", name, pair)
		}
		val, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", name, pair, err)
		}
		out = append(out, [2]string{strings.TrimSpace(k), val})
	}
	return out, nil
}
