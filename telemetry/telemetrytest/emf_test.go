package telemetrytest

import (
	"strings"
	"testing"
)

// line is a valid document with one dimension and one metric, whose
// parts the cases replace.
func line(dim, metric, unit, value string) string {
	return `{"_aws":{"Timestamp":1700000000000,"CloudWatchMetrics":[{"Namespace":"Alchemiser","Dimensions":[["function"]],` +
		`"Metrics":[{"Name":` + metric + `,"Unit":"` + unit + `"}]}]},"level":"INFO","function":` + dim + `,` + metric + `:` + value + `}`
}

func TestValidateEMFAcceptsTheSpecificationsForms(t *testing.T) {
	for _, l := range []string{
		line(`"execution"`, `"Orders"`, "Count", `3`),
		line(`"execution"`, `"Orders"`, "Count/Second", `[1,2,3]`),
		line(`"POST /v2/orders"`, `"Latency"`, "Milliseconds", `{"Values":[1,5],"Counts":[2,1],"Max":6,"Min":1,"Count":3,"Sum":8}`),
		line(`"execution"`, `"`+strings.Repeat("n", 255)+`"`, "Bytes/Second", `1`),
	} {
		if _, err := ValidateEMF([]byte(l)); err != nil {
			t.Errorf("%v: %s", err, l)
		}
	}
}

func TestValidateEMFRefusesWhatCloudWatchWouldNot(t *testing.T) {
	hist := func(s string) string { return line(`"execution"`, `"Latency"`, "Milliseconds", s) }
	for name, l := range map[string]string{
		"empty dimension value":     line(`""`, `"Orders"`, "Count", `1`),
		"blank dimension value":     line(`"  "`, `"Orders"`, "Count", `1`),
		"control character":         line(`"a\u0001b"`, `"Orders"`, "Count", `1`),
		"non-ASCII dimension value": line(`"é"`, `"Orders"`, "Count", `1`),
		"dimension value over 1024": line(`"`+strings.Repeat("v", 1025)+`"`, `"Orders"`, "Count", `1`),
		"dimension not a string":    line(`3`, `"Orders"`, "Count", `1`),
		"metric name over 255":      line(`"execution"`, `"`+strings.Repeat("n", 256)+`"`, "Count", `1`),
		"unit outside the list":     line(`"execution"`, `"Rate"`, "By/s", `1`),
		"more than 100 values":      line(`"execution"`, `"Orders"`, "Count", `[`+strings.TrimSuffix(strings.Repeat("1,", 101), ",")+`]`),
		"value beyond 2^360":        line(`"execution"`, `"Orders"`, "Count", `1e200`),
		"value not a number":        line(`"execution"`, `"Orders"`, "Count", `"NaN"`),
		"distribution without Sum":  hist(`{"Values":[1],"Counts":[1],"Max":1,"Min":1,"Count":1}`),
		"Count not the sum":         hist(`{"Values":[1],"Counts":[2],"Max":1,"Min":1,"Count":1,"Sum":2}`),
		"value outside Min..Max":    hist(`{"Values":[9],"Counts":[1],"Max":5,"Min":1,"Count":1,"Sum":9}`),
		"counts and values differ":  hist(`{"Values":[1,2],"Counts":[1],"Max":2,"Min":1,"Count":1,"Sum":1}`),
		"metric is a dimension":     strings.Replace(line(`"execution"`, `"function"`, "Count", `1`), `"function":"execution",`, ``, 1),
		"missing metric member":     strings.Replace(line(`"execution"`, `"Orders"`, "Count", `1`), `,"Orders":1`, ``, 1),
	} {
		if _, err := ValidateEMF([]byte(l)); err == nil {
			t.Errorf("%s: accepted %s", name, l)
		}
	}
}
