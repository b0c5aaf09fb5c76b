package insights_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/alchemiser/alchemiser/queries/insights"
)

// Parse a query once, then Run it over any source of events: here four
// JSON log lines held in memory. Run reads only the fields the query
// names from each JSON message.
func Example() {
	q, err := insights.Parse(`filter level = "ERROR"
| stats count() as errors, avg(latency_ms) as latency by function
| sort errors desc`)
	if err != nil {
		log.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 14, 35, 0, 0, time.UTC)
	lines := []string{
		`{"level": "ERROR", "function": "execution", "latency_ms": 120, "message": "order failed"}`,
		`{"level": "INFO", "function": "execution", "latency_ms": 40, "message": "order placed"}`,
		`{"level": "ERROR", "function": "execution", "latency_ms": 80, "message": "order failed"}`,
		`{"level": "ERROR", "function": "portfolio", "latency_ms": 15, "message": "account unavailable"}`,
	}
	events := func(yield func(*insights.Event) bool) {
		for i, msg := range lines {
			ev := &insights.Event{Timestamp: at.Add(time.Duration(i) * time.Second).UnixMilli(), Message: msg}
			if !yield(ev) {
				return
			}
		}
	}
	res := q.Run(events, insights.Options{})
	fmt.Println(strings.Join(res.Columns, " | "))
	for _, row := range res.Rows {
		fmt.Println(strings.Join(row, " | "))
	}
	fmt.Printf("scanned %d events\n", res.Scanned)

	// Errors name the line and column of the query.
	_, err = insights.Parse("fields @timestamp\n| filter level = ")
	fmt.Println(err)
	// Output:
	// function | errors | latency
	// execution | 2 | 100
	// portfolio | 1 | 15
	// scanned 4 events
	// query:2:18: unexpected end of query
}
