package store

import (
	"context"
	"fmt"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// ImportRoster upserts every student by number in one transaction: all or nothing.
func (s *Store) ImportRoster(ctx context.Context, entries []pairup.RosterEntry) error {
	return s.inTx(ctx, func(q *dbgen.Queries) error {
		for _, e := range entries {
			err := q.UpsertStudent(ctx, dbgen.UpsertStudentParams{
				StudentNumber: e.Student.Number,
				Name:          e.Student.Name,
				PinHash:       e.PINHash,
				Role:          string(e.Student.Role),
			})
			if err != nil {
				return lineError(e.Line, err)
			}
		}
		// Names may have changed: open clients refetch once the import commits.
		return notify(ctx, q, pairup.Event{Kind: pairup.EventResync})
	})
}

// ImportSlots upserts every lab slot by room and start in one transaction: all or nothing. A
// capacity below the slot's current bookings is refused.
func (s *Store) ImportSlots(ctx context.Context, entries []pairup.SlotEntry) error {
	return s.inTx(ctx, func(q *dbgen.Queries) error {
		for _, e := range entries {
			err := q.UpsertLab(ctx, dbgen.UpsertLabParams{
				Room:     e.Slot.Room,
				StartsAt: e.Slot.StartsAt,
				Capacity: int32(e.Slot.Capacity),
			})
			if err != nil {
				return lineError(e.Line, err)
			}
		}
		// Slots may have appeared or grown: open pickers refetch once the import commits.
		return notify(ctx, q, pairup.Event{Kind: pairup.EventResync})
	})
}

func lineError(line int, err error) error {
	switch _, constraint := constraintViolated(err); constraint {
	case "":
		return fmt.Errorf("line %d: %w", line, err)
	case "lab_slots_booked_within_capacity":
		return pairup.Errorf(pairup.EINVALID, "line %d: capacity is below the slot's current bookings", line)
	case "students_admin_not_member":
		return pairup.Errorf(pairup.EINVALID, "line %d: the student is in a team and cannot become an admin", line)
	default:
		return pairup.Errorf(pairup.EINVALID, "line %d: breaks the database rule %s", line, constraint)
	}
}
