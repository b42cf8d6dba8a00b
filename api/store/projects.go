package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// Student implements pairup.StudentService.
func (s *Store) Student(ctx context.Context, number string) (pairup.Student, error) {
	row, err := s.q.GetStudent(ctx, number)
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Student{}, pairup.Errorf(pairup.ENOTFOUND, "no student with number %s", number)
	} else if err != nil {
		return pairup.Student{}, fmt.Errorf("get student: %w", err)
	}
	return pairup.Student{Number: row.StudentNumber, Name: row.Name, Role: pairup.Role(row.Role)}, nil
}

// ProjectOf implements pairup.ProjectService.
func (s *Store) ProjectOf(ctx context.Context, studentNumber string) (pairup.Project, error) {
	pid, err := s.q.ProjectIDOfStudent(ctx, studentNumber)
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Project{}, pairup.Errorf(pairup.ENOTFOUND, "the student has no project")
	} else if err != nil {
		return pairup.Project{}, fmt.Errorf("find project of student: %w", err)
	}
	p, err := project(ctx, s.q, pid)
	if pairup.ErrorCode(err) == pairup.ENOTFOUND {
		// Dissolved between the two reads.
		return pairup.Project{}, pairup.Errorf(pairup.ENOTFOUND, "the student has no project")
	}
	return p, err
}

// CreateProject implements pairup.ProjectService. The database decides every race: the slot's
// CHECK (booked <= capacity) under its row lock, and UNIQUE (student_number) on members.
func (s *Store) CreateProject(ctx context.Context, np pairup.NewProject) (pairup.Project, error) {
	if np.Creator == np.Partner {
		return pairup.Project{}, pairup.FieldErrorf(pairup.EINVALID, "partnerNumber", "your partner must be someone else")
	}
	var created pairup.Project
	err := s.inTx(ctx, func(q *dbgen.Queries) error {
		pid, err := q.InsertProject(ctx, dbgen.InsertProjectParams{Description: np.Description, LabID: np.LabID})
		if err != nil {
			return labError(err)
		}
		if err := addMember(ctx, q, pid, np.Creator, 1); err != nil {
			return err
		}
		if err := addMember(ctx, q, pid, np.Partner, 2); err != nil {
			return err
		}
		if created, err = project(ctx, q, pid); err != nil {
			return err
		}
		return notify(ctx, q, pairup.Event{Kind: pairup.EventProjectChanged, ProjectID: pid, LabIDs: []int64{np.LabID}})
	})
	if err != nil {
		return pairup.Project{}, err
	}
	return created, nil
}

func addMember(ctx context.Context, q *dbgen.Queries, pid int64, student string, position int16) error {
	field, who := "partnerNumber", "your partner"
	if position == 1 {
		field, who = "id", "you"
	}
	n, err := q.AddMember(ctx, dbgen.AddMemberParams{ProjectID: pid, StudentNumber: student, Position: position})
	if code, constraint := constraintViolated(err); constraint == "project_members_student_number_key" {
		if position == 1 {
			return pairup.FieldErrorf(pairup.ECONFLICT, field, "you are already in a project")
		}
		return pairup.FieldErrorf(pairup.ECONFLICT, field, "that student is already in a project")
	} else if code != "" {
		return fmt.Errorf("add member (%s): %w", constraint, err)
	} else if err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	if n == 0 {
		return pairup.FieldErrorf(pairup.EINVALID, field, "%s must be a student on the roster", who)
	}
	return nil
}

// labError maps a failed write of a project's lab_id to the domain.
func labError(err error) error {
	switch code, constraint := constraintViolated(err); {
	case constraint == "lab_slots_booked_within_capacity":
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "that lab slot is full")
	case code == "23503": // foreign key: no such slot
		return pairup.FieldErrorf(pairup.EINVALID, "lab_id", "no such lab slot")
	case err != nil:
		return fmt.Errorf("write project: %w", err)
	}
	return nil
}

// UpdateProject implements pairup.ProjectService.
func (s *Store) UpdateProject(ctx context.Context, c pairup.ProjectChange) (pairup.Project, error) {
	var updated pairup.Project
	err := s.inTx(ctx, func(q *dbgen.Queries) error {
		// The old slot is read under the project's row lock only to say which slots changed.
		oldLab, err := q.LockProjectLab(ctx, c.ProjectID)
		if errors.Is(err, pgx.ErrNoRows) {
			return pairup.Errorf(pairup.ENOTFOUND, "no such project")
		} else if err != nil {
			return fmt.Errorf("lock project: %w", err)
		}
		if _, err := q.UpdateProject(ctx, dbgen.UpdateProjectParams{ID: c.ProjectID, Description: c.Description, LabID: c.LabID}); err != nil {
			return labError(err)
		}
		if updated, err = project(ctx, q, c.ProjectID); err != nil {
			return err
		}
		e := pairup.Event{Kind: pairup.EventProjectChanged, ProjectID: c.ProjectID}
		if oldLab != c.LabID {
			e.LabIDs = []int64{oldLab, c.LabID}
		}
		return notify(ctx, q, e)
	})
	if err != nil {
		return pairup.Project{}, err
	}
	return updated, nil
}

// DeleteProject implements pairup.ProjectService.
func (s *Store) DeleteProject(ctx context.Context, pid int64) error {
	return s.inTx(ctx, func(q *dbgen.Queries) error {
		lab, err := q.DeleteProjectReturningLab(ctx, pid)
		if errors.Is(err, pgx.ErrNoRows) {
			return pairup.Errorf(pairup.ENOTFOUND, "no such project")
		} else if err != nil {
			return fmt.Errorf("delete project: %w", err)
		}
		return notify(ctx, q, pairup.Event{Kind: pairup.EventProjectDeleted, ProjectID: pid, LabIDs: []int64{lab}})
	})
}

// Projects implements pairup.ProjectService.
func (s *Store) Projects(ctx context.Context) ([]pairup.Project, error) {
	rows, err := s.q.ListProjectRows(ctx)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	projects := []pairup.Project{}
	for _, r := range rows {
		if n := len(projects); n == 0 || projects[n-1].ID != r.ID {
			projects = append(projects, pairup.Project{
				ID:          r.ID,
				Description: r.Description,
				Lab:         pairup.LabSlot{ID: r.LabID, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity)},
			})
		}
		p := &projects[len(projects)-1]
		p.Members = append(p.Members, pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.Role(r.Role)})
	}
	return projects, nil
}

func project(ctx context.Context, q *dbgen.Queries, pid int64) (pairup.Project, error) {
	rows, err := q.GetProjectRows(ctx, pid)
	if err != nil {
		return pairup.Project{}, fmt.Errorf("get project: %w", err)
	}
	if len(rows) == 0 {
		return pairup.Project{}, pairup.Errorf(pairup.ENOTFOUND, "no such project")
	}
	r := rows[0]
	p := pairup.Project{
		ID:          r.ID,
		Description: r.Description,
		Lab:         pairup.LabSlot{ID: r.LabID, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity)},
	}
	for _, r := range rows {
		p.Members = append(p.Members, pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.Role(r.Role)})
	}
	return p, nil
}

// AvailableLabs implements pairup.ProjectService.
func (s *Store) AvailableLabs(ctx context.Context) ([]pairup.LabSlot, error) {
	rows, err := s.q.ListAvailableLabs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list available labs: %w", err)
	}
	labs := make([]pairup.LabSlot, len(rows))
	for i, r := range rows {
		labs[i] = pairup.LabSlot{ID: r.ID, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity)}
	}
	return labs, nil
}
