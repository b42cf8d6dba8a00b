package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// BookableLabs returns the unit's slots with room left that start after the instant, in time order.
func (q Queries) BookableLabs(ctx context.Context, unit string, after time.Time) ([]pairup.LabSlot, error) {
	rows, err := q.q.ListBookableLabs(ctx, dbgen.ListBookableLabsParams{Unit: unit, After: after})
	if err != nil {
		return nil, fmt.Errorf("list bookable labs: %w", err)
	}
	labs := make([]pairup.LabSlot, len(rows))
	for i, r := range rows {
		labs[i] = pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked)}
	}
	return labs, nil
}

// Lab returns one slot of the unit: ErrNoSlot when there is none.
func (q Queries) Lab(ctx context.Context, unit string, id int64) (pairup.LabSlot, error) {
	r, err := q.q.GetLab(ctx, dbgen.GetLabParams{Unit: unit, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.LabSlot{}, pairup.ErrNoSlot
	} else if err != nil {
		return pairup.LabSlot{}, fmt.Errorf("get lab: %w", err)
	}
	return pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked), Forced: int(r.Forced)}, nil
}

// UpsertLab adds the slot, or sets the capacity of the unit's slot in that room at that time:
// EINVALID when the capacity is below its bookings.
func (tx Tx) UpsertLab(ctx context.Context, l pairup.LabSlot) error {
	err := tx.q.UpsertLab(ctx, dbgen.UpsertLabParams{Unit: l.Unit, Room: l.Room, StartsAt: l.StartsAt, Capacity: int32(l.Capacity)})
	if _, c := constraintViolated(err); c == "lab_slots_booked_within_capacity" {
		return pairup.Errorf(pairup.EINVALID, "capacity is below the slot's current bookings")
	} else if err != nil {
		return fmt.Errorf("upsert lab: %w", err)
	}
	return nil
}

// LabAvailability returns whether each of the slots has room left, in time order.
func (q Queries) LabAvailability(ctx context.Context, ids []int64) ([]pairup.LabAvailability, error) {
	rows, err := q.q.LabAvailability(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("lab availability: %w", err)
	}
	out := make([]pairup.LabAvailability, len(rows))
	for i, r := range rows {
		out[i] = pairup.LabAvailability{
			LabSlot:   pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked)},
			Available: r.Available,
		}
	}
	return out, nil
}

// Labs returns every slot of the unit, full or not, in time order.
func (q Queries) Labs(ctx context.Context, unit string) ([]pairup.LabSlot, error) {
	rows, err := q.q.ListLabs(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list labs: %w", err)
	}
	labs := make([]pairup.LabSlot, len(rows))
	for i, r := range rows {
		labs[i] = pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked), Forced: int(r.Forced)}
	}
	return labs, nil
}
