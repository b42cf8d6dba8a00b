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

// ErrInvitedAlready is returned when the team has a pending invitation to the student.
var ErrInvitedAlready = errors.New("the team has invited the student already")

var errNoInvitation = pairup.Errorf(pairup.ENOTFOUND, "no such invitation")

// InsertInvitation stores a pending invitation of the team to the student: ErrInvitedAlready,
// pairup.ErrNotStudentOfUnit.
func (tx Tx) InsertInvitation(ctx context.Context, unit string, pid int64, from, student string, at, expires time.Time) (int64, error) {
	id, err := tx.q.InsertInvitation(ctx, dbgen.InsertInvitationParams{
		Unit: unit, ProjectID: &pid, FromStudent: from, StudentNumber: student, CreatedAt: at, ExpiresAt: expires,
	})
	switch _, c := constraintViolated(err); {
	case err == nil:
		return id, nil
	case c == "invitations_one_pending":
		return 0, ErrInvitedAlready
	case c == "invitations_student_fkey":
		return 0, pairup.ErrNotStudentOfUnit
	}
	return 0, fmt.Errorf("insert invitation: %w", err)
}

// Invitation returns one invitation of the unit: ENOTFOUND.
func (q Queries) Invitation(ctx context.Context, unit string, id int64) (pairup.Invitation, error) {
	r, err := q.q.GetInvitationRow(ctx, dbgen.GetInvitationRowParams{Unit: unit, ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Invitation{}, errNoInvitation
	} else if err != nil {
		return pairup.Invitation{}, fmt.Errorf("get invitation: %w", err)
	}
	return invitation(dbgen.ListInvitationRowsRow(r)), nil
}

// LockInvitation locks the invitation's row until the transaction ends and returns it as it is
// now: ENOTFOUND.
func (tx Tx) LockInvitation(ctx context.Context, unit string, id int64) (pairup.Invitation, error) {
	if _, err := tx.q.LockInvitation(ctx, dbgen.LockInvitationParams{Unit: unit, ID: id}); errors.Is(err, pgx.ErrNoRows) {
		return pairup.Invitation{}, errNoInvitation
	} else if err != nil {
		return pairup.Invitation{}, fmt.Errorf("lock invitation: %w", err)
	}
	return tx.Invitation(ctx, unit, id)
}

// ResolveInvitation sets a pending invitation's status (accepted, declined, withdrawn).
func (tx Tx) ResolveInvitation(ctx context.Context, unit string, id int64, status string, at time.Time) error {
	if err := tx.q.ResolveInvitation(ctx, dbgen.ResolveInvitationParams{Unit: unit, ID: id, Status: status, ResolvedAt: &at}); err != nil {
		return fmt.Errorf("resolve invitation: %w", err)
	}
	return nil
}

// Lapsed is an invitation that lapsed: whom it was to, from which team.
type Lapsed struct {
	ID        int64
	ProjectID int64
	Student   string
}

// LapseStudentInvitations lapses every pending invitation to the student in the unit and
// returns those that were still live (not expired) at the instant.
func (tx Tx) LapseStudentInvitations(ctx context.Context, unit, student string, at time.Time) ([]Lapsed, error) {
	rows, err := tx.q.LapseStudentInvitations(ctx, dbgen.LapseStudentInvitationsParams{Unit: unit, StudentNumber: student, ResolvedAt: &at})
	if err != nil {
		return nil, fmt.Errorf("lapse invitations: %w", err)
	}
	var out []Lapsed
	for _, r := range rows {
		if r.ExpiresAt.After(at) {
			out = append(out, Lapsed{ID: r.ID, ProjectID: r.ProjectID, Student: student})
		}
	}
	return out, nil
}

// LapseTeamInvitations lapses every pending invitation of the team and returns those that were
// still live at the instant.
func (tx Tx) LapseTeamInvitations(ctx context.Context, unit string, pid int64, at time.Time) ([]Lapsed, error) {
	rows, err := tx.q.LapseTeamInvitations(ctx, dbgen.LapseTeamInvitationsParams{Unit: unit, ProjectID: &pid, ResolvedAt: &at})
	if err != nil {
		return nil, fmt.Errorf("lapse team invitations: %w", err)
	}
	var out []Lapsed
	for _, r := range rows {
		if r.ExpiresAt.After(at) {
			out = append(out, Lapsed{ID: r.ID, ProjectID: pid, Student: r.StudentNumber})
		}
	}
	return out, nil
}

// LapseExpiredInvitation marks an expired pending invitation of the team to the student as
// lapsed, so that a new one may be sent.
func (tx Tx) LapseExpiredInvitation(ctx context.Context, unit string, pid int64, student string, now time.Time) error {
	if err := tx.q.LapseExpiredInvitation(ctx, dbgen.LapseExpiredInvitationParams{Unit: unit, ProjectID: &pid, StudentNumber: student, Now: now}); err != nil {
		return fmt.Errorf("lapse expired invitation: %w", err)
	}
	return nil
}

// LockEnrolment locks the student's enrolment in the unit: invitations to one student are sent
// and accepted one at a time, and a member joining by any other route waits for them.
// ENOTFOUND when not enrolled.
func (tx Tx) LockEnrolment(ctx context.Context, unit, student string) (pairup.Role, error) {
	role, err := tx.q.LockEnrolment(ctx, dbgen.LockEnrolmentParams{Unit: unit, StudentNumber: student})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", pairup.Errorf(pairup.ENOTFOUND, "not enrolled in the unit")
	} else if err != nil {
		return "", fmt.Errorf("lock enrolment: %w", err)
	}
	return pairup.Role(role), nil
}

// Invitations returns the invitations to the student or from the team (pid 0: none) that are
// pending or were resolved (or expired) after since, newest first.
func (q Queries) Invitations(ctx context.Context, unit, student string, pid int64, since time.Time) ([]pairup.Invitation, error) {
	rows, err := q.q.ListInvitationRows(ctx, dbgen.ListInvitationRowsParams{Unit: unit, StudentNumber: student, ProjectID: &pid, Since: &since})
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	out := make([]pairup.Invitation, len(rows))
	for i, r := range rows {
		out[i] = invitation(r)
	}
	return out, nil
}

// PendingInvitations returns every pending invitation of the unit not expired at now.
func (q Queries) PendingInvitations(ctx context.Context, unit string, now time.Time) ([]pairup.Invitation, error) {
	rows, err := q.q.ListPendingInvitationRows(ctx, dbgen.ListPendingInvitationRowsParams{Unit: unit, Now: now})
	if err != nil {
		return nil, fmt.Errorf("list pending invitations: %w", err)
	}
	out := make([]pairup.Invitation, len(rows))
	for i, r := range rows {
		out[i] = invitation(dbgen.ListInvitationRowsRow(r))
	}
	return out, nil
}

func invitation(r dbgen.ListInvitationRowsRow) pairup.Invitation {
	return pairup.Invitation{
		ID: r.ID, Unit: r.Unit, ProjectID: r.ProjectID, Team: r.Team,
		From:    pairup.Student{Number: r.FromStudent, Name: r.FromName, Role: pairup.RoleStudent},
		Student: pairup.Student{Number: r.StudentNumber, Name: r.StudentName, Role: pairup.RoleStudent},
		Status:  r.Status, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
	}
}
