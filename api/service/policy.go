package service

import (
	"errors"
	"fmt"
	"time"

	"github.com/pairup/pairup/api/pairup"
)

// checkPhase refuses a student's change outside the unit's sign-up window; coordinators may act
// in any phase.
func (s *Service) checkPhase(acc Access, u pairup.Unit) error {
	if err := checkLive(u); err != nil {
		return err
	}
	if acc.Coordinates() {
		return nil
	}
	switch u.Policy.Phase(s.now()) {
	case pairup.PhaseUpcoming:
		return pairup.Errorf(pairup.ECONFLICT, "sign-up has not opened yet: it opens %s", localTime(u, *u.Policy.OpensAt))
	case pairup.PhaseClosed:
		return pairup.Errorf(pairup.ECONFLICT, "sign-up has closed: it closed %s", localTime(u, *u.Policy.ClosesAt))
	}
	return nil
}

// checkBookable refuses a slot that has started (for everyone) or starts within the guard time
// (for students).
func (s *Service) checkBookable(acc Access, u pairup.Unit, l pairup.LabSlot) error {
	if err := checkStudentBooking(acc, u); err != nil {
		return err // ranked booking: the allocation books students' slots (ranked.go)
	}
	start, now := u.SlotStart(l), s.now()
	if !start.After(now) {
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "that lab slot has already started")
	}
	if !acc.Coordinates() && !start.After(now.Add(u.Policy.Guard())) {
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "that lab slot starts within %d minutes; it can no longer be booked", u.Policy.GuardMinutes)
	}
	return nil
}

// checkTeamGuard refuses a student's change to a team whose slot starts within the guard time
// (or has started).
func (s *Service) checkTeamGuard(acc Access, u pairup.Unit, l pairup.LabSlot) error {
	if acc.Coordinates() || l.ID == 0 {
		return nil // coordinators are not held by it; a team without a slot has no guard time
	}
	start, now := u.SlotStart(l), s.now()
	if !start.After(now) {
		return pairup.Errorf(pairup.ECONFLICT, "your team's lab slot has started; ask a coordinator to change the team")
	}
	if !start.After(now.Add(u.Policy.Guard())) {
		return pairup.Errorf(pairup.ECONFLICT, "your team's lab slot starts within %d minutes; ask a coordinator to change the team", u.Policy.GuardMinutes)
	}
	return nil
}

// earliestBookable is the instant after which a slot must start to be offered to the actor.
func (s *Service) earliestBookable(acc Access, u pairup.Unit) time.Time {
	if acc.Coordinates() {
		return s.now()
	}
	return s.now().Add(u.Policy.Guard())
}

// localTime writes an instant as the unit's people read it: "Tuesday 4 May 2027 09:00 (Australia/Perth)".
func localTime(u pairup.Unit, t time.Time) string {
	return fmt.Sprintf("%s (%s)", t.In(u.Location()).Format("Monday 2 January 2006 15:04"), u.Timezone)
}

// slotFieldError turns the storage's verdict on a slot write into an error naming lab_id.
func slotFieldError(err error) error {
	switch {
	case errors.Is(err, pairup.ErrSlotFull):
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "that lab slot is full")
	case errors.Is(err, pairup.ErrNoSlot):
		return pairup.FieldErrorf(pairup.EINVALID, "lab_id", "no such lab slot")
	}
	return err
}

// checkLive refuses any change to an archived unit, whoever asks.
func checkLive(u pairup.Unit) error {
	if u.Archived() {
		return pairup.Errorf(pairup.ECONFLICT, "the unit is archived: it can no longer be changed")
	}
	return nil
}
