package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

var errNoProject = pairup.Errorf(pairup.ENOTFOUND, "no such project")

// InsertProject creates a team without members booked into the slot: ErrSlotFull, ErrNoSlot.
func (tx Tx) InsertProject(ctx context.Context, unit, description string, labID int64) (int64, error) {
	pid, err := tx.q.InsertProject(ctx, dbgen.InsertProjectParams{Unit: unit, Description: description, LabID: labID})
	if err != nil {
		return 0, slotError(err)
	}
	return pid, nil
}

// AddMember adds the student to the team: ErrNotStudentOfUnit, ErrInTeam, ErrTeamFull.
func (tx Tx) AddMember(ctx context.Context, unit string, pid int64, number string) error {
	err := tx.q.AddMember(ctx, dbgen.AddMemberParams{Unit: unit, ProjectID: pid, StudentNumber: number})
	switch _, c := constraintViolated(err); {
	case err == nil:
		return nil
	case c == "project_members_enrolment_fkey":
		return pairup.ErrNotStudentOfUnit
	case c == "project_members_one_team_per_unit", c == "project_members_pkey":
		return pairup.ErrInTeam
	case c == "project_members_team_max":
		return pairup.ErrTeamFull
	}
	return fmt.Errorf("add member: %w", err)
}

// RemoveMember takes the student out of the team: ENOTFOUND when they are not in it.
func (tx Tx) RemoveMember(ctx context.Context, unit string, pid int64, number string) error {
	n, err := tx.q.RemoveMember(ctx, dbgen.RemoveMemberParams{Unit: unit, ProjectID: pid, StudentNumber: number})
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ENOTFOUND, "the student is not a member of that team")
	}
	return nil
}

// CountMembers returns the team's size.
func (tx Tx) CountMembers(ctx context.Context, unit string, pid int64) (int, error) {
	n, err := tx.q.CountMembers(ctx, dbgen.CountMembersParams{Unit: unit, ProjectID: pid})
	if err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return int(n), nil
}

// UpdateProject sets the team's description and slot: ErrSlotFull, ErrNoSlot.
func (tx Tx) UpdateProject(ctx context.Context, unit string, pid int64, description string, labID int64) error {
	_, err := tx.q.UpdateProject(ctx, dbgen.UpdateProjectParams{Unit: unit, ID: pid, Description: description, LabID: labID})
	if err != nil {
		return slotError(err)
	}
	return nil
}

// ProjectIDOf returns the id of the student's team in the unit: ENOTFOUND when none.
func (q Queries) ProjectIDOf(ctx context.Context, unit, number string) (int64, error) {
	pid, err := q.q.ProjectIDOfStudent(ctx, dbgen.ProjectIDOfStudentParams{Unit: unit, StudentNumber: number})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, pairup.Errorf(pairup.ENOTFOUND, "the student has no project")
	} else if err != nil {
		return 0, fmt.Errorf("find project of student: %w", err)
	}
	return pid, nil
}

// LockProject locks the team's row until the transaction ends and returns its slot id:
// ENOTFOUND when there is no such team in the unit.
func (tx Tx) LockProject(ctx context.Context, unit string, pid int64) (int64, error) {
	lab, err := tx.q.LockProject(ctx, dbgen.LockProjectParams{Unit: unit, ID: pid})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errNoProject
	} else if err != nil {
		return 0, fmt.Errorf("lock project: %w", err)
	}
	return lab, nil
}

// DeleteProject dissolves the team and returns the slot it freed: ENOTFOUND.
func (tx Tx) DeleteProject(ctx context.Context, unit string, pid int64) (int64, error) {
	lab, err := tx.q.DeleteProject(ctx, dbgen.DeleteProjectParams{Unit: unit, ID: pid})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, errNoProject
	} else if err != nil {
		return 0, fmt.Errorf("delete project: %w", err)
	}
	return lab, nil
}

// Project returns one team with its slot and members: ENOTFOUND when it does not exist.
func (q Queries) Project(ctx context.Context, pid int64) (pairup.Project, error) {
	rows, err := q.q.GetProjectRows(ctx, pid)
	if err != nil {
		return pairup.Project{}, fmt.Errorf("get project: %w", err)
	}
	if len(rows) == 0 {
		return pairup.Project{}, errNoProject
	}
	p := projectRows(len(rows), func(i int) dbgen.ListProjectRowsRow { return dbgen.ListProjectRowsRow(rows[i]) })
	return p[0], nil
}

// Projects returns every team of the unit in slot time order.
func (q Queries) Projects(ctx context.Context, unit string) ([]pairup.Project, error) {
	rows, err := q.q.ListProjectRows(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	return projectRows(len(rows), func(i int) dbgen.ListProjectRowsRow { return rows[i] }), nil
}

// projectRows folds one row per member into projects.
func projectRows(n int, row func(int) dbgen.ListProjectRowsRow) []pairup.Project {
	projects := []pairup.Project{}
	for i := range n {
		r := row(i)
		if k := len(projects); k == 0 || projects[k-1].ID != r.ID {
			projects = append(projects, pairup.Project{
				ID: r.ID, Unit: r.Unit, Description: r.Description,
				Lab: pairup.LabSlot{ID: r.LabID, Unit: r.Unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked)},
			})
		}
		p := &projects[len(projects)-1]
		p.Members = append(p.Members, pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.RoleStudent})
	}
	return projects
}

// slotError maps a failed write of a team's lab_id.
func slotError(err error) error {
	switch code, constraint := constraintViolated(err); {
	case constraint == "lab_slots_booked_within_capacity":
		return pairup.ErrSlotFull
	case code == "23503": // the unit has no such slot
		return pairup.ErrNoSlot
	}
	return fmt.Errorf("write project: %w", err)
}
