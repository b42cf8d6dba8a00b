// Package service holds Pair-Up's use cases: each runs, in one place and in this order, who may
// (the caller's role in the unit), the unit's policy (phase, guard time, team size), one
// database transaction that makes the change, its audit entry and its event. Handlers adapt
// requests to these calls; the store persists; the database enforces every invariant that must
// hold under concurrency.
package service

import (
	"context"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// Service runs the use cases on one store.
type Service struct {
	st   *store.Store
	now  func() time.Time
	mail bool // notices also go by email (EnableMail)

	metrics Metrics // hears of bookings (SetMetrics); nil: no one
}

// New returns the use cases on st; now is the clock (time.Now in production, a test's own clock
// in tests).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// Actor is who asks: a signed-in person, or the command line.
type Actor struct {
	Person pairup.Person
	CLI    bool
}

// CommandLine is the actor of the pairup command's changes.
var CommandLine = Actor{CLI: true, Person: pairup.Person{Name: pairup.CommandLineActor}}

// Access is an actor's standing in one unit, as found by Service.Access.
type Access struct {
	Actor Actor
	Unit  pairup.Unit
	Role  pairup.Role // the actor's enrolment; "" for a site admin or the command line not enrolled
}

// Coordinates reports whether the actor may coordinate the unit: its coordinators, site admins
// and the command line.
func (a Access) Coordinates() bool {
	return a.Actor.CLI || a.Actor.Person.SiteAdmin || a.Role == pairup.RoleCoordinator
}

// isSelf reports whether the student number is the actor's own.
func (a Access) isSelf(number string) bool { return !a.Actor.CLI && a.Actor.Person.Number == number }

// Access finds the actor's standing in the unit (the default unit when code is ""). Anyone
// neither enrolled in it nor a site admin gets EFORBIDDEN, whether or not the unit exists, so
// unit codes cannot be probed; site admins learn ENOTFOUND.
func (s *Service) Access(ctx context.Context, a Actor, code string) (Access, error) {
	if code == "" {
		var err error
		if code, err = s.st.DefaultUnitCode(ctx); err != nil {
			return Access{}, err
		}
	}
	if !a.CLI && !a.Person.SiteAdmin {
		e, err := s.st.Enrolment(ctx, code, a.Person.Number)
		if pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return Access{}, pairup.Errorf(pairup.EFORBIDDEN, "you are not enrolled in this unit")
		} else if err != nil {
			return Access{}, err
		}
		u, err := s.st.Unit(ctx, code)
		if err != nil {
			return Access{}, err
		}
		return Access{Actor: a, Unit: u, Role: e.Role}, nil
	}
	u, err := s.st.Unit(ctx, code)
	if err != nil {
		return Access{}, err
	}
	acc := Access{Actor: a, Unit: u}
	if !a.CLI {
		if e, err := s.st.Enrolment(ctx, code, a.Person.Number); err == nil {
			acc.Role = e.Role
		}
	}
	return acc, nil
}

// Me returns the person and their enrolments.
func (s *Service) Me(ctx context.Context, a Actor) (pairup.Person, []pairup.Enrolment, error) {
	p, err := s.st.Person(ctx, a.Person.Number)
	if err != nil {
		return pairup.Person{}, nil, err
	}
	es, err := s.st.Enrolments(ctx, p.Number)
	return p, es, err
}

// Phase is the unit's sign-up phase now.
func (s *Service) Phase(u pairup.Unit) string { return u.Policy.Phase(s.now()) }

// audit builds the audit entry of a change by the actor in the unit.
func (s *Service) audit(acc Access, action string) pairup.AuditEntry {
	e := pairup.AuditEntry{Unit: acc.Unit.Code, At: s.now().UTC(), ActorName: acc.Actor.Person.Name, Action: action}
	if !acc.Actor.CLI {
		e.ActorID = acc.Actor.Person.Number
	}
	return e
}

// Person returns the person with that number (for authentication): ENOTFOUND.
func (s *Service) Person(ctx context.Context, number string) (pairup.Person, error) {
	return s.st.Person(ctx, number)
}
