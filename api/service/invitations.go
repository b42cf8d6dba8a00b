package service

import (
	"context"
	"errors"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// recentInvitations is how long a resolved invitation stays in its people's lists.
const recentInvitations = 24 * time.Hour

// mustBeStudent refuses anyone but a student of the unit (coordinators form teams directly).
func mustBeStudent(acc Access, what string) error {
	if acc.Actor.CLI || acc.Role != pairup.RoleStudent {
		return pairup.Errorf(pairup.EFORBIDDEN, "only the unit's students %s", what)
	}
	return nil
}

// Invitations returns the caller's invitations: to them (received) and from their team (sent),
// pending or resolved within the last day, newest first; a pending one past its expiry is
// reported lapsed. Coordinators get every pending invitation of the unit in sent.
func (s *Service) Invitations(ctx context.Context, acc Access) (received, sent []pairup.Invitation, err error) {
	now := s.now()
	received, sent = []pairup.Invitation{}, []pairup.Invitation{}
	if acc.Coordinates() {
		sent, err = s.st.PendingInvitations(ctx, acc.Unit.Code, now)
		return received, sent, err
	}
	if err := mustBeStudent(acc, "have invitations"); err != nil {
		return nil, nil, err
	}
	me := acc.Actor.Person.Number
	pid, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, me)
	if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
		return nil, nil, err
	}
	all, err := s.st.Invitations(ctx, acc.Unit.Code, me, pid, now.Add(-recentInvitations))
	if err != nil {
		return nil, nil, err
	}
	for _, inv := range all {
		inv.Status = inv.StatusAt(now)
		if inv.Student.Number == me {
			received = append(received, inv)
		} else {
			sent = append(sent, inv)
		}
	}
	return received, sent, nil
}

// Invite has the caller's team invite the student, within the sign-up window; a caller without
// a team gets one of themself alone, with no slot (description names its project; "" takes a
// default). Pending invitations do not count against team_max: the first to accept takes the
// place. EFORBIDDEN (not a student); EINVALID (oneself, not a student of the unit, a bad
// description); ECONFLICT (the window, the student in a team, invited already, the team full).
func (s *Service) Invite(ctx context.Context, acc Access, student, description string) (pairup.Invitation, error) {
	if err := mustBeStudent(acc, "invite others to their team"); err != nil {
		return pairup.Invitation{}, err
	}
	me := acc.Actor.Person.Number
	if student == me {
		return pairup.Invitation{}, pairup.FieldErrorf(pairup.EINVALID, "student", "you cannot invite yourself")
	}
	if description == "" {
		description = "Project of " + acc.Actor.Person.Name
	}
	description, err := pairup.NormalizeDescription(description)
	if err != nil {
		return pairup.Invitation{}, fieldError("description", err)
	}
	var inv pairup.Invitation
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := s.checkPhase(acc, u); err != nil {
			return err
		}
		pid, err := tx.ProjectIDOf(ctx, u.Code, me)
		switch {
		case pairup.ErrorCode(err) == pairup.ENOTFOUND:
			if pid, err = s.teamOfOne(ctx, tx, acc, u, description); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if _, err := tx.LockProject(ctx, u.Code, pid); pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return pairup.Errorf(pairup.ECONFLICT, "your team has just dissolved; try again")
		} else if err != nil {
			return err
		}
		n, err := tx.CountMembers(ctx, u.Code, pid)
		if err != nil {
			return err
		}
		if n >= u.Policy.TeamMax {
			return pairup.FieldErrorf(pairup.ECONFLICT, "student", "your team is full: a team has %s", sizeText(u.Policy))
		}
		id, err := s.invite(ctx, tx, acc, u, pid, me, student, "student")
		if err != nil {
			return err
		}
		inv, err = tx.Invitation(ctx, u.Code, id)
		return err
	})
	return inv, err
}

// teamOfOne makes a team of the caller alone, with no slot, in the transaction.
func (s *Service) teamOfOne(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, description string) (int64, error) {
	me := acc.Actor.Person.Number
	if err := s.lapseStudentInvitations(ctx, tx, u, me); err != nil {
		return 0, err
	}
	pid, err := tx.InsertProject(ctx, u.Code, description, 0)
	if err != nil {
		return 0, err
	}
	if err := tx.AddMember(ctx, u.Code, pid, me); errors.Is(err, pairup.ErrInTeam) {
		return 0, pairup.Errorf(pairup.ECONFLICT, "you are already in a project")
	} else if err != nil {
		return 0, err
	}
	entry := s.audit(acc, pairup.AuditProjectCreated)
	entry.ProjectID, entry.Student = pid, me
	entry.Details = map[string]any{"members": []string{me}, "description": description, "by": "invitation"}
	if err := tx.Audit(ctx, entry); err != nil {
		return 0, err
	}
	return pid, tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid})
}

// invite sends, in the transaction, the team's invitation to the student, with its notice and
// audit entry, and returns its id. The caller holds the team's row lock and has checked its
// size. Errors name field.
func (s *Service) invite(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, pid int64, from, student, field string) (int64, error) {
	// The invitee's enrolment is locked: sending waits for an acceptance of theirs in flight.
	role, err := tx.LockEnrolment(ctx, u.Code, student)
	if pairup.ErrorCode(err) == pairup.ENOTFOUND || err == nil && role != pairup.RoleStudent {
		return 0, pairup.FieldErrorf(pairup.EINVALID, field, "%s is not a student of this unit", student)
	} else if err != nil {
		return 0, err
	}
	if _, err := tx.ProjectIDOf(ctx, u.Code, student); err == nil {
		return 0, pairup.FieldErrorf(pairup.ECONFLICT, field, "%s is already in a project", student)
	} else if pairup.ErrorCode(err) != pairup.ENOTFOUND {
		return 0, err
	}
	now := s.now().UTC()
	if err := tx.LapseExpiredInvitation(ctx, u.Code, pid, student, now); err != nil {
		return 0, err
	}
	id, err := tx.InsertInvitation(ctx, u.Code, pid, from, student, now, now.Add(u.Policy.InviteTTL()))
	switch {
	case errors.Is(err, store.ErrInvitedAlready):
		return 0, pairup.FieldErrorf(pairup.ECONFLICT, field, "your team has invited %s already", student)
	case errors.Is(err, pairup.ErrNotStudentOfUnit):
		return 0, pairup.FieldErrorf(pairup.EINVALID, field, "%s is not a student of this unit", student)
	case err != nil:
		return 0, err
	}
	team, err := tx.Project(ctx, pid)
	if err != nil {
		return 0, err
	}
	fromName := acc.Actor.Person.Name
	if acc.Actor.CLI || !team.HasMember(acc.Actor.Person.Number) {
		fromName = team.Team()
	}
	data := map[string]any{"invitation": id, "pid": pid}
	if err := s.notice(ctx, tx, u, pairup.NoticeInvited, fromName+" invited you to join their team ("+team.Team()+").", data, student); err != nil {
		return 0, err
	}
	entry := s.audit(acc, pairup.AuditInviteSent)
	entry.ProjectID, entry.LabID, entry.Student = pid, team.Lab.ID, student
	entry.Details = map[string]any{"invitation": id, "expires_at": now.Add(u.Policy.InviteTTL())}
	return id, tx.Audit(ctx, entry)
}

// AcceptInvitation adds the invited student to the team, within team_max, the window and the
// guard time of the team's slot; their other pending invitations lapse. EFORBIDDEN (not the
// invitee), ENOTFOUND, ECONFLICT (in a project already, the team full, the invitation no
// longer pending or expired, the window, the guard).
func (s *Service) AcceptInvitation(ctx context.Context, acc Access, id int64) (pairup.Project, error) {
	inv, err := s.ownInvitation(ctx, acc, id)
	if err != nil {
		return pairup.Project{}, err
	}
	me := acc.Actor.Person.Number
	var joined pairup.Project
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if inv.ProjectID == 0 {
			return pairup.Errorf(pairup.ECONFLICT, "this invitation lapsed: the team has dissolved")
		}
		// The team's row, then the invitee's enrolment: acceptances of one student's invitations
		// happen one at a time, and so do joins of one team.
		u, before, err := s.changeTeam(ctx, tx, acc, inv.ProjectID)
		if pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return pairup.Errorf(pairup.ECONFLICT, "this invitation lapsed: the team has dissolved")
		} else if err != nil {
			return err
		}
		if _, err := tx.LockEnrolment(ctx, u.Code, me); err != nil {
			return err
		}
		if _, err := tx.ProjectIDOf(ctx, u.Code, me); err == nil {
			return pairup.Errorf(pairup.ECONFLICT, "you are already in a project")
		} else if pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return err
		}
		cur, err := tx.LockInvitation(ctx, u.Code, id)
		if err != nil {
			return err
		}
		if err := s.checkPending(u, cur); err != nil {
			return err
		}
		now := s.now().UTC()
		if err := tx.ResolveInvitation(ctx, u.Code, id, pairup.InviteAccepted, now); err != nil {
			return err
		}
		if err := s.lapseStudentInvitations(ctx, tx, u, me); err != nil {
			return err
		}
		switch err := tx.AddMember(ctx, u.Code, inv.ProjectID, me); {
		case errors.Is(err, pairup.ErrInTeam):
			return pairup.Errorf(pairup.ECONFLICT, "you are already in a project")
		case errors.Is(err, pairup.ErrTeamFull):
			return pairup.Errorf(pairup.ECONFLICT, "that team is full: a team has %s", sizeText(u.Policy))
		case errors.Is(err, pairup.ErrNotStudentOfUnit):
			return pairup.Errorf(pairup.EFORBIDDEN, "only the unit's students join teams")
		case err != nil:
			return err
		}
		if joined, err = tx.Project(ctx, inv.ProjectID); err != nil {
			return err
		}
		data := map[string]any{"invitation": id, "pid": inv.ProjectID}
		if err := s.notice(ctx, tx, u, pairup.NoticeInviteAccepted, acc.Actor.Person.Name+" accepted your team's invitation and joined it.", data, memberNumbers(before)...); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditInviteAccepted)
		entry.ProjectID, entry.LabID, entry.Student = inv.ProjectID, joined.Lab.ID, me
		entry.Details = map[string]any{"invitation": id, "members": memberNumbers(joined)}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: inv.ProjectID})
	})
	return joined, err
}

// DeclineInvitation declines a pending invitation to the caller: EFORBIDDEN, ENOTFOUND,
// ECONFLICT (no longer pending, the window).
func (s *Service) DeclineInvitation(ctx context.Context, acc Access, id int64) (pairup.Invitation, error) {
	if _, err := s.ownInvitation(ctx, acc, id); err != nil {
		return pairup.Invitation{}, err
	}
	var out pairup.Invitation
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, cur, err := s.resolve(ctx, tx, acc, id, pairup.InviteDeclined)
		if err != nil {
			return err
		}
		if cur.ProjectID != 0 {
			team, err := tx.Project(ctx, cur.ProjectID)
			if err != nil {
				return err
			}
			data := map[string]any{"invitation": id, "pid": cur.ProjectID}
			if err := s.notice(ctx, tx, u, pairup.NoticeInviteDeclined, acc.Actor.Person.Name+" declined your team's invitation.", data, memberNumbers(team)...); err != nil {
				return err
			}
		}
		entry := s.audit(acc, pairup.AuditInviteDeclined)
		entry.ProjectID, entry.Student = cur.ProjectID, cur.Student.Number
		entry.Details = map[string]any{"invitation": id}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		out, err = tx.Invitation(ctx, u.Code, id)
		return err
	})
	return out, err
}

// WithdrawInvitation withdraws a pending invitation (a member of the inviting team, or a
// coordinator): EFORBIDDEN, ENOTFOUND, ECONFLICT (no longer pending, the window).
func (s *Service) WithdrawInvitation(ctx context.Context, acc Access, id int64) error {
	inv, err := s.st.Invitation(ctx, acc.Unit.Code, id)
	if err != nil {
		return err
	}
	if !acc.Coordinates() {
		mine, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
		if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return err
		}
		if err != nil || inv.ProjectID == 0 || mine != inv.ProjectID {
			return pairup.Errorf(pairup.EFORBIDDEN, "only the inviting team's members may withdraw it")
		}
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		u, cur, err := s.resolve(ctx, tx, acc, id, pairup.InviteWithdrawn)
		if err != nil {
			return err
		}
		data := map[string]any{"invitation": id, "pid": cur.ProjectID}
		if err := s.notice(ctx, tx, u, pairup.NoticeInviteLapsed, cur.Team+" withdrew their invitation.", data, cur.Student.Number); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditInviteWithdrawn)
		entry.ProjectID, entry.Student = cur.ProjectID, cur.Student.Number
		entry.Details = map[string]any{"invitation": id}
		return tx.Audit(ctx, entry)
	})
}

// ownInvitation returns the invitation when it is to the caller, a student: EFORBIDDEN,
// ENOTFOUND.
func (s *Service) ownInvitation(ctx context.Context, acc Access, id int64) (pairup.Invitation, error) {
	if err := mustBeStudent(acc, "accept or decline invitations"); err != nil {
		return pairup.Invitation{}, err
	}
	inv, err := s.st.Invitation(ctx, acc.Unit.Code, id)
	if err != nil {
		return pairup.Invitation{}, err
	}
	if inv.Student.Number != acc.Actor.Person.Number {
		return pairup.Invitation{}, pairup.Errorf(pairup.EFORBIDDEN, "only the invited student may accept or decline it")
	}
	return inv, nil
}

// resolve sets a pending invitation's status, in the transaction, within the window: the unit
// and the invitation as it was. ECONFLICT when it is no longer pending.
func (s *Service) resolve(ctx context.Context, tx *store.Tx, acc Access, id int64, status string) (pairup.Unit, pairup.Invitation, error) {
	u, err := tx.UnitForShare(ctx, acc.Unit.Code)
	if err != nil {
		return pairup.Unit{}, pairup.Invitation{}, err
	}
	if err := s.checkPhase(acc, u); err != nil {
		return pairup.Unit{}, pairup.Invitation{}, err
	}
	cur, err := tx.LockInvitation(ctx, u.Code, id)
	if err != nil {
		return pairup.Unit{}, pairup.Invitation{}, err
	}
	if err := s.checkPending(u, cur); err != nil {
		return pairup.Unit{}, pairup.Invitation{}, err
	}
	return u, cur, tx.ResolveInvitation(ctx, u.Code, id, status, s.now().UTC())
}

// checkPending refuses an invitation that is no longer pending, or has expired.
func (s *Service) checkPending(u pairup.Unit, inv pairup.Invitation) error {
	switch inv.Status {
	case pairup.InvitePending:
		if !s.now().Before(inv.ExpiresAt) {
			return pairup.Errorf(pairup.ECONFLICT, "this invitation expired %s", localTime(u, inv.ExpiresAt))
		}
		return nil
	case pairup.InviteAccepted:
		return pairup.Errorf(pairup.ECONFLICT, "this invitation was accepted already")
	case pairup.InviteDeclined:
		return pairup.Errorf(pairup.ECONFLICT, "this invitation was declined")
	case pairup.InviteWithdrawn:
		return pairup.Errorf(pairup.ECONFLICT, "the team withdrew this invitation")
	}
	return pairup.Errorf(pairup.ECONFLICT, "this invitation lapsed")
}

// addMember adds the student to the team in the transaction, after lapsing their pending
// invitations with a notice each (the database lapses them on any join; this says so). Every
// use case that puts a student in a team without an invitation of theirs goes through it.
func (s *Service) addMember(ctx context.Context, tx *store.Tx, u pairup.Unit, pid int64, student string) error {
	if err := s.lapseStudentInvitations(ctx, tx, u, student); err != nil {
		return err
	}
	return tx.AddMember(ctx, u.Code, pid, student)
}

// lapseStudentInvitations lapses, in the transaction, the student's pending invitations (they
// are joining a team), each with a notice to them.
func (s *Service) lapseStudentInvitations(ctx context.Context, tx *store.Tx, u pairup.Unit, student string) error {
	lapsed, err := tx.LapseStudentInvitations(ctx, u.Code, student, s.now().UTC())
	if err != nil {
		return err
	}
	for _, l := range lapsed {
		data := map[string]any{"invitation": l.ID, "pid": l.ProjectID}
		if err := s.notice(ctx, tx, u, pairup.NoticeInviteLapsed, "Another team's invitation to you lapsed: you are in a team now.", data, student); err != nil {
			return err
		}
	}
	return nil
}

// lapseTeamInvitations lapses, in the transaction, the team's pending invitations (it is
// dissolving), each with a notice to its invitee.
func (s *Service) lapseTeamInvitations(ctx context.Context, tx *store.Tx, u pairup.Unit, team pairup.Project) error {
	lapsed, err := tx.LapseTeamInvitations(ctx, u.Code, team.ID, s.now().UTC())
	if err != nil {
		return err
	}
	for _, l := range lapsed {
		data := map[string]any{"invitation": l.ID, "pid": team.ID}
		if err := s.notice(ctx, tx, u, pairup.NoticeInviteLapsed, "The invitation from "+team.Team()+" lapsed: the team dissolved.", data, l.Student); err != nil {
			return err
		}
	}
	return nil
}
