package service

import (
	"cmp"
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pairup/pairup/api/pairup"
)

// MaxRanks is how many slots a team may rank.
const MaxRanks = 10

// UnrankedCost is what placing a team in a slot it did not rank costs the allocation: more
// than any ranked choice, so a ranked slot is always preferred, and every team is still placed
// while places last.
const UnrankedCost = MaxRanks + 1

// AllocTeam is one team to place: its ranking, best first (slot ids; may be empty).
type AllocTeam struct {
	ID    int64
	Ranks []int64
}

// AllocSlot is one slot with the places it has free.
type AllocSlot struct {
	ID   int64
	Free int
}

// Placement is what the allocation gave a team: a slot (Lab 0 for none) and the rank the team
// had given it (0 for a slot it did not rank, or none).
type Placement struct {
	Team int64
	Lab  int64
	Rank int
}

// Cost is what the placement costs: its rank, UnrankedCost for a slot the team did not rank.
// An unplaced team costs nothing; the allocation first places as many teams as it can.
func (p Placement) Cost() int {
	switch {
	case p.Lab == 0:
		return 0
	case p.Rank == 0:
		return UnrankedCost
	}
	return p.Rank
}

// Allocate places the teams in the slots: as many teams as the free places allow, and among
// those assignments one of least total cost (a team's k-th choice costs k, a slot it did not
// rank UnrankedCost). It is a min-cost flow source → team → slot → sink with the slots' free
// places as capacities; a team that ranked nothing (or whose choices are full) reaches every
// slot through one "any slot" node. Ties between equally good assignments are broken by the
// order the seed's draw puts teams and slots in, never by ids or creation times, so the same
// seed and input give the same result and nobody gains by being first. The result has one
// placement per team, in the teams' id order.
func Allocate(teams []AllocTeam, slots []AllocSlot, seed int64) []Placement {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15))
	ts := slices.SortedFunc(slices.Values(teams), func(a, b AllocTeam) int { return cmp.Compare(a.ID, b.ID) })
	ss := slices.SortedFunc(slices.Values(slots), func(a, b AllocSlot) int { return cmp.Compare(a.ID, b.ID) })
	rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	rng.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })

	// Nodes: 0 source, 1 sink, 2 "any slot", then the teams, then the slots.
	const source, sink, anySlot = 0, 1, 2
	teamNode := func(i int) int { return 3 + i }
	slotNode := func(j int) int { return 3 + len(ts) + j }
	g := newFlowGraph(3 + len(ts) + len(ss))
	slotIndex := map[int64]int{}
	for j, s := range ss {
		if s.Free > 0 {
			slotIndex[s.ID] = j
			g.addEdge(slotNode(j), sink, s.Free, 0)
			g.addEdge(anySlot, slotNode(j), len(ts), 0)
		}
	}
	for i, t := range ts {
		g.addEdge(source, teamNode(i), 1, 0)
		for k, lab := range t.Ranks {
			if j, ok := slotIndex[lab]; ok && k < MaxRanks {
				g.addEdge(teamNode(i), slotNode(j), 1, k+1)
			}
		}
		g.addEdge(teamNode(i), anySlot, 1, UnrankedCost)
	}
	g.minCostMaxFlow(source, sink)

	// Read each team's slot off the flow: a direct edge to a slot, or through "any slot".
	slotOfNode := map[int]int64{}
	for j, s := range ss {
		slotOfNode[slotNode(j)] = s.ID
	}
	viaAny := []int64{} // slots reached through "any slot", one entry per unit of flow
	for _, e := range g.adj[anySlot] {
		ed := g.edges[e]
		for range ed.flow {
			viaAny = append(viaAny, slotOfNode[ed.to])
		}
	}
	out := make([]Placement, len(ts))
	var throughAny []int
	for i, t := range ts {
		out[i] = Placement{Team: t.ID}
		for _, e := range g.adj[teamNode(i)] {
			ed := g.edges[e]
			if ed.flow <= 0 {
				continue
			}
			if ed.to == anySlot {
				throughAny = append(throughAny, i)
			} else {
				out[i].Lab = slotOfNode[ed.to]
			}
		}
	}
	// The flow through "any slot" is not tied to teams: hand its slots out in the drawn order.
	for n, i := range throughAny {
		out[i].Lab = viaAny[n]
	}
	for i, t := range ts {
		if k := slices.Index(t.Ranks, out[i].Lab); out[i].Lab != 0 && k >= 0 && k < MaxRanks {
			out[i].Rank = k + 1
		}
	}
	slices.SortFunc(out, func(a, b Placement) int { return cmp.Compare(a.Team, b.Team) })
	return out
}

// Distribution counts the placements by rank, from 1 to longest (at least 1), then a slot the
// team did not rank, then no place; every bucket is listed, empty or not.
func Distribution(ps []Placement, longest int) []pairup.RankCount {
	longest = max(1, min(longest, MaxRanks))
	out := make([]pairup.RankCount, 0, longest+2)
	for r := 1; r <= longest; r++ {
		out = append(out, pairup.RankCount{Rank: r, Placed: true})
	}
	out = append(out, pairup.RankCount{Placed: true}, pairup.RankCount{})
	for _, p := range ps {
		switch {
		case p.Lab == 0:
			out[longest+1].Teams++
		case p.Rank == 0:
			out[longest].Teams++
		default:
			out[p.Rank-1].Teams++
		}
	}
	return out
}

// flowGraph is a residual graph for min-cost flow: edges in pairs (forward, backward).
type flowGraph struct {
	adj   [][]int
	edges []flowEdge
}

type flowEdge struct {
	to, cap, flow, cost int
}

func newFlowGraph(n int) *flowGraph { return &flowGraph{adj: make([][]int, n)} }

func (g *flowGraph) addEdge(from, to, capacity, cost int) {
	g.adj[from] = append(g.adj[from], len(g.edges))
	g.edges = append(g.edges, flowEdge{to: to, cap: capacity, cost: cost})
	g.adj[to] = append(g.adj[to], len(g.edges))
	g.edges = append(g.edges, flowEdge{to: from, cost: -cost})
}

// minCostMaxFlow sends as much flow as it can from s to t, each unit along a cheapest path in
// the residual graph (successive shortest paths, Dijkstra on reduced costs with Johnson
// potentials; every cost starts non-negative). The result is a maximum flow of least cost.
func (g *flowGraph) minCostMaxFlow(s, t int) {
	n := len(g.adj)
	potential := make([]int, n)
	dist := make([]int, n)
	prevEdge := make([]int, n)
	seq := 0
	for {
		for i := range dist {
			dist[i], prevEdge[i] = math.MaxInt, -1
		}
		dist[s] = 0
		pq := &nodeQueue{{node: s}}
		for pq.Len() > 0 {
			cur := heap.Pop(pq).(nodeDist)
			if cur.dist > dist[cur.node] {
				continue
			}
			for _, e := range g.adj[cur.node] {
				ed := g.edges[e]
				if ed.cap-ed.flow <= 0 {
					continue
				}
				nd := cur.dist + ed.cost + potential[cur.node] - potential[ed.to]
				if nd < dist[ed.to] {
					dist[ed.to], prevEdge[ed.to] = nd, e
					seq++
					heap.Push(pq, nodeDist{node: ed.to, dist: nd, seq: seq})
				}
			}
		}
		if dist[t] == math.MaxInt {
			return
		}
		for i := range potential {
			if dist[i] != math.MaxInt {
				potential[i] += dist[i]
			}
		}
		// The bottleneck along the path.
		push := math.MaxInt
		for v := t; v != s; v = g.edges[prevEdge[v]^1].to {
			e := g.edges[prevEdge[v]]
			push = min(push, e.cap-e.flow)
		}
		for v := t; v != s; v = g.edges[prevEdge[v]^1].to {
			g.edges[prevEdge[v]].flow += push
			g.edges[prevEdge[v]^1].flow -= push
		}
	}
}

// nodeQueue is Dijkstra's priority queue: by distance, then by when pushed (so equal
// distances are settled in a fixed order).
type nodeDist struct{ node, dist, seq int }

type nodeQueue []nodeDist

func (q nodeQueue) Len() int { return len(q) }
func (q nodeQueue) Less(i, j int) bool {
	return q[i].dist < q[j].dist || q[i].dist == q[j].dist && q[i].seq < q[j].seq
}
func (q nodeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)   { *q = append(*q, x.(nodeDist)) }
func (q *nodeQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
