package service

import (
	"context"
	"errors"
	"reflect"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// The coordinators' slot admin. Coordinators may add, move, resize and delete any slot of a live
// unit, started or not and into the past too: they fix data, and the times are theirs to choose.
// What bookings forbid (deleting a booked slot, a capacity below its bookings) is checked under
// the slot's row lock, with the database's capacity CHECK and reference as the final guard.
// Every change writes one audit entry and tells the unit's clients to refetch.

// Slots returns every slot of the unit, full or not, started or not, in time order, with the
// teams booked in it: EFORBIDDEN.
func (s *Service) Slots(ctx context.Context, acc Access) ([]pairup.BookedSlot, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	return s.st.SlotsWithTeams(ctx, acc.Unit.Code, 0)
}

// PreviewSession returns the slots the session would make, marking those the unit has already
// (an existing slot keeps its own capacity); it changes nothing. EFORBIDDEN, EINVALID naming the
// field, ECONFLICT (archived).
func (s *Service) PreviewSession(ctx context.Context, acc Access, spec pairup.SessionSpec) ([]pairup.PlannedSlot, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	if err := checkLive(acc.Unit); err != nil {
		return nil, err
	}
	planned, err := spec.Slots()
	if err != nil {
		return nil, err
	}
	existing, err := s.st.Labs(ctx, acc.Unit.Code)
	if err != nil {
		return nil, err
	}
	type key struct {
		room  string
		start int64
	}
	have := make(map[key]pairup.LabSlot, len(existing))
	for _, l := range existing {
		have[key{l.Room, l.StartsAt.Unix()}] = l
	}
	out := make([]pairup.PlannedSlot, len(planned))
	for i, l := range planned {
		l.Unit = acc.Unit.Code
		if e, ok := have[key{l.Room, l.StartsAt.Unix()}]; ok {
			out[i] = pairup.PlannedSlot{LabSlot: e, Exists: true}
			continue
		}
		out[i] = pairup.PlannedSlot{LabSlot: l}
	}
	return out, nil
}

// GenerateSession adds the session's slots that the unit does not have yet, in one transaction,
// and returns every slot of the unit. Existing slots stay as they are, so generating twice adds
// nothing the second time (and records nothing). One labs.imported entry records the session.
// EFORBIDDEN, EINVALID naming the field, ECONFLICT (archived).
func (s *Service) GenerateSession(ctx context.Context, acc Access, spec pairup.SessionSpec) ([]pairup.BookedSlot, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	if err := checkLive(acc.Unit); err != nil {
		return nil, err
	}
	planned, err := spec.Slots()
	if err != nil {
		return nil, err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.liveUnit(ctx, tx, acc)
		if err != nil {
			return err
		}
		added, err := tx.InsertMissingSlots(ctx, u.Code, planned, planned[0].Capacity)
		if err != nil || added == 0 {
			return err // nothing new: nothing to record or tell
		}
		entry := s.audit(acc, pairup.AuditLabsImported)
		entry.Details = map[string]any{
			"rows": added, "existing": len(planned) - added, "source": "session",
			"rooms": spec.Rooms, "date": spec.Date, "start": spec.Start, "end": spec.End,
			"slot_minutes": spec.SlotMinutes, "capacity": planned[0].Capacity,
		}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
	if err != nil {
		return nil, err
	}
	return s.st.SlotsWithTeams(ctx, acc.Unit.Code, 0)
}

// CreateSlot adds one slot: EFORBIDDEN, EINVALID naming the field, ECONFLICT naming room and
// starts_at when the room has a slot at that time (or the unit is archived).
func (s *Service) CreateSlot(ctx context.Context, acc Access, n pairup.NewSlot) (pairup.BookedSlot, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.BookedSlot{}, err
	}
	if err := checkLive(acc.Unit); err != nil {
		return pairup.BookedSlot{}, err
	}
	l, err := n.Slot()
	if err != nil {
		return pairup.BookedSlot{}, err
	}
	var id int64
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.liveUnit(ctx, tx, acc)
		if err != nil {
			return err
		}
		l.Unit = u.Code
		if id, err = tx.InsertSlot(ctx, l); errors.Is(err, pairup.ErrSlotTaken) {
			return slotTaken(l, "room", "starts_at")
		} else if err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditSlotCreated)
		entry.LabID = id
		entry.Details = slotDetails(l)
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
	if err != nil {
		return pairup.BookedSlot{}, err
	}
	return s.bookedSlot(ctx, acc, id)
}

// UpdateSlot changes a slot's room, start or capacity. A booked slot may move (its teams move
// with it) but not shrink below its bookings. EFORBIDDEN, ENOTFOUND, EINVALID naming the field,
// ECONFLICT naming the field (the room has a slot at that time; capacity below the bookings,
// naming the teams booked; archived).
func (s *Service) UpdateSlot(ctx context.Context, acc Access, id int64, p pairup.SlotPatch) (pairup.BookedSlot, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.BookedSlot{}, err
	}
	if err := checkLive(acc.Unit); err != nil {
		return pairup.BookedSlot{}, err
	}
	if _, err := p.Apply(pairup.LabSlot{}); err != nil {
		return pairup.BookedSlot{}, err // bad input is refused before anything is read
	}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.lockSlot(ctx, tx, acc, id)
		if err != nil {
			return err
		}
		after, err := p.Apply(before.LabSlot)
		if err != nil {
			return err
		}
		if reflect.DeepEqual(slotDetails(before.LabSlot), slotDetails(after)) {
			return nil // nothing changes: nothing to record or tell
		}
		if after.Capacity < before.MinCapacity() {
			return pairup.FieldErrorf(pairup.ECONFLICT, "capacity", "booked by %s: the capacity cannot go below %d",
				before.TeamsText(), before.MinCapacity())
		}
		switch err := tx.UpdateSlot(ctx, after); {
		case errors.Is(err, pairup.ErrSlotTaken):
			var fields []string
			if p.Room != nil {
				fields = append(fields, "room")
			}
			if p.StartsAt != nil {
				fields = append(fields, "starts_at")
			}
			return slotTaken(after, fields...)
		case errors.Is(err, pairup.ErrSlotFull):
			return pairup.FieldErrorf(pairup.ECONFLICT, "capacity", "booked by %s: the capacity cannot go below %d",
				before.TeamsText(), before.MinCapacity())
		case err != nil:
			return err
		}
		entry := s.audit(acc, pairup.AuditSlotUpdated)
		entry.LabID = id
		entry.Details = map[string]any{"before": slotDetails(before.LabSlot), "after": slotDetails(after)}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		if err := s.placesFreed(ctx, tx, acc, u, id); err != nil { // a capacity raised: waitlist.go
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
	if err != nil {
		return pairup.BookedSlot{}, err
	}
	return s.bookedSlot(ctx, acc, id)
}

// DeleteSlot deletes a slot that no team is booked in: EFORBIDDEN, ENOTFOUND, ECONFLICT naming
// lab_id and the teams booked (move or dissolve them first), or archived.
func (s *Service) DeleteSlot(ctx context.Context, acc Access, id int64) error {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return err
	}
	if err := checkLive(acc.Unit); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.lockSlot(ctx, tx, acc, id)
		if err != nil {
			return err
		}
		if len(before.Teams) > 0 {
			return bookedError(before)
		}
		if err := tx.DeleteSlot(ctx, u.Code, id); errors.Is(err, pairup.ErrSlotBooked) {
			// The lock keeps bookings out, so only a booking the lock did not see gets here.
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "teams are booked in this slot; move or dissolve them first")
		} else if err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditSlotDeleted)
		entry.LabID = id
		entry.Details = slotDetails(before.LabSlot)
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
}

// liveUnit share-locks the unit for the transaction (it cannot be archived meanwhile) and
// refuses an archived one.
func (s *Service) liveUnit(ctx context.Context, tx *store.Tx, acc Access) (pairup.Unit, error) {
	u, err := tx.UnitForShare(ctx, acc.Unit.Code)
	if err != nil {
		return pairup.Unit{}, err
	}
	return u, checkLive(u)
}

// lockSlot begins every change to an existing slot: the unit live and share-locked, the slot's
// row locked (bookings of it wait until the transaction ends) and read with its teams.
func (s *Service) lockSlot(ctx context.Context, tx *store.Tx, acc Access, id int64) (pairup.Unit, pairup.BookedSlot, error) {
	u, err := s.liveUnit(ctx, tx, acc)
	if err != nil {
		return pairup.Unit{}, pairup.BookedSlot{}, err
	}
	if _, err := tx.LockSlot(ctx, u.Code, id); errors.Is(err, pairup.ErrNoSlot) {
		return pairup.Unit{}, pairup.BookedSlot{}, noSlot()
	} else if err != nil {
		return pairup.Unit{}, pairup.BookedSlot{}, err
	}
	slots, err := tx.SlotsWithTeams(ctx, u.Code, id)
	if err != nil {
		return pairup.Unit{}, pairup.BookedSlot{}, err
	}
	if len(slots) != 1 {
		return pairup.Unit{}, pairup.BookedSlot{}, noSlot()
	}
	return u, slots[0], nil
}

// bookedSlot reads one slot of the unit with its teams: ENOTFOUND.
func (s *Service) bookedSlot(ctx context.Context, acc Access, id int64) (pairup.BookedSlot, error) {
	slots, err := s.st.SlotsWithTeams(ctx, acc.Unit.Code, id)
	if err != nil {
		return pairup.BookedSlot{}, err
	}
	if len(slots) != 1 {
		return pairup.BookedSlot{}, noSlot() // deleted meanwhile
	}
	return slots[0], nil
}

func noSlot() error {
	return pairup.FieldErrorf(pairup.ENOTFOUND, "lab", "the unit has no such lab slot")
}

// bookedError refuses a change the slot's teams forbid, naming them.
func bookedError(b pairup.BookedSlot) error {
	return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "booked by %s; move or dissolve them first", b.TeamsText())
}

// slotTaken is the conflict of a room that has a slot at that time already, naming the fields.
func slotTaken(l pairup.LabSlot, fields ...string) error {
	msg := l.Room + " has a slot at " + l.StartsAt.Format(pairup.LabTimeLayout) + " already"
	e := &pairup.Error{Code: pairup.ECONFLICT, Message: msg}
	for _, f := range fields {
		e.Fields = append(e.Fields, pairup.FieldError{Field: f, Message: msg})
	}
	return e
}

func slotDetails(l pairup.LabSlot) map[string]any {
	return map[string]any{"room": l.Room, "starts_at": l.StartsAt.Format(pairup.LabTimeLayout), "capacity": l.Capacity}
}
