package service

import (
	"context"
	"errors"
	"strings"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// AuditCodeRenewed records that a team's join code was renewed.
const AuditCodeRenewed = "code.renewed"

// mayUseCode allows the unit's coordinators and the team's members.
func (s *Service) mayUseCode(ctx context.Context, acc Access, pid int64) error {
	if acc.Coordinates() {
		return nil
	}
	mine, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
	if err == nil && mine == pid {
		return nil
	} else if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
		return err
	}
	return pairup.Errorf(pairup.EFORBIDDEN, "only the team's members may see or renew its code")
}

// JoinCode returns the team's join code (its members and coordinators): EFORBIDDEN, ENOTFOUND.
func (s *Service) JoinCode(ctx context.Context, acc Access, pid int64) (string, error) {
	if err := s.mayUseCode(ctx, acc, pid); err != nil {
		return "", err
	}
	return s.st.JoinCode(ctx, acc.Unit.Code, pid)
}

// RenewJoinCode gives the team a new code; the old one stops working (its members within the
// window and the guard time, coordinators): EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Service) RenewJoinCode(ctx context.Context, acc Access, pid int64) (string, error) {
	if err := s.mayUseCode(ctx, acc, pid); err != nil {
		return "", err
	}
	var code string
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, before, err := s.changeTeam(ctx, tx, acc, pid)
		if err != nil {
			return err
		}
		if code, err = tx.RenewJoinCode(ctx, u.Code, pid); err != nil {
			return err
		}
		entry := s.audit(acc, AuditCodeRenewed)
		entry.ProjectID, entry.LabID = pid, before.Lab.ID
		return tx.Audit(ctx, entry)
	})
	return code, err
}

// NormalizeJoinCode reads a code as people type it: any case, with or without its hyphen or
// spaces. ok is false when it cannot be a code.
func NormalizeJoinCode(in string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(in) {
		switch {
		case r == '-' || r == ' ':
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	c := b.String()
	if len(c) != 8 {
		return "", false
	}
	return c[:4] + "-" + c[4:], true
}

// JoinTeam adds the student to the team whose code this is, within team_max, the window and
// the guard time: EFORBIDDEN (not a student), EINVALID (a malformed code), ENOTFOUND (no team
// has it), ECONFLICT (in a team already, the team is full, the window, the guard).
func (s *Service) JoinTeam(ctx context.Context, acc Access, code string) (pairup.Project, error) {
	if acc.Actor.CLI || acc.Role != pairup.RoleStudent {
		return pairup.Project{}, pairup.Errorf(pairup.EFORBIDDEN, "only the unit's students join teams with a code")
	}
	normal, ok := NormalizeJoinCode(code)
	if !ok {
		return pairup.Project{}, pairup.FieldErrorf(pairup.EINVALID, "code", "must be a team's code, such as K7Q2-M9XD")
	}
	student := acc.Actor.Person.Number
	var joined pairup.Project
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := s.checkPhase(acc, u); err != nil {
			return err
		}
		pid, err := tx.LockProjectByCode(ctx, u.Code, normal)
		if err != nil {
			return err
		}
		team, err := tx.Project(ctx, pid)
		if err != nil {
			return err
		}
		if err := s.checkTeamGuard(acc, u, team.Lab); err != nil {
			return err
		}
		switch err := s.addMember(ctx, tx, u, pid, student); {
		case errors.Is(err, pairup.ErrInTeam):
			return pairup.FieldErrorf(pairup.ECONFLICT, "code", "you are already in a project")
		case errors.Is(err, pairup.ErrTeamFull):
			return pairup.FieldErrorf(pairup.ECONFLICT, "code", "that team has %s already", sizeText(pairup.Policy{TeamMin: u.Policy.TeamMax, TeamMax: u.Policy.TeamMax}))
		case errors.Is(err, pairup.ErrNotStudentOfUnit):
			return pairup.Errorf(pairup.EFORBIDDEN, "only the unit's students join teams")
		case err != nil:
			return err
		}
		if joined, err = tx.Project(ctx, pid); err != nil {
			return err
		}
		entry := s.audit(acc, AuditMemberAdded)
		entry.ProjectID, entry.LabID, entry.Student = pid, joined.Lab.ID, student
		entry.Details = map[string]any{"members": memberNumbers(joined), "by": "join code"}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid})
	})
	return joined, err
}
