package wire

import (
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// QueueEntry is a team's place in a slot's line.
func QueueEntry(e pairup.QueueEntry) oapigen.QueueEntry {
	return oapigen.QueueEntry{
		LabId: e.Lab.ID, Lab: e.Lab.Label(), Room: e.Lab.Room, StartsAt: e.Lab.StartsAt.Format(pairup.LabTimeLayout),
		Pid: e.ProjectID, Position: e.Position, QueuedAt: e.QueuedAt.UTC(),
	}
}

// Hold is a place held for a team.
func Hold(h pairup.Hold) oapigen.Hold {
	return oapigen.Hold{
		Id: h.ID, LabId: h.Lab.ID, Lab: h.Lab.Label(), Room: h.Lab.Room, StartsAt: h.Lab.StartsAt.Format(pairup.LabTimeLayout),
		Pid: h.ProjectID, OfferedAt: h.OfferedAt.UTC(), ExpiresAt: h.ExpiresAt.UTC(),
	}
}

// Waitlist is GET /api/units/{unit}/queue's answer.
func Waitlist(w pairup.Waitlist) oapigen.Waitlist {
	out := oapigen.Waitlist{
		Entries: make([]oapigen.QueueEntry, len(w.Entries)), Holds: make([]oapigen.Hold, len(w.Holds)), Full: make([]oapigen.Lab, len(w.Full)),
	}
	for i, l := range w.Full {
		out.Full[i] = Lab(l)
	}
	for i, e := range w.Entries {
		out.Entries[i] = QueueEntry(e)
	}
	for i, h := range w.Holds {
		out.Holds[i] = Hold(h)
	}
	return out
}
