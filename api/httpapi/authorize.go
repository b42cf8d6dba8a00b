package httpapi

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
)

// policy decides whether the caller may act on the student named in the path.
type policy func(s *Server, ctx context.Context, caller auth.Caller, id string) error

// studentPolicies is who may use each operation on /students/{id}/...: the one table of
// authorization rules. An operation on a student that is missing here is refused at start-up.
var studentPolicies = map[string]policy{
	"getStudent":           selfTeammateOrAdmin,
	"getStudentProject":    selfTeammateOrAdmin,
	"updateStudentProject": selfTeammateOrAdmin, // either member
	"deleteStudentProject": selfTeammateOrAdmin, // either member
	"createStudentProject": selfOrAdmin,
}

// authorizeStudent checks the path's student number and the operation's policy before the
// body is even read, so a stranger learns nothing from validation errors.
func (s *Server) authorizeStudent(p policy) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Param("id")
			if !pairup.ValidStudentNumber(id) {
				return pairup.FieldErrorf(pairup.EINVALID, "id", "must be an 8-digit student number")
			}
			ctx := c.Request().Context()
			if err := p(s, ctx, mustCaller(ctx), id); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// mustCaller returns the authenticated caller. The bearer middleware runs before every
// operation that reaches this, so a missing caller is a wiring bug, not a client error.
func mustCaller(ctx context.Context) auth.Caller {
	c, ok := auth.CallerFrom(ctx)
	if !ok {
		panic("httpapi: operation reached without an authenticated caller")
	}
	return c
}

// selfTeammateOrAdmin allows the student themself, their teammate and admins. Anyone else gets
// 403 whether or not the student exists, so student numbers cannot be probed.
func selfTeammateOrAdmin(s *Server, ctx context.Context, caller auth.Caller, id string) error {
	if caller.IsAdmin() || caller.Number == id {
		return nil
	}
	p, err := s.Projects.ProjectOf(ctx, caller.Number)
	switch pairup.ErrorCode(err) {
	case "":
		if p.HasMember(id) {
			return nil
		}
	case pairup.ENOTFOUND:
	default:
		return err
	}
	return pairup.Errorf(pairup.EFORBIDDEN, "you may only access yourself and your teammate")
}

// selfOrAdmin allows only the student themself, and admins acting for an existing student.
func selfOrAdmin(s *Server, ctx context.Context, caller auth.Caller, id string) error {
	switch {
	case caller.Number == id:
		return nil
	case caller.IsAdmin():
		_, err := s.Students.Student(ctx, id)
		return err
	}
	return pairup.Errorf(pairup.EFORBIDDEN, "only the student themself may do this")
}
