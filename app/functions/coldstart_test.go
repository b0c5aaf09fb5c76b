//go:build external

package functions_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alchemiser/alchemiser/emulator/runtimeapi"
)

// BenchmarkColdStart runs the built strategy bootstrap as Lambda would,
// once per iteration, under the Runtime API server on loopback: init is
// process start to the first /next request; first invoke is the first
// event's round trip (strategy evaluation through the Alpaca client against
// the paper exchange, then PutEvents to a fake endpoint). impl=wrapped is
// the function as deployed; impl=unwrapped sets ALCHEMISER_TELEMETRY=off.
// Medians are reported; run with -benchtime=20x.
func BenchmarkColdStart(b *testing.B) {
	bin := build(b, "strategy")
	for _, mode := range []struct{ name, telemetry string }{{"unwrapped", "off"}, {"wrapped", "on"}} {
		b.Run("impl="+mode.name, func(b *testing.B) {
			e := setup(b)
			var inits, firsts []float64
			for b.Loop() {
				i, f := coldStart(b, e, bin, mode.telemetry)
				inits, firsts = append(inits, i), append(firsts, f)
			}
			b.ReportMetric(median(inits), "init-p50-ms")
			b.ReportMetric(median(firsts), "first-invoke-p50-ms")
		})
	}
}

func coldStart(b *testing.B, e env, bin, telemetry string) (initMs, firstMs float64) {
	rt, err := runtimeapi.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	exchange, awsURL, _ := strings.Cut(e.exchange, "|")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+rt.Addr(), "AWS_LAMBDA_FUNCTION_NAME=strategy",
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY=SECRET", "AWS_ENDPOINT_URL="+awsURL,
		"AWS_EC2_METADATA_DISABLED=true", "EVENT_BUS_NAME=b", "ALCHEMISER_TELEMETRY="+telemetry,
		"ALPACA_DATA_URL="+exchange, "ALPACA_BASE_URL="+exchange, "ALPACA_KEY_ID=K", "ALPACA_SECRET_KEY=S")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	began := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ready, err := rt.FirstPoll(ctx)
	if err != nil {
		b.Fatal(err)
	}
	sent := time.Now()
	res, err := rt.Invoke(ctx, runtimeapi.Invocation{RequestID: "r", Event: wrap(b, start()), Deadline: time.Now().Add(30 * time.Second)})
	if err != nil || res.Error != nil {
		b.Fatalf("%v %+v", err, res.Error)
	}
	return float64(ready.Sub(began).Microseconds()) / 1000, float64(time.Since(sent).Microseconds()) / 1000
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
