package service

// Metrics hears of the use cases' outcomes, for monitoring (api/metrics implements it). Booked
// is called after the transaction committed, never inside it; it must return at once.
type Metrics interface {
	// Booked counts n teams that got a lab slot: kind is one of the Booked* constants.
	Booked(kind string, n int)
}

// Kinds of booking, as Metrics hears of them.
const (
	BookedCreate     = "create"     // a team created with a slot
	BookedChange     = "change"     // a team moved itself to another slot, or booked its first
	BookedMove       = "move"       // a coordinator moved a team
	BookedHold       = "hold"       // a team took the place held for it (waitlist)
	BookedAllocation = "allocation" // the ranked allocation placed teams
)

// SetMetrics makes the service report to m; nil reports to no one. Call it before serving.
func (s *Service) SetMetrics(m Metrics) { s.metrics = m }

// booked reports n bookings of the kind, if anyone listens.
func (s *Service) booked(kind string, n int) {
	if s.metrics != nil && n > 0 {
		s.metrics.Booked(kind, n)
	}
}

// boolCount is 1 for true, 0 for false.
func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bookedTeams counts the allocation's teams that got a slot.
func bookedTeams(a Allocation) int {
	n := 0
	for _, t := range a.Teams {
		if t.Lab.ID != 0 {
			n++
		}
	}
	return n
}
