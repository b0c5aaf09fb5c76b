// Command gendata writes the bundled synthetic market data set.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/alchemiser/alchemiser/app/marketdata"
)

func main() {
	out := flag.String("out", "data/synthetic.csv", "output file")
	flag.Parse()
	if err := os.WriteFile(*out, marketdata.Generate(marketdata.GeneratorSeed), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}
