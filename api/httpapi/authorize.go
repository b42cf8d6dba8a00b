package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
)

// mustCaller returns the authenticated caller. The bearer middleware runs before every
// operation that reaches this, so a missing caller is a wiring bug, not a client error.
func mustCaller(ctx context.Context) auth.Caller {
	c, ok := auth.CallerFrom(ctx)
	if !ok {
		panic("httpapi: operation reached without an authenticated caller")
	}
	return c
}

func validStudentID(id string) error {
	if !pairup.ValidStudentNumber(id) {
		return pairup.FieldErrorf(pairup.EINVALID, "id", "must be an 8-digit student number")
	}
	return nil
}

var errForbidden = pairup.Errorf(pairup.EFORBIDDEN, "you may only access yourself and your teammate")

// teammates reports whether the caller and the student with number id are in one project.
func (s *Server) teammates(ctx context.Context, caller auth.Caller, id string) (bool, error) {
	p, err := s.Projects.ProjectOf(ctx, caller.Number)
	switch pairup.ErrorCode(err) {
	case "":
		return p.HasMember(id), nil
	case pairup.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// mayRead allows the student themself, their teammate and admins.
func (s *Server) mayRead(ctx context.Context, id string) error {
	if err := validStudentID(id); err != nil {
		return err
	}
	caller := mustCaller(ctx)
	if caller.IsAdmin() || caller.Number == id {
		return nil
	}
	ok, err := s.teammates(ctx, caller, id)
	if err != nil {
		return err
	}
	if !ok {
		return errForbidden
	}
	return nil
}

// mayCreate allows only the student themself, and admins acting for an existing student.
func (s *Server) mayCreate(ctx context.Context, id string) error {
	if err := validStudentID(id); err != nil {
		return err
	}
	caller := mustCaller(ctx)
	switch {
	case caller.Number == id:
		return nil
	case caller.IsAdmin():
		_, err := s.Students.Student(ctx, id)
		return err
	}
	return pairup.Errorf(pairup.EFORBIDDEN, "only the student themself may create their project")
}

// memberProject returns the project of student id if the caller may change it: a member or an
// admin.
func (s *Server) memberProject(ctx context.Context, id string) (pairup.Project, error) {
	if err := s.mayRead(ctx, id); err != nil {
		return pairup.Project{}, err
	}
	return s.Projects.ProjectOf(ctx, id)
}
