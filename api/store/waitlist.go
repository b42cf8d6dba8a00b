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

// Waitlists with holds (00010): every write here runs under the slot's row lock (LockQueueSlot),
// so the offers, acceptances and lapses of one slot take turns, on any instance.

var errNoHold = pairup.FieldErrorf(pairup.ENOTFOUND, "hid", "no such hold: it was taken, passed on or lapsed")

// LockQueueSlot locks the unit's slot until the transaction ends and returns it with its held
// places: ErrNoSlot.
func (tx Tx) LockQueueSlot(ctx context.Context, unit string, id int64) (pairup.QueueSlot, error) {
	r, err := tx.q.LockLabForQueue(ctx, dbgen.LockLabForQueueParams{Unit: unit, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.QueueSlot{}, pairup.ErrNoSlot
	} else if err != nil {
		return pairup.QueueSlot{}, fmt.Errorf("lock slot: %w", err)
	}
	return pairup.QueueSlot{
		LabSlot: pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked), Forced: int(r.Forced)},
		Held:    int(r.Held),
	}, nil
}

// QueueTeam puts the team at the end of the slot's line; ok is false when it is in it already.
func (tx Tx) QueueTeam(ctx context.Context, unit string, lab, pid int64, at time.Time) (ok bool, err error) {
	_, err = tx.q.QueueTeam(ctx, dbgen.QueueTeamParams{Unit: unit, LabID: lab, ProjectID: pid, QueuedAt: at})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("queue team: %w", err)
	}
	return true, nil
}

// LeaveQueue takes the team out of the slot's line; ok is false when it was not in it.
func (tx Tx) LeaveQueue(ctx context.Context, unit string, lab, pid int64) (ok bool, err error) {
	n, err := tx.q.LeaveQueue(ctx, dbgen.LeaveQueueParams{Unit: unit, LabID: lab, ProjectID: pid})
	if err != nil {
		return false, fmt.Errorf("leave queue: %w", err)
	}
	return n > 0, nil
}

// Waitlist returns the unit's places in line and holds (pid 0: every team's).
func (q Queries) Waitlist(ctx context.Context, unit string, pid int64) (pairup.Waitlist, error) {
	entries, err := q.q.ListQueue(ctx, dbgen.ListQueueParams{Unit: unit, ProjectID: pid})
	if err != nil {
		return pairup.Waitlist{}, fmt.Errorf("list queue: %w", err)
	}
	holds, err := q.q.ListHolds(ctx, dbgen.ListHoldsParams{Unit: unit, ProjectID: pid})
	if err != nil {
		return pairup.Waitlist{}, fmt.Errorf("list holds: %w", err)
	}
	w := pairup.Waitlist{Entries: make([]pairup.QueueEntry, len(entries)), Holds: make([]pairup.Hold, len(holds))}
	for i, r := range entries {
		w.Entries[i] = pairup.QueueEntry{
			Lab:       pairup.LabSlot{ID: r.LabID, Unit: unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity)},
			ProjectID: r.ProjectID, Position: int(r.Position), QueuedAt: r.QueuedAt,
		}
	}
	for i, r := range holds {
		w.Holds[i] = pairup.Hold{
			ID: r.ID, Unit: unit, ProjectID: r.ProjectID, OfferedAt: r.OfferedAt, ExpiresAt: r.ExpiresAt,
			Lab: pairup.LabSlot{ID: r.LabID, Unit: unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity)},
		}
	}
	return w, nil
}

func hold(h dbgen.Hold) pairup.Hold {
	return pairup.Hold{ID: h.ID, Unit: h.Unit, Lab: pairup.LabSlot{ID: h.LabID, Unit: h.Unit}, ProjectID: h.ProjectID, OfferedAt: h.OfferedAt, ExpiresAt: h.ExpiresAt}
}

// Hold returns one hold of the unit (its slot by id only): ENOTFOUND.
func (q Queries) Hold(ctx context.Context, unit string, id int64) (pairup.Hold, error) {
	h, err := q.q.GetHold(ctx, dbgen.GetHoldParams{Unit: unit, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Hold{}, errNoHold
	} else if err != nil {
		return pairup.Hold{}, fmt.Errorf("get hold: %w", err)
	}
	return hold(h), nil
}

// How a hold is claimed: only while live (an acceptance), only once lapsed (the sweeper), or
// either way (a decline).
const (
	ClaimLive = iota
	ClaimLapsed
	ClaimAny
)

// ClaimHold takes the hold out of the table, exactly once across every instance: ok is false
// when it is gone already or, for ClaimLive and ClaimLapsed, when it is not in that state at
// now. A released place is not a booking: the forced places the slot no longer needs go back.
func (tx Tx) ClaimHold(ctx context.Context, unit string, id int64, how int, now time.Time) (h pairup.Hold, ok bool, err error) {
	var r dbgen.Hold
	switch how {
	case ClaimLive:
		r, err = tx.q.ClaimLiveHold(ctx, dbgen.ClaimLiveHoldParams{Unit: unit, ID: id, Now: now})
	case ClaimLapsed:
		r, err = tx.q.ClaimLapsedHold(ctx, dbgen.ClaimLapsedHoldParams{Unit: unit, ID: id, Now: now})
	default:
		r, err = tx.q.ClaimHold(ctx, dbgen.ClaimHoldParams{Unit: unit, ID: id})
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Hold{}, false, nil
	} else if err != nil {
		return pairup.Hold{}, false, fmt.Errorf("claim hold: %w", err)
	}
	if how != ClaimLive {
		if err := tx.q.TrimForced(ctx, dbgen.TrimForcedParams{Unit: unit, ID: r.LabID}); err != nil {
			return pairup.Hold{}, false, fmt.Errorf("trim forced places: %w", err)
		}
	}
	return hold(r), true, nil
}

// InLine is a team waiting in a slot's line (the id of its entry).
type InLine struct {
	EntryID, ProjectID int64
}

// NextInLine returns up to n teams first in the slot's line that hold no place now; teams
// booked in the slot meanwhile leave the line first.
func (tx Tx) NextInLine(ctx context.Context, unit string, lab int64, n int) ([]InLine, error) {
	if err := tx.q.DropBookedFromQueue(ctx, dbgen.DropBookedFromQueueParams{Unit: unit, LabID: lab}); err != nil {
		return nil, fmt.Errorf("drop booked teams from the line: %w", err)
	}
	rows, err := tx.q.NextInLine(ctx, dbgen.NextInLineParams{Unit: unit, LabID: lab, N: int32(n)})
	if err != nil {
		return nil, fmt.Errorf("next in line: %w", err)
	}
	out := make([]InLine, len(rows))
	for i, r := range rows {
		out[i] = InLine{EntryID: r.ID, ProjectID: r.ProjectID}
	}
	return out, nil
}

// OfferHold holds a place of the slot for the team in line (its entry leaves the line); ok is
// false when the team holds a place already (offered elsewhere meanwhile), and it stays in line.
func (tx Tx) OfferHold(ctx context.Context, unit string, lab int64, t InLine, now, expires time.Time) (id int64, ok bool, err error) {
	id, err = tx.q.OfferHold(ctx, dbgen.OfferHoldParams{Unit: unit, LabID: lab, ProjectID: t.ProjectID, OfferedAt: now, ExpiresAt: expires})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("offer hold: %w", err)
	}
	if err := tx.q.DeleteQueueEntry(ctx, t.EntryID); err != nil {
		return 0, false, fmt.Errorf("take team out of the line: %w", err)
	}
	return id, true, nil
}

// DueHold is a hold that has lapsed, to release.
type DueHold struct {
	ID, LabID int64
	Unit      string
}

// DueHolds returns up to n holds lapsed at now, oldest first.
func (q Queries) DueHolds(ctx context.Context, now time.Time, n int) ([]DueHold, error) {
	rows, err := q.q.DueHolds(ctx, dbgen.DueHoldsParams{Now: now, N: int32(n)})
	if err != nil {
		return nil, fmt.Errorf("due holds: %w", err)
	}
	out := make([]DueHold, len(rows))
	for i, r := range rows {
		out[i] = DueHold{ID: r.ID, LabID: r.LabID, Unit: r.Unit}
	}
	return out, nil
}

// SlotRef names a slot of a unit.
type SlotRef struct {
	Unit string
	ID   int64
}

// LabsToPromote returns up to n slots (of the unit; "" for every unit) with a free place and a
// line that could be offered at now: in first-come units open then, starting after the guard time.
func (q Queries) LabsToPromote(ctx context.Context, unit string, now time.Time, n int) ([]SlotRef, error) {
	rows, err := q.q.LabsToPromote(ctx, dbgen.LabsToPromoteParams{Unit: unit, Now: now, N: int32(n)})
	if err != nil {
		return nil, fmt.Errorf("slots to promote: %w", err)
	}
	out := make([]SlotRef, len(rows))
	for i, r := range rows {
		out[i] = SlotRef{Unit: r.Unit, ID: r.ID}
	}
	return out, nil
}

// FullLabs returns the unit's slots that are full (held places count) and start after the
// instant, in time order.
func (q Queries) FullLabs(ctx context.Context, unit string, after time.Time) ([]pairup.LabSlot, error) {
	rows, err := q.q.ListFullLabs(ctx, dbgen.ListFullLabsParams{Unit: unit, After: after})
	if err != nil {
		return nil, fmt.Errorf("list full labs: %w", err)
	}
	labs := make([]pairup.LabSlot, len(rows))
	for i, r := range rows {
		labs[i] = pairup.LabSlot{ID: r.ID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked)}
	}
	return labs, nil
}
