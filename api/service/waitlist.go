package service

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// Waitlists with holds (issue 10, section 5). A team queues for a full slot. When a place frees,
// in the transaction that frees it (placesFreed) or, for anything else, in the sweeper
// (SweepHolds) that every instance runs, the first team in line gets a hold on it for the
// unit's hold_minutes: the held place counts against the slot's capacity in the database, so
// nobody else can book it. Accepting moves the team there, which frees its old place in turn;
// declining or letting the hold lapse passes the place on. Every change of a slot's line and
// holds runs under the slot's row lock, and a hold leaves the table by one conditional DELETE,
// so each hold is accepted, declined or lapsed exactly once, whichever instance gets there first.

// Sweeper is the actor of the sweeper's changes in the audit log.
var Sweeper = Actor{CLI: true, Person: pairup.Person{Name: "Pair-Up waitlist"}}

// maxSweep is how many lapsed holds, and slots with a free place and a line, one sweep handles.
const maxSweep = 200

func notInTeam() error {
	return pairup.Errorf(pairup.ECONFLICT, "you have no team yet: form or join one, then queue for a slot")
}

// JoinQueue puts the caller's team at the end of a full slot's line (its members, within the
// window and the guard time): EFORBIDDEN (not a student), ENOTFOUND (no such slot), ECONFLICT
// (no team, a team below team_min, the slot has room, the team is booked there, in its line or
// holds a place there already, the window, the guard).
func (s *Service) JoinQueue(ctx context.Context, acc Access, labID int64) (pairup.QueueEntry, error) {
	if acc.Actor.CLI || acc.Role != pairup.RoleStudent {
		return pairup.QueueEntry{}, pairup.Errorf(pairup.EFORBIDDEN, "only a team's members queue for a slot")
	}
	var entry pairup.QueueEntry
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		pid, err := tx.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
		if pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return notInTeam()
		} else if err != nil {
			return err
		}
		u, team, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		if u.Policy.Booking == pairup.BookingRanked {
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab", "slots are allocated in this unit: rank them instead")
		}
		if len(team.Members) < u.Policy.TeamMin {
			return pairup.Errorf(pairup.ECONFLICT, "a team books a slot with %s; yours has %d", sizeText(u.Policy), len(team.Members))
		}
		lab, err := tx.LockQueueSlot(ctx, u.Code, labID)
		if errors.Is(err, pairup.ErrNoSlot) {
			return pairup.FieldErrorf(pairup.ENOTFOUND, "lab", "no such lab slot")
		} else if err != nil {
			return err
		}
		if team.Lab.ID == labID {
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab", "your team is booked in that slot already")
		}
		if err := s.checkBookable(acc, u, lab.LabSlot); err != nil {
			return renameField(err, "lab_id", "lab") // the path names the slot
		}
		if lab.Free() > 0 {
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab", "that slot has room: book it instead")
		}
		mine, err := tx.Waitlist(ctx, u.Code, pid)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(mine.Holds, func(h pairup.Hold) bool { return h.Lab.ID == labID }) {
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab", "a place in that slot is held for your team: take it")
		}
		ok, err := tx.QueueTeam(ctx, u.Code, labID, pid, s.now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab", "your team is in that slot's line already")
		}
		if mine, err = tx.Waitlist(ctx, u.Code, pid); err != nil {
			return err
		}
		for _, e := range mine.Entries {
			if e.Lab.ID == labID {
				entry = e
			}
		}
		audit := s.audit(acc, pairup.AuditQueueJoined)
		audit.ProjectID, audit.LabID, audit.Student = pid, labID, acc.Actor.Person.Number
		audit.Details = map[string]any{"position": entry.Position}
		if err := tx.Audit(ctx, audit); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid})
	})
	return entry, err
}

// LeaveQueue takes the caller's team out of the slot's line (its members): EFORBIDDEN,
// ENOTFOUND (not in that line), ECONFLICT (archived, no team).
func (s *Service) LeaveQueue(ctx context.Context, acc Access, labID int64) error {
	if acc.Actor.CLI || acc.Role != pairup.RoleStudent {
		return pairup.Errorf(pairup.EFORBIDDEN, "only a team's members take it out of a slot's line")
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		pid, err := tx.ProjectIDOf(ctx, u.Code, acc.Actor.Person.Number)
		if pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return notInTeam()
		} else if err != nil {
			return err
		}
		if _, err := tx.LockQueueSlot(ctx, u.Code, labID); errors.Is(err, pairup.ErrNoSlot) {
			return pairup.FieldErrorf(pairup.ENOTFOUND, "lab", "no such lab slot")
		} else if err != nil {
			return err
		}
		ok, err := tx.LeaveQueue(ctx, u.Code, labID, pid)
		if err != nil {
			return err
		}
		if !ok {
			return pairup.FieldErrorf(pairup.ENOTFOUND, "lab", "your team is not in that slot's line")
		}
		audit := s.audit(acc, pairup.AuditQueueLeft)
		audit.ProjectID, audit.LabID, audit.Student = pid, labID, acc.Actor.Person.Number
		if err := tx.Audit(ctx, audit); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid})
	})
}

// Waitlist returns the caller's team's places in line and its hold (empty without a team), or
// for a coordinator every line and hold of the unit, and the slots full now that the caller could
// still book (a team may queue for them).
func (s *Service) Waitlist(ctx context.Context, acc Access) (pairup.Waitlist, error) {
	var pid int64 // 0: every team's
	if !acc.Coordinates() {
		var err error
		pid, err = s.st.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
		if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return pairup.Waitlist{}, err
		}
		if err != nil {
			pid = -1 // no team: no lines, no holds
		}
	}
	w, err := s.st.Waitlist(ctx, acc.Unit.Code, pid)
	if err != nil {
		return pairup.Waitlist{}, err
	}
	w.Full, err = s.st.FullLabs(ctx, acc.Unit.Code, s.earliestBookable(acc, acc.Unit))
	return w, err
}

// holdFor finds the hold and checks that the actor may take or pass it: a member of its team,
// or a coordinator. EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) holdFor(ctx context.Context, tx *store.Tx, acc Access, hid int64) (pairup.Hold, error) {
	if hid < 1 {
		return pairup.Hold{}, pairup.FieldErrorf(pairup.EINVALID, "hid", "must be a hold id: a positive integer")
	}
	h, err := tx.Hold(ctx, acc.Unit.Code, hid)
	if err != nil {
		return pairup.Hold{}, err
	}
	if acc.Coordinates() {
		return h, nil
	}
	pid, err := tx.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
	if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
		return pairup.Hold{}, err
	}
	if err != nil || pid != h.ProjectID {
		return pairup.Hold{}, pairup.Errorf(pairup.EFORBIDDEN, "only the team the place is held for may take it or pass it on")
	}
	return h, nil
}

// AcceptHold moves the hold's team into the held place, which becomes its booking at once; the
// place it leaves goes to the first team in that slot's line, in the same transaction. A hold
// that has lapsed is released here (passed on) and refused. EINVALID, EFORBIDDEN, ENOTFOUND,
// ECONFLICT (lapsed, a team below team_min, the window, the guard).
func (s *Service) AcceptHold(ctx context.Context, acc Access, hid int64) (pairup.Project, error) {
	var (
		moved  pairup.Project
		lapsed *pairup.Hold
	)
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		moved, lapsed = pairup.Project{}, nil
		h, err := s.holdFor(ctx, tx, acc, hid)
		if err != nil {
			return err
		}
		u, before, err := s.changeTeam(ctx, tx, acc, h.ProjectID)
		if err != nil {
			return err
		}
		lab, err := tx.LockQueueSlot(ctx, u.Code, h.Lab.ID)
		if err != nil {
			return err
		}
		now := s.now()
		taken, ok, err := tx.ClaimHold(ctx, u.Code, hid, store.ClaimLive, now)
		if err != nil {
			return err
		}
		if !ok {
			got, ok, err := tx.ClaimHold(ctx, u.Code, hid, store.ClaimLapsed, now)
			if err != nil {
				return err
			}
			if !ok {
				return pairup.FieldErrorf(pairup.ECONFLICT, "hid", "the hold is gone: it was taken, passed on or lapsed")
			}
			lapsed = &got
			return s.holdLapsed(ctx, tx, acc, u, got, lab.LabSlot)
		}
		if err := s.checkBookable(acc, u, lab.LabSlot); err != nil {
			return err
		}
		if len(before.Members) < u.Policy.TeamMin {
			return pairup.Errorf(pairup.ECONFLICT, "a team books a slot with %s; yours has %d", sizeText(u.Policy), len(before.Members))
		}
		// The hold is gone, so its place is free for this one booking; the slot stays locked.
		if err := tx.UpdateProject(ctx, u.Code, taken.ProjectID, before.Description, lab.ID); err != nil {
			return slotFieldError(err)
		}
		if _, err := tx.LeaveQueue(ctx, u.Code, lab.ID, taken.ProjectID); err != nil {
			return err
		}
		if moved, err = tx.Project(ctx, taken.ProjectID); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditHoldAccepted)
		entry.ProjectID, entry.LabID = taken.ProjectID, lab.ID
		if !acc.Coordinates() {
			entry.Student = acc.Actor.Person.Number
		}
		entry.Details = map[string]any{"hold": hid, "from": before.Lab.ID, "to": lab.ID}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		if err := s.placesFreed(ctx, tx, acc, u, before.Lab.ID); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: taken.ProjectID, LabIDs: nonZeroIDs(before.Lab.ID, lab.ID)})
	})
	if err == nil && lapsed != nil {
		return pairup.Project{}, pairup.FieldErrorf(pairup.ECONFLICT, "hid", "the hold lapsed at %s; the place passed to the next team in line",
			lapsed.ExpiresAt.In(acc.Unit.Location()).Format("15:04"))
	}
	if err == nil {
		s.booked(BookedHold, 1)
	}
	return moved, err
}

// DeclineHold passes the held place on to the next team in line; the team leaves that slot's
// line. EINVALID, EFORBIDDEN, ENOTFOUND (gone already), ECONFLICT (archived).
func (s *Service) DeclineHold(ctx context.Context, acc Access, hid int64) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		h, err := s.holdFor(ctx, tx, acc, hid)
		if err != nil {
			return err
		}
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		if _, err := tx.LockQueueSlot(ctx, u.Code, h.Lab.ID); err != nil {
			return err
		}
		got, ok, err := tx.ClaimHold(ctx, u.Code, hid, store.ClaimAny, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return pairup.FieldErrorf(pairup.ENOTFOUND, "hid", "no such hold: it was taken, passed on or lapsed")
		}
		entry := s.audit(acc, pairup.AuditHoldDeclined)
		entry.ProjectID, entry.LabID = got.ProjectID, got.Lab.ID
		if !acc.Coordinates() {
			entry.Student = acc.Actor.Person.Number
		}
		entry.Details = map[string]any{"hold": hid}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		if err := s.placesFreed(ctx, tx, acc, u, got.Lab.ID); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: got.ProjectID, LabIDs: []int64{got.Lab.ID}})
	})
}

// holdLapsed records a hold released after it lapsed (claimed already, its slot locked),
// tells its team, and passes the place on.
func (s *Service) holdLapsed(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, h pairup.Hold, lab pairup.LabSlot) error {
	entry := s.audit(acc, pairup.AuditHoldLapsed)
	entry.ProjectID, entry.LabID = h.ProjectID, lab.ID
	entry.Details = map[string]any{"hold": h.ID, "expired_at": h.ExpiresAt.UTC()}
	if err := tx.Audit(ctx, entry); err != nil {
		return err
	}
	team, err := tx.Project(ctx, h.ProjectID)
	if err != nil {
		return err
	}
	text := "The place held for your team in " + lab.Label() + " lapsed at " + clock(u, h.ExpiresAt) + " and passed to the next team in line."
	if err := s.notice(ctx, tx, u, pairup.NoticeHoldLapsed, text, map[string]any{"hold": h.ID, "lab_id": lab.ID, "pid": h.ProjectID}, memberNumbers(team)...); err != nil {
		return err
	}
	if err := s.placesFreed(ctx, tx, acc, u, lab.ID); err != nil {
		return err
	}
	return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: h.ProjectID, LabIDs: []int64{lab.ID}})
}

// placesFreed offers the places that a change in this transaction freed: in each of the slots
// (0s ignored) and in every other slot of the unit with a free place and a line (a hold gone
// with its team), the first teams in line get holds. Call it in every use case that frees a
// place, after the change.
func (s *Service) placesFreed(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, labIDs ...int64) error {
	more, err := tx.LabsToPromote(ctx, u.Code, s.now(), maxSweep)
	if err != nil {
		return err
	}
	ids := nonZeroIDs(labIDs...)
	for _, r := range more {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids) // one lock order for every transaction
	for _, id := range slices.Compact(ids) {
		if err := s.promote(ctx, tx, acc, u, id); err != nil {
			return err
		}
	}
	return nil
}

// promote gives the slot's free places, under its row lock, to the first teams in its line
// that hold no place now, while sign-up is open and the slot can still be booked by students.
func (s *Service) promote(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, labID int64) error {
	now := s.now()
	if u.Archived() || u.Policy.Phase(now) != pairup.PhaseOpen || u.Policy.Booking == pairup.BookingRanked {
		return nil // holds are a first-come unit's, while sign-up is open
	}
	lab, err := tx.LockQueueSlot(ctx, u.Code, labID)
	if errors.Is(err, pairup.ErrNoSlot) {
		return nil
	} else if err != nil {
		return err
	}
	bookableUntil := u.SlotStart(lab.LabSlot).Add(-u.Policy.Guard())
	if !bookableUntil.After(now) {
		return nil
	}
	expires := now.Add(u.Policy.HoldTTL())
	if expires.After(bookableUntil) {
		expires = bookableUntil
	}
	if c := u.Policy.ClosesAt; c != nil && expires.After(*c) {
		expires = *c
	}
	for lab.Free() > 0 {
		line, err := tx.NextInLine(ctx, u.Code, lab.ID, lab.Free())
		if err != nil || len(line) == 0 {
			return err
		}
		offered := 0
		for _, t := range line {
			hid, ok, err := tx.OfferHold(ctx, u.Code, lab.ID, t, now.UTC(), expires.UTC())
			if err != nil {
				return err
			}
			if !ok {
				continue // it holds a place elsewhere since; it keeps its place in this line
			}
			offered++
			lab.Held++
			if err := s.holdOffered(ctx, tx, acc, u, lab.LabSlot, t.ProjectID, hid, expires); err != nil {
				return err
			}
		}
		if offered == 0 {
			return nil
		}
	}
	return nil
}

// holdOffered records a new hold and tells its team.
func (s *Service) holdOffered(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, lab pairup.LabSlot, pid, hid int64, expires time.Time) error {
	entry := s.audit(acc, pairup.AuditHoldOffered)
	entry.ProjectID, entry.LabID = pid, lab.ID
	entry.Details = map[string]any{"hold": hid, "expires_at": expires.UTC()}
	if err := tx.Audit(ctx, entry); err != nil {
		return err
	}
	team, err := tx.Project(ctx, pid)
	if err != nil {
		return err
	}
	text := "A place in " + lab.Label() + " is held for your team until " + clock(u, expires) + ". Take it or pass it on in Pair-Up."
	if err := s.notice(ctx, tx, u, pairup.NoticeHoldOffered, text, map[string]any{"hold": hid, "lab_id": lab.ID, "pid": pid}, memberNumbers(team)...); err != nil {
		return err
	}
	return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid, LabIDs: []int64{lab.ID}})
}

// SweepHolds releases every hold that has lapsed and passes its place on, then offers the free
// places of every slot with a line (freed by a change no use case made, such as an import). Every
// instance runs it on a ticker: a lapsed hold is claimed by one conditional DELETE under its
// slot's row lock, so it is released, noticed and passed on exactly once whichever instance
// gets there first. It returns how many holds this call released.
func (s *Service) SweepHolds(ctx context.Context) (int, error) {
	due, err := s.st.DueHolds(ctx, s.now(), maxSweep)
	if err != nil {
		return 0, err
	}
	var errs []error
	released := 0
	for _, d := range due {
		mine := false
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			mine = false
			u, err := tx.UnitForShare(ctx, d.Unit)
			if err != nil {
				return err
			}
			lab, err := tx.LockQueueSlot(ctx, u.Code, d.LabID)
			if errors.Is(err, pairup.ErrNoSlot) {
				return nil // deleted with its holds
			} else if err != nil {
				return err
			}
			h, ok, err := tx.ClaimHold(ctx, u.Code, d.ID, store.ClaimLapsed, s.now())
			if err != nil || !ok {
				return err // another instance (or an acceptance) got there first
			}
			mine = true
			return s.holdLapsed(ctx, tx, Access{Actor: Sweeper, Unit: u}, u, h, lab.LabSlot)
		})
		if err != nil {
			errs = append(errs, err)
		} else if mine {
			released++
		}
	}
	refs, err := s.st.LabsToPromote(ctx, "", s.now(), maxSweep)
	if err != nil {
		return released, errors.Join(append(errs, err)...)
	}
	for _, r := range refs {
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			u, err := tx.UnitForShare(ctx, r.Unit)
			if err != nil {
				return err
			}
			return s.promote(ctx, tx, Access{Actor: Sweeper, Unit: u}, u, r.ID)
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return released, errors.Join(errs...)
}

// renameField makes a domain error name the input as the route calls it.
func renameField(err error, from, to string) error {
	var e *pairup.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		if out.Fields[i].Field == from {
			out.Fields[i].Field = to
		}
	}
	return &out
}

// clock writes an instant as the unit's wall-clock time of day: "17:05".
func clock(u pairup.Unit, t time.Time) string { return t.In(u.Location()).Format("15:04") }

// nonZeroIDs drops the 0s (no slot) from ids.
func nonZeroIDs(ids ...int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 {
			out = append(out, id)
		}
	}
	return out
}
