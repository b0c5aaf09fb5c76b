package loadtest

import (
	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/topology"
)

// queueing summarizes what reserved concurrency did to each function of
// top that reserves some or was throttled, in template order.
func queueing(bus *emulator.EventBridge, top *topology.Topology) []Queueing {
	var out []Queueing
	for _, f := range top.OrderedFunctions() {
		q := bus.Queueing(f.LogicalID)
		if q.Reserved < 0 && q.Throttles == 0 {
			continue
		}
		h := newHistogram()
		queued := 0
		for _, d := range q.Queued {
			h.record(d)
			if d > 0 {
				queued++
			}
		}
		out = append(out, Queueing{Function: topology.FunctionName(f.LogicalID), ReservedConcurrency: q.Reserved,
			Throttles: q.Throttles, Invocations: len(q.Queued), Queued: queued, QueuedMs: h.summary(),
			Expired: q.Expired, Peak: q.Peak})
	}
	return out
}
