package service

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// Student returns a student (or coordinator) of the unit: EFORBIDDEN, ENOTFOUND.
func (s *Service) Student(ctx context.Context, acc Access, number string) (pairup.Student, error) {
	if err := s.Authorize(ctx, acc, ReadStudent, number); err != nil {
		return pairup.Student{}, err
	}
	return s.st.Enrolment(ctx, acc.Unit.Code, number)
}

// ProjectOf returns the student's team in the unit: EFORBIDDEN, ENOTFOUND.
func (s *Service) ProjectOf(ctx context.Context, acc Access, number string) (pairup.Project, error) {
	if err := s.Authorize(ctx, acc, ReadStudent, number); err != nil {
		return pairup.Project{}, err
	}
	pid, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, number)
	if err != nil {
		return pairup.Project{}, err
	}
	p, err := s.st.Project(ctx, pid)
	if pairup.ErrorCode(err) == pairup.ENOTFOUND {
		return pairup.Project{}, pairup.Errorf(pairup.ENOTFOUND, "the student has no project") // dissolved meanwhile
	}
	return p, err
}

// Projects returns every team of the unit in slot time order.
func (s *Service) Projects(ctx context.Context, acc Access) ([]pairup.Project, error) {
	if err := s.Authorize(ctx, acc, ReadUnit, ""); err != nil {
		return nil, err
	}
	return s.st.Projects(ctx, acc.Unit.Code)
}

// BookableLabs returns the unit's slots the actor could book now, in time order: room left, not
// started, and for students outside the guard time.
func (s *Service) BookableLabs(ctx context.Context, acc Access) ([]pairup.LabSlot, error) {
	if err := s.Authorize(ctx, acc, ReadUnit, ""); err != nil {
		return nil, err
	}
	return s.st.BookableLabs(ctx, acc.Unit.Code, s.earliestBookable(acc, acc.Unit))
}

// CreateProject forms a team of the creator and the partners and books its slot, all or nothing:
// EFORBIDDEN; EINVALID (team size, a partner who is not a student of the unit or is the
// creator, no such slot or none named in a direct first-come unit, bad description); ENOTFOUND
// (a coordinator naming an unknown creator); ECONFLICT (outside the sign-up window, someone
// already in a team, slot full, started or within the guard time).
//
// A student creating in a unit with consent "invite" gets a team of themself alone, and the
// partners are invited; it may book a slot only when team_min is 1. In a unit with ranked
// booking the team gets no slot: students may not name one. Coordinators and the command line
// form teams directly in every mode (as formProject does).
func (s *Service) CreateProject(ctx context.Context, acc Access, np pairup.NewProject) (pairup.Project, error) {
	if err := s.Authorize(ctx, acc, FormTeam, np.Creator); err != nil {
		return pairup.Project{}, err
	}
	description, err := pairup.NormalizeDescription(np.Description)
	if err != nil {
		return pairup.Project{}, fieldError("description", err)
	}
	field := np.Field
	if field == "" {
		field = "partnerNumbers"
		if acc.Unit.Policy.TeamMax == 2 {
			field = "partnerNumber" // a unit of pairs, as the 2019 client knows it
		}
	}
	if slices.Contains(np.Partners, np.Creator) {
		return pairup.Project{}, pairup.FieldErrorf(pairup.EINVALID, field, "your partner must be someone else")
	}
	if len(np.Partners) > pairup.MaxTeamSize-1 {
		return pairup.Project{}, pairup.FieldErrorf(pairup.EINVALID, field, "must name at most %d partners", pairup.MaxTeamSize-1)
	}
	if sorted := slices.Sorted(slices.Values(np.Partners)); len(slices.Compact(sorted)) != len(np.Partners) {
		return pairup.Project{}, pairup.FieldErrorf(pairup.EINVALID, field, "must not name a student twice")
	}
	reason, err := interventionReason(acc, np.Reason, np.Force)
	if err != nil {
		return pairup.Project{}, err
	}
	// A coordinator forming a team names every member in one list; a student is the creator.
	creatorField, byCoordinator := "id", np.Field == "members"
	if byCoordinator {
		creatorField = "members"
	}
	var created pairup.Project
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := s.checkPhase(acc, u); err != nil {
			return err
		}
		inviting := u.Policy.Consent == pairup.ConsentInvite && !acc.Coordinates()
		ranked := u.Policy.Booking == pairup.BookingRanked
		switch {
		case ranked && np.LabID != 0 && !acc.Coordinates():
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "slots are allocated in this unit; rank them instead")
		case np.LabID == 0 && !ranked && u.Policy.Consent != pairup.ConsentInvite:
			return pairup.FieldErrorf(pairup.EINVALID, "lab_id", "is required: pick a lab slot")
		}
		if size := 1 + len(np.Partners); inviting && size > u.Policy.TeamMax {
			return pairup.FieldErrorf(pairup.EINVALID, field, "a team has %s, you included; this one would have %d", sizeText(u.Policy), size)
		} else if inviting && np.LabID != 0 && u.Policy.TeamMin > 1 {
			return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "a team below team_min cannot book a slot; book once your invitations are accepted")
		} else if !inviting && (size < u.Policy.TeamMin || size > u.Policy.TeamMax) {
			if byCoordinator {
				return pairup.FieldErrorf(pairup.EINVALID, field, "a team of this unit has %s; this one would have %d", sizeText(u.Policy), size)
			}
			if np.Field == "" && u.Policy.TeamMin > 1 {
				return pairup.FieldErrorf(pairup.EINVALID, field, "is required: a team has %s", sizeText(u.Policy))
			}
			return pairup.FieldErrorf(pairup.EINVALID, field, "a team has %s, you included; this one would have %d", sizeText(u.Policy), size)
		}
		creator, err := tx.Enrolment(ctx, u.Code, np.Creator)
		switch {
		case pairup.ErrorCode(err) == pairup.ENOTFOUND && acc.isSelf(np.Creator):
			return pairup.FieldErrorf(pairup.EINVALID, "id", "you must be a student of this unit")
		case pairup.ErrorCode(err) == pairup.ENOTFOUND && byCoordinator:
			return pairup.FieldErrorf(pairup.EINVALID, creatorField, "%s is not a student of this unit", np.Creator)
		case err != nil:
			return err
		case creator.Role != pairup.RoleStudent:
			return pairup.FieldErrorf(pairup.EINVALID, creatorField, "coordinators are not members of teams")
		}
		if np.LabID != 0 {
			lab, err := tx.Lab(ctx, u.Code, np.LabID)
			if err != nil {
				return slotFieldError(err)
			}
			if err := s.checkBookable(acc, u, lab); err != nil {
				return err
			}
		}
		forced := false
		if np.Force && np.LabID != 0 {
			if forced, err = tx.ForcePlace(ctx, u.Code, np.LabID); err != nil {
				return err
			}
		}
		pid, err := tx.InsertProject(ctx, u.Code, description, np.LabID)
		if err != nil {
			return slotFieldError(err)
		}
		if err := s.lapseStudentInvitations(ctx, tx, u, np.Creator); err != nil {
			return err
		}
		if err := s.addMember(ctx, tx, u, pid, np.Creator); errors.Is(err, pairup.ErrInTeam) {
			switch {
			case acc.isSelf(np.Creator):
				return pairup.FieldErrorf(pairup.ECONFLICT, "id", "you are already in a project")
			case byCoordinator:
				return pairup.FieldErrorf(pairup.ECONFLICT, creatorField, "%s is already in a project", np.Creator)
			}
			return pairup.FieldErrorf(pairup.ECONFLICT, "id", "that student is already in a project")
		} else if err != nil {
			return err
		}
		for _, partner := range np.Partners {
			if inviting {
				if _, err := s.invite(ctx, tx, acc, u, pid, np.Creator, partner, field); err != nil {
					return err
				}
				continue
			}
			if err := s.lapseStudentInvitations(ctx, tx, u, partner); err != nil {
				return err
			}
			switch err := s.addMember(ctx, tx, u, pid, partner); {
			case errors.Is(err, pairup.ErrNotStudentOfUnit):
				return pairup.FieldErrorf(pairup.EINVALID, field, "%s is not a student of this unit", partner)
			case errors.Is(err, pairup.ErrInTeam) && np.Field == "partnerNumber":
				return pairup.FieldErrorf(pairup.ECONFLICT, field, "that student is already in a project")
			case errors.Is(err, pairup.ErrInTeam):
				return pairup.FieldErrorf(pairup.ECONFLICT, field, "%s is already in a project", partner)
			case errors.Is(err, pairup.ErrTeamFull):
				return pairup.FieldErrorf(pairup.EINVALID, field, "a team has %s", sizeText(u.Policy))
			case err != nil:
				return err
			}
		}
		if created, err = tx.Project(ctx, pid); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditProjectCreated)
		entry.ProjectID, entry.LabID, entry.Student = pid, np.LabID, np.Creator
		entry.Details = map[string]any{"members": memberNumbers(created), "description": description}
		if forced {
			entry.Details["forced"] = true
		}
		if inviting && len(np.Partners) > 0 {
			entry.Details["invited"] = np.Partners
		}
		entry.Reason = reason
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		e := pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid}
		if np.LabID != 0 {
			e.LabIDs = []int64{np.LabID}
		}
		return tx.Notify(ctx, e)
	})
	if err != nil {
		return pairup.Project{}, err
	}
	s.booked(BookedCreate, boolCount(created.Booked()))
	return created, nil
}

// UpdateProject changes the description and slot of the student's team (LabID 0 keeps its slot,
// or its having none): EFORBIDDEN, ENOTFOUND (no team), EINVALID, ECONFLICT (window, guard, slot
// full or started).
func (s *Service) UpdateProject(ctx context.Context, acc Access, student string, c pairup.ProjectChange) (pairup.Project, error) {
	if err := s.Authorize(ctx, acc, ChangeTeam, student); err != nil {
		return pairup.Project{}, err
	}
	pid, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, student)
	if err != nil {
		return pairup.Project{}, err
	}
	description, err := pairup.NormalizeDescription(c.Description)
	if err != nil {
		return pairup.Project{}, fieldError("description", err)
	}
	var updated pairup.Project
	rebooked := false // the team got another slot, or its first
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		oldLab := before.Lab.ID
		if c.LabID == 0 {
			c.LabID = oldLab // no slot named: the team keeps its own (or stays without one)
		}
		if c.LabID != oldLab {
			lab, err := tx.Lab(ctx, u.Code, c.LabID)
			if err != nil {
				return slotFieldError(err)
			}
			if err := s.checkBookable(acc, u, lab); err != nil {
				return err
			}
			if err := checkTeamMin(ctx, tx, u, pid); err != nil {
				return err
			}
		}
		if err := tx.UpdateProject(ctx, u.Code, pid, description, c.LabID); err != nil {
			return slotFieldError(err)
		}
		if updated, err = tx.Project(ctx, pid); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditProjectUpdated)
		entry.ProjectID, entry.LabID, entry.Student = pid, c.LabID, student
		entry.Details = map[string]any{}
		if before.Description != description {
			entry.Details["description"] = map[string]string{"from": before.Description, "to": description}
		}
		e := pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid}
		if oldLab != c.LabID {
			entry.Details["lab_id"] = map[string]int64{"from": oldLab, "to": c.LabID}
			e.LabIDs = []int64{oldLab, c.LabID}
		}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		rebooked = oldLab != c.LabID && c.LabID != 0
		if oldLab != c.LabID {
			if err := s.placesFreed(ctx, tx, acc, u, oldLab); err != nil { // waitlist.go
				return err
			}
		}
		return tx.Notify(ctx, e)
	})
	if err != nil {
		return pairup.Project{}, err
	}
	s.booked(BookedChange, boolCount(rebooked))
	return updated, nil
}

// DeleteProject dissolves the student's team and frees its slot: EFORBIDDEN, ENOTFOUND,
// ECONFLICT (window, guard).
func (s *Service) DeleteProject(ctx context.Context, acc Access, student string) error {
	if err := s.Authorize(ctx, acc, ChangeTeam, student); err != nil {
		return err
	}
	pid, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, student)
	if err != nil {
		return err
	}
	return s.dissolve(ctx, acc, pid, student, "")
}

// dissolve deletes a team in one transaction with its audit entry and event: the team's own
// change (DeleteProject, a member's student number given) or a coordinator's (DissolveProject,
// with a reason).
func (s *Service) dissolve(ctx context.Context, acc Access, pid int64, student, reason string) error {
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		if err := s.lapseTeamInvitations(ctx, tx, u, before); err != nil {
			return err
		}
		lab, err := tx.DeleteProject(ctx, u.Code, pid)
		if err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditProjectDeleted)
		entry.ProjectID, entry.LabID, entry.Student, entry.Reason = pid, lab, student, reason
		entry.Details = map[string]any{"members": memberNumbers(before), "description": before.Description}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		if err := s.placesFreed(ctx, tx, acc, u, lab); err != nil { // waitlist.go
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectDeleted, Unit: u.Code, ProjectID: pid, LabIDs: []int64{lab}})
	})
}

// RemoveMember takes a member out of a team of the unit (the member leaving, or a coordinator
// removing them). The team keeps its slot; the last member leaving dissolves it. EFORBIDDEN,
// ENOTFOUND (no such team, or not a member), ECONFLICT (window, guard).
func (s *Service) RemoveMember(ctx context.Context, acc Access, pid int64, student, reason string) error {
	if err := s.Authorize(ctx, acc, LeaveTeam, student); err != nil {
		return err
	}
	reason, err := interventionReason(acc, reason, false)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, u.Code, pid, student); err != nil {
			return err
		}
		left, err := tx.CountMembers(ctx, u.Code, pid)
		if err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditMemberRemoved)
		entry.ProjectID, entry.LabID, entry.Student = pid, before.Lab.ID, student
		entry.Details = map[string]any{"members_left": left, "dissolved": left == 0}
		entry.Reason = reason
		e := pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid}
		if left == 0 {
			if err := s.lapseTeamInvitations(ctx, tx, u, before); err != nil {
				return err
			}
			if _, err := tx.DeleteProject(ctx, u.Code, pid); err != nil {
				return err
			}
			e = pairup.Event{Kind: pairup.EventProjectDeleted, Unit: u.Code, ProjectID: pid, LabIDs: []int64{before.Lab.ID}}
			if err := s.placesFreed(ctx, tx, acc, u, before.Lab.ID); err != nil { // waitlist.go
				return err
			}
		}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, e)
	})
}

// changeTeam begins every change to an existing team: the unit's policy share-locked (so it
// cannot change meanwhile) and its phase checked, the team's row locked, and the guard time of
// its slot checked. It returns the unit and the team as it was: ENOTFOUND, ECONFLICT.
func (s *Service) changeTeam(ctx context.Context, tx *store.Tx, acc Access, pid int64) (pairup.Unit, pairup.Project, error) {
	u, err := tx.UnitForShare(ctx, acc.Unit.Code)
	if err != nil {
		return pairup.Unit{}, pairup.Project{}, err
	}
	if err := s.checkPhase(acc, u); err != nil {
		return pairup.Unit{}, pairup.Project{}, err
	}
	if _, err := tx.LockProject(ctx, u.Code, pid); err != nil {
		return pairup.Unit{}, pairup.Project{}, err
	}
	before, err := tx.Project(ctx, pid)
	if err != nil {
		return pairup.Unit{}, pairup.Project{}, err
	}
	if err := s.checkTeamGuard(acc, u, before.Lab); err != nil {
		return pairup.Unit{}, pairup.Project{}, err
	}
	return u, before, nil
}

func memberNumbers(p pairup.Project) []string {
	out := make([]string, len(p.Members))
	for i, m := range p.Members {
		out[i] = m.Number
	}
	return out
}

func sizeText(p pairup.Policy) string {
	switch {
	case p.TeamMin == 1 && p.TeamMax == 1:
		return "exactly 1 member"
	case p.TeamMin == p.TeamMax:
		return fmt.Sprintf("exactly %d members", p.TeamMin)
	}
	return fmt.Sprintf("%d to %d members", p.TeamMin, p.TeamMax)
}

// fieldError attaches a field name to a domain validation error.
func fieldError(field string, err error) error {
	var e *pairup.Error
	if errors.As(err, &e) && len(e.Fields) == 0 {
		return pairup.FieldErrorf(e.Code, field, "%s", e.Message)
	}
	return err
}

// checkTeamMin refuses, in a unit with consent by invitation, a slot to a team below the
// unit's team_min: it must grow first. (With direct consent teams are formed at full size, and
// one that fell below a raised minimum keeps today's behaviour.) The count is read under the
// team's row lock (changeTeam), under which members change.
func checkTeamMin(ctx context.Context, tx *store.Tx, u pairup.Unit, pid int64) error {
	if u.Policy.Consent != pairup.ConsentInvite {
		return nil
	}
	n, err := tx.CountMembers(ctx, u.Code, pid)
	if err != nil {
		return err
	}
	if n < u.Policy.TeamMin {
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "a team below team_min cannot book a slot: yours has %d of at least %d members", n, u.Policy.TeamMin)
	}
	return nil
}
