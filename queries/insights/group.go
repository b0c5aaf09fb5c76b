package insights

import "strings"

// grouper runs one stats command.
type grouper struct {
	st     statsCmd
	calls  []call // every aggregate call of the command, by first appearance
	groups map[string]*group
	order  []string
}

type group struct {
	keys []value
	accs []*acc
	// a representative record for the group keys' values
}

func newGrouper(st statsCmd) *grouper {
	g := &grouper{st: st, groups: map[string]*group{}}
	seen := map[string]bool{}
	var walk func(x expr)
	walk = func(x expr) {
		switch e := x.(type) {
		case call:
			if isAggregate(e.name) {
				if !seen[e.src] {
					seen[e.src] = true
					g.calls = append(g.calls, e)
				}
				return
			}
			for _, a := range e.args {
				walk(a)
			}
		case binary:
			walk(e.l)
			walk(e.r)
		case unary:
			walk(e.x)
		}
	}
	for _, a := range st.aggs {
		walk(a.x)
	}
	return g
}

func (g *grouper) add(r *record) {
	keys := make([]value, len(g.st.groups))
	var b strings.Builder
	for i, p := range g.st.groups {
		keys[i] = eval(p.x, r)
		b.WriteString(keys[i].String())
		b.WriteByte(0)
		b.WriteByte(byte(keys[i].k))
	}
	k := b.String()
	gr, ok := g.groups[k]
	if !ok {
		gr = &group{keys: keys}
		for _, c := range g.calls {
			gr.accs = append(gr.accs, &acc{c: c})
		}
		g.groups[k] = gr
		g.order = append(g.order, k)
	}
	for _, a := range gr.accs {
		a.add(r)
	}
}

// records are the command's output: one per group, its group fields and
// aggregates, ordered by group values ascending (a decision: CloudWatch
// does not document the order of stats results).
func (g *grouper) records() []*record {
	if len(g.order) == 0 && len(g.st.groups) == 0 { // stats over nothing still gives one row
		g.order = append(g.order, "")
		gr := &group{}
		for _, c := range g.calls {
			gr.accs = append(gr.accs, &acc{c: c})
		}
		g.groups[""] = gr
	}
	out := make([]*record, 0, len(g.order))
	for _, k := range g.order {
		gr := g.groups[k]
		r := &record{own: map[string]value{}, aggs: map[string]value{}}
		for i, a := range gr.accs {
			r.aggs[g.calls[i].src] = a.result()
		}
		for i, p := range g.st.groups {
			r.own[p.name] = gr.keys[i]
		}
		for _, a := range g.st.aggs {
			r.own[a.name] = eval(a.x, r)
		}
		out = append(out, r)
	}
	keys := make([]sortKey, len(g.st.groups))
	for i, p := range g.st.groups {
		keys[i] = sortKey{x: fieldRef{p.name}}
	}
	sortRecords(out, keys)
	return out
}
