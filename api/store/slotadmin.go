package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// SlotsWithTeams returns the unit's slots in time order, each with the teams booked in it (by
// project id): every slot when lab is 0, else that one slot (none when the unit has no such slot).
func (q Queries) SlotsWithTeams(ctx context.Context, unit string, lab int64) ([]pairup.BookedSlot, error) {
	rows, err := q.q.ListSlotsWithTeams(ctx, dbgen.ListSlotsWithTeamsParams{Unit: unit, LabID: lab})
	if err != nil {
		return nil, fmt.Errorf("list slots with teams: %w", err)
	}
	slots := []pairup.BookedSlot{}
	var team pairup.Project // the team being folded, members in the order they joined
	flush := func() {
		if team.ID != 0 {
			s := &slots[len(slots)-1]
			s.Teams = append(s.Teams, pairup.SlotTeam{ProjectID: team.ID, Team: team.Team()})
		}
		team = pairup.Project{}
	}
	for _, r := range rows {
		if k := len(slots); k == 0 || slots[k-1].ID != r.ID {
			flush()
			slots = append(slots, pairup.BookedSlot{
				LabSlot: pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt,
					Capacity: int(r.Capacity), Booked: int(r.Booked), Forced: int(r.Forced)},
				Teams: []pairup.SlotTeam{},
			})
		}
		if r.Pid == nil {
			continue
		}
		if *r.Pid != team.ID {
			flush()
			team.ID = *r.Pid
		}
		if r.Name != nil {
			team.Members = append(team.Members, pairup.Student{Name: *r.Name})
		}
	}
	flush()
	return slots, nil
}

// LockSlot locks the unit's slot until the transaction ends (bookings of it wait) and returns
// it: ErrNoSlot when the unit has no such slot.
func (tx Tx) LockSlot(ctx context.Context, unit string, id int64) (pairup.LabSlot, error) {
	r, err := tx.q.LockSlot(ctx, dbgen.LockSlotParams{Unit: unit, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.LabSlot{}, pairup.ErrNoSlot
	} else if err != nil {
		return pairup.LabSlot{}, fmt.Errorf("lock slot: %w", err)
	}
	return pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt,
		Capacity: int(r.Capacity), Booked: int(r.Booked), Forced: int(r.Forced)}, nil
}

// InsertSlot adds the slot to its unit and returns its id: ErrSlotTaken when the room has a
// slot at that time.
func (tx Tx) InsertSlot(ctx context.Context, l pairup.LabSlot) (int64, error) {
	id, err := tx.q.InsertSlot(ctx, dbgen.InsertSlotParams{Unit: l.Unit, Room: l.Room, StartsAt: l.StartsAt, Capacity: int32(l.Capacity)})
	if err != nil {
		return 0, slotWriteError(err)
	}
	return id, nil
}

// InsertMissingSlots adds those of the slots (their rooms and starts) that the unit does not
// have yet, each with the capacity, and returns how many it added.
func (tx Tx) InsertMissingSlots(ctx context.Context, unit string, slots []pairup.LabSlot, capacity int) (int, error) {
	p := dbgen.InsertMissingSlotsParams{Unit: unit, Capacity: int32(capacity)}
	for _, l := range slots {
		p.Rooms = append(p.Rooms, l.Room)
		p.StartsAt = append(p.StartsAt, l.StartsAt)
	}
	n, err := tx.q.InsertMissingSlots(ctx, p)
	if err != nil {
		return 0, fmt.Errorf("insert missing slots: %w", err)
	}
	return int(n), nil
}

// UpdateSlot sets the slot's room, start and capacity: ErrSlotTaken, ErrSlotFull (the capacity
// is below its bookings).
func (tx Tx) UpdateSlot(ctx context.Context, l pairup.LabSlot) error {
	err := tx.q.UpdateSlot(ctx, dbgen.UpdateSlotParams{Unit: l.Unit, ID: l.ID, Room: l.Room, StartsAt: l.StartsAt, Capacity: int32(l.Capacity)})
	if err != nil {
		return slotWriteError(err)
	}
	return nil
}

// DeleteSlot deletes the unit's slot: ErrNoSlot, ErrSlotBooked (a team is booked in it).
func (tx Tx) DeleteSlot(ctx context.Context, unit string, id int64) error {
	n, err := tx.q.DeleteSlot(ctx, dbgen.DeleteSlotParams{Unit: unit, ID: id})
	if _, c := constraintViolated(err); c == "projects_lab_fkey" {
		return pairup.ErrSlotBooked
	} else if err != nil {
		return fmt.Errorf("delete slot: %w", err)
	}
	if n == 0 {
		return pairup.ErrNoSlot
	}
	return nil
}

// slotWriteError maps a failed write of a slot's row.
func slotWriteError(err error) error {
	switch _, c := constraintViolated(err); c {
	case "lab_slots_room_starts_at_key":
		return pairup.ErrSlotTaken
	case "lab_slots_booked_within_capacity":
		return pairup.ErrSlotFull
	}
	return fmt.Errorf("write slot: %w", err)
}

// TeamContacts returns every team of the unit in slot time order, with its members' e-mail
// addresses.
func (q Queries) TeamContacts(ctx context.Context, unit string) ([]pairup.TeamContacts, error) {
	rows, err := q.q.ListTeamExportRows(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list team contacts: %w", err)
	}
	teams := []pairup.TeamContacts{}
	for _, r := range rows {
		if k := len(teams); k == 0 || teams[k-1].ID != r.Pid {
			teams = append(teams, pairup.TeamContacts{Project: pairup.Project{
				ID: r.Pid, Unit: unit, Description: r.Description,
				Lab: pairup.LabSlot{ID: r.LabID, Unit: unit, Room: r.Room, StartsAt: r.StartsAt},
			}})
		}
		t := &teams[len(teams)-1]
		t.Members = append(t.Members, pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.RoleStudent})
		t.Emails = append(t.Emails, deref(r.Email))
	}
	return teams, nil
}
