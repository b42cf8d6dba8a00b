package service

import (
	"context"

	"github.com/pairup/pairup/api/pairup"
)

// Action is something a caller may or may not do in a unit.
type Action string

// The actions, and who may take each (Authorize is the one table).
const (
	ReadUnit       Action = "read the unit"       // anyone with access to the unit
	CoordinateUnit Action = "coordinate the unit" // its coordinators and site admins
	ReadStudent    Action = "read a student"      // the student, their teammates, coordinators
	FormTeam       Action = "form a team"         // the student themself, coordinators
	ChangeTeam     Action = "change a team"       // its members, coordinators
	LeaveTeam      Action = "leave a team"        // the member themself, coordinators
)

// Authorize decides whether the actor may take the action on the student (a student number, or
// "" for unit-wide actions): nil, or EFORBIDDEN. A stranger gets EFORBIDDEN whether or not the
// student exists, so student numbers cannot be probed.
func (s *Service) Authorize(ctx context.Context, acc Access, act Action, student string) error {
	if acc.Coordinates() {
		return nil
	}
	switch act {
	case ReadUnit:
		return nil
	case CoordinateUnit:
		return pairup.Errorf(pairup.EFORBIDDEN, "only the unit's coordinators may do this")
	case FormTeam, LeaveTeam:
		if acc.isSelf(student) {
			return nil
		}
		return pairup.Errorf(pairup.EFORBIDDEN, "only the student themself may do this")
	case ReadStudent, ChangeTeam:
		if acc.isSelf(student) {
			return nil
		}
		same, err := s.teammates(ctx, acc.Unit.Code, acc.Actor.Person.Number, student)
		if err != nil || same {
			return err
		}
		if acc.Unit.Policy.TeamMax == 2 {
			return pairup.Errorf(pairup.EFORBIDDEN, "you may only access yourself and your teammate")
		}
		return pairup.Errorf(pairup.EFORBIDDEN, "you may only access yourself and your teammates")
	}
	return pairup.Errorf(pairup.EFORBIDDEN, "you may not %s", act)
}

// teammates reports whether the two students are in one team of the unit.
func (s *Service) teammates(ctx context.Context, unit, a, b string) (bool, error) {
	pa, err := s.st.ProjectIDOf(ctx, unit, a)
	if pairup.ErrorCode(err) == pairup.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	pb, err := s.st.ProjectIDOf(ctx, unit, b)
	if pairup.ErrorCode(err) == pairup.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return pa == pb, nil
}
