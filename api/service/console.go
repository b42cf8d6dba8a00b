package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// Audit actions of the console's interventions and the unit's life cycle.
const (
	AuditProjectMoved = "project.moved"
	AuditMemberAdded  = "member.added"
	AuditUnitArchived = "unit.archived"
)

// MaxReason is the longest reason an intervention may give, in characters.
const MaxReason = 500

// interventionReason checks a reason: trimmed, at most MaxReason characters without control
// characters, given only by coordinators, and required when forcing.
func interventionReason(acc Access, reason string, force bool) (string, error) {
	r := strings.TrimSpace(reason)
	switch {
	case force && !acc.Coordinates():
		return "", pairup.FieldErrorf(pairup.EFORBIDDEN, "force", "only the unit's coordinators may book beyond a slot's capacity")
	case force && r == "":
		return "", pairup.FieldErrorf(pairup.EINVALID, "reason", "is required to book beyond a slot's capacity")
	case !utf8.ValidString(r) || utf8.RuneCountInString(r) > MaxReason || pairup.HasControl(r):
		return "", pairup.FieldErrorf(pairup.EINVALID, "reason", "must be at most %d characters without control characters", MaxReason)
	}
	return r, nil
}

// Intervention is how a coordinator changes a team: why, and whether past the slot's capacity.
type Intervention struct {
	Reason string
	Force  bool
}

// MoveProject moves a team to another slot of the unit, past the window and the guard time
// (coordinators only); with Force, beyond the slot's capacity. EFORBIDDEN, ENOTFOUND, EINVALID
// (no such slot, reason), ECONFLICT (slot full or started, archived).
func (s *Service) MoveProject(ctx context.Context, acc Access, pid, labID int64, in Intervention) (pairup.Project, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.Project{}, err
	}
	reason, err := interventionReason(acc, in.Reason, in.Force)
	if err != nil {
		return pairup.Project{}, err
	}
	var moved pairup.Project
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		if before.Lab.ID == labID {
			return pairup.FieldErrorf(pairup.EINVALID, "lab_id", "the team is booked in that slot already")
		}
		lab, err := tx.Lab(ctx, u.Code, labID)
		if err != nil {
			return slotFieldError(err)
		}
		if err := s.checkBookable(acc, u, lab); err != nil {
			return err
		}
		forced := false
		if in.Force {
			if forced, err = tx.ForcePlace(ctx, u.Code, labID); err != nil {
				return err
			}
		}
		if err := tx.UpdateProject(ctx, u.Code, pid, before.Description, labID); err != nil {
			return slotFieldError(err)
		}
		if moved, err = tx.Project(ctx, pid); err != nil {
			return err
		}
		entry := s.audit(acc, AuditProjectMoved)
		entry.ProjectID, entry.LabID, entry.Reason = pid, labID, reason
		entry.Details = map[string]any{"from": before.Lab.ID, "to": labID, "forced": forced}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		text := "A coordinator moved your team to " + lab.Label() + "."
		if reason != "" {
			text += " Reason: " + reason
		}
		if err := s.notice(ctx, tx, u, pairup.NoticeMoved, text, map[string]any{"pid": pid, "lab_id": labID}, memberNumbers(moved)...); err != nil {
			return err
		}
		if err := s.placesFreed(ctx, tx, acc, u, before.Lab.ID); err != nil { // waitlist.go
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid, LabIDs: []int64{before.Lab.ID, labID}})
	})
	if err == nil {
		s.booked(BookedMove, 1)
	}
	return moved, err
}

// DissolveProject dissolves a team of the unit (coordinators): EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) DissolveProject(ctx context.Context, acc Access, pid int64, in Intervention) error {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return err
	}
	reason, err := interventionReason(acc, in.Reason, false)
	if err != nil {
		return err
	}
	return s.dissolve(ctx, acc, pid, "", reason)
}

// AddMember adds a student of the unit without a team to a team (coordinators), within the
// unit's team_max: EFORBIDDEN, ENOTFOUND, EINVALID (not a student of the unit), ECONFLICT (in a
// team already, the team is full).
func (s *Service) AddMember(ctx context.Context, acc Access, pid int64, student string, in Intervention) (pairup.Project, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.Project{}, err
	}
	reason, err := interventionReason(acc, in.Reason, false)
	if err != nil {
		return pairup.Project{}, err
	}
	var p pairup.Project
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, _, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		if st, err := tx.Enrolment(ctx, u.Code, student); pairup.ErrorCode(err) == pairup.ENOTFOUND || err == nil && st.Role != pairup.RoleStudent {
			return pairup.FieldErrorf(pairup.EINVALID, "id", "%s is not a student of this unit", student)
		} else if err != nil {
			return err
		}
		switch err := s.addMember(ctx, tx, u, pid, student); {
		case err == nil:
		case isErr(err, pairup.ErrNotStudentOfUnit):
			return pairup.FieldErrorf(pairup.EINVALID, "id", "%s is not a student of this unit", student)
		case isErr(err, pairup.ErrInTeam):
			return pairup.FieldErrorf(pairup.ECONFLICT, "id", "%s is already in a project", student)
		case isErr(err, pairup.ErrTeamFull):
			return pairup.FieldErrorf(pairup.ECONFLICT, "id", "the team has %s already", sizeText(pairup.Policy{TeamMin: u.Policy.TeamMax, TeamMax: u.Policy.TeamMax}))
		default:
			return err
		}
		if p, err = tx.Project(ctx, pid); err != nil {
			return err
		}
		entry := s.audit(acc, AuditMemberAdded)
		entry.ProjectID, entry.LabID, entry.Student, entry.Reason = pid, p.Lab.ID, student, reason
		entry.Details = map[string]any{"members": memberNumbers(p)}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid})
	})
	return p, err
}

// ArchiveUnit makes the unit read-only for everyone (coordinators): EFORBIDDEN, ECONFLICT.
func (s *Service) ArchiveUnit(ctx context.Context, acc Access) (pairup.Unit, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.Unit{}, err
	}
	var archived pairup.Unit
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForUpdate(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if u.Default {
			return pairup.Errorf(pairup.ECONFLICT, "the default unit cannot be archived; make another unit the default first")
		}
		if err := tx.ArchiveUnit(ctx, u.Code, s.now().UTC()); err != nil {
			return err
		}
		if archived, err = tx.Unit(ctx, u.Code); err != nil {
			return err
		}
		if err := tx.Audit(ctx, s.audit(acc, AuditUnitArchived)); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventUnitChanged, Unit: u.Code})
	})
	return archived, err
}

// DeleteUnit deletes the unit with all its personal data: its roster, slots, teams, chat and
// audit log, and the people enrolled in no other unit. confirm must repeat the unit's code.
// EFORBIDDEN, EINVALID, ECONFLICT (the default unit).
func (s *Service) DeleteUnit(ctx context.Context, acc Access, confirm string, logger *slog.Logger) error {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return err
	}
	if confirm != acc.Unit.Code {
		return pairup.FieldErrorf(pairup.EINVALID, "confirm", "type the unit's code, %s, to delete it", acc.Unit.Code)
	}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForUpdate(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if u.Default {
			return pairup.Errorf(pairup.ECONFLICT, "the default unit cannot be deleted; make another unit the default first")
		}
		if err := tx.DeleteUnit(ctx, u.Code); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
	if err == nil && logger != nil {
		// Its audit log went with it: the deletion itself is kept in the server's log.
		logger.InfoContext(ctx, "unit deleted", "unit", acc.Unit.Code, "by", acc.Actor.Person.Number, "name", acc.Actor.Person.Name)
	}
	return err
}

// Overview is sign-up at a glance.
type Overview struct {
	Enrolled, InTeam, Teams, BelowMin, WithoutSlot, FreePlaces int
	Slots                                                      []pairup.LabSlot // every slot, in time order
	Unteamed                                                   []pairup.Student
	Incomplete                                                 []pairup.Project // teams below team_min
}

// Overview counts the unit's students and teams and lists who is missing (coordinators).
func (s *Service) Overview(ctx context.Context, acc Access) (Overview, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return Overview{}, err
	}
	var o Overview
	err := s.st.InTx(ctx, func(tx *store.Tx) error { // one snapshot of the unit
		u, err := tx.Unit(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		students, err := tx.UnitStudents(ctx, u.Code)
		if err != nil {
			return err
		}
		projects, err := tx.Projects(ctx, u.Code)
		if err != nil {
			return err
		}
		if o.Slots, err = tx.Labs(ctx, u.Code); err != nil {
			return err
		}
		o.Enrolled, o.Teams = len(students), len(projects)
		o.Unteamed = []pairup.Student{}
		for _, st := range students {
			if st.InTeam {
				o.InTeam++
			} else {
				o.Unteamed = append(o.Unteamed, st.Student)
			}
		}
		o.Incomplete = []pairup.Project{}
		for _, p := range projects {
			if len(p.Members) < u.Policy.TeamMin {
				o.Incomplete = append(o.Incomplete, p)
			}
		}
		o.BelowMin = len(o.Incomplete)
		now := s.now()
		for _, l := range o.Slots {
			if u.SlotStart(l).After(now) {
				o.FreePlaces += max(0, l.Capacity+l.Forced-l.Booked)
			}
		}
		return nil
	})
	return o, err
}

// PolicyEffects is what a policy change would do.
type PolicyEffects struct {
	Allowed                      bool
	TeamsBelowMin, TeamsAboveMax int
	Messages                     []string
}

// PreviewPolicy says what applying the patch would do, and changes nothing (coordinators):
// EFORBIDDEN, EINVALID.
func (s *Service) PreviewPolicy(ctx context.Context, acc Access, patch pairup.UnitPatch) (PolicyEffects, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return PolicyEffects{}, err
	}
	after, err := patch.Apply(acc.Unit)
	if err != nil {
		return PolicyEffects{}, err
	}
	sizes, err := s.st.TeamSizes(ctx, acc.Unit.Code)
	if err != nil {
		return PolicyEffects{}, err
	}
	var e PolicyEffects
	for _, n := range sizes {
		if n < after.Policy.TeamMin {
			e.TeamsBelowMin++
		}
		if n > after.Policy.TeamMax {
			e.TeamsAboveMax++
		}
	}
	e.Allowed = e.TeamsAboveMax == 0 && !acc.Unit.Archived()
	e.Messages = []string{}
	plural := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	if e.TeamsBelowMin > 0 {
		e.Messages = append(e.Messages, plural(e.TeamsBelowMin, "team is", "teams are")+" below the new minimum")
	}
	if e.TeamsAboveMax > 0 {
		e.Messages = append(e.Messages, plural(e.TeamsAboveMax, "team is", "teams are")+" above the new maximum: the change would be refused until they shrink")
	}
	now := s.now()
	if before, next := acc.Unit.Policy.Phase(now), after.Policy.Phase(now); before != next {
		e.Messages = append(e.Messages, fmt.Sprintf("sign-up would be %s now instead of %s", next, before))
	}
	if acc.Unit.Archived() {
		e.Messages = append(e.Messages, "the unit is archived: it can no longer be changed")
	}
	return e, nil
}

// AuditFilter narrows the audit log by student, team and action.
type AuditFilter = store.AuditFilter

// FilteredAudit is Audit with a filter: EFORBIDDEN, EINVALID.
func (s *Service) FilteredAudit(ctx context.Context, acc Access, f AuditFilter, cursor int64, limit int) (AuditPage, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return AuditPage{}, err
	}
	if limit < 1 || limit > MaxAuditPage {
		return AuditPage{}, pairup.FieldErrorf(pairup.EINVALID, "limit", "must be from 1 to %d", MaxAuditPage)
	}
	if cursor < 0 {
		return AuditPage{}, pairup.FieldErrorf(pairup.EINVALID, "cursor", "must be the next of an earlier page")
	}
	entries, err := s.st.FilteredAuditEntries(ctx, acc.Unit.Code, f, cursor, limit+1)
	if err != nil {
		return AuditPage{}, err
	}
	page := AuditPage{Entries: entries}
	if len(entries) > limit {
		page.Entries = entries[:limit]
		page.Next = entries[limit-1].ID
	}
	return page, nil
}

// MaxAuditExport is the most entries one CSV export of the audit log holds.
const MaxAuditExport = 100000

// AuditExport returns every entry matching the filter, newest first, for a CSV download.
func (s *Service) AuditExport(ctx context.Context, acc Access, f AuditFilter) ([]pairup.AuditEntry, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	return s.st.FilteredAuditEntries(ctx, acc.Unit.Code, f, 0, MaxAuditExport)
}

func isErr(err, target error) bool { return errors.Is(err, target) }

// EnrolledPerson is one enrolment of a unit as the console lists it.
type EnrolledPerson = store.EnrolledPerson

// Roster lists everyone enrolled in the unit, with role, e-mail and team (coordinators).
func (s *Service) Roster(ctx context.Context, acc Access) ([]EnrolledPerson, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	return s.st.Roster(ctx, acc.Unit.Code)
}
