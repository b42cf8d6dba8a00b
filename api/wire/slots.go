package wire

import (
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// Slot is a slot as the console lists it: with its bookings, forced places and teams.
func Slot(b pairup.BookedSlot) oapigen.Slot {
	teams := make([]oapigen.SlotTeam, len(b.Teams))
	for i, t := range b.Teams {
		teams[i] = oapigen.SlotTeam{Pid: t.ProjectID, Team: t.Team}
	}
	return oapigen.Slot{
		LabId: b.ID, Unit: b.Unit, Lab: b.Label(), Room: b.Room, StartsAt: b.StartsAt.Format(pairup.LabTimeLayout),
		Capacity: b.Capacity, Booked: b.Booked, Forced: b.Forced, Teams: teams,
	}
}

// SlotList is every slot of a unit, in time order.
func SlotList(slots []pairup.BookedSlot) oapigen.SlotList {
	out := oapigen.SlotList{Slots: make([]oapigen.Slot, len(slots))}
	for i, b := range slots {
		out.Slots[i] = Slot(b)
	}
	return out
}

// SessionPlan is the slots a session would make.
func SessionPlan(planned []pairup.PlannedSlot) oapigen.SessionPlan {
	out := oapigen.SessionPlan{Slots: make([]oapigen.PlannedSlot, len(planned))}
	for i, p := range planned {
		out.Slots[i] = oapigen.PlannedSlot{
			Room: p.Room, StartsAt: p.StartsAt.Format(pairup.LabTimeLayout), Capacity: p.Capacity, Exists: p.Exists,
		}
	}
	return out
}
