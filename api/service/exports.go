package service

import (
	"context"
	"time"

	"github.com/pairup/pairup/api/pairup"
)

// Calendar is the demos a calendar file lists, and when it was made (its DTSTAMP).
type Calendar struct {
	Unit  pairup.Unit
	Stamp time.Time
	Demos []pairup.Demo // in time order
}

// TeamContacts returns every team of the unit with its members' e-mail addresses, in slot time
// order, for the teams export: EFORBIDDEN.
func (s *Service) TeamContacts(ctx context.Context, acc Access) ([]pairup.TeamContacts, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	return s.st.TeamContacts(ctx, acc.Unit.Code)
}

// UnitCalendar returns every team's demo in the unit: EFORBIDDEN.
func (s *Service) UnitCalendar(ctx context.Context, acc Access) (Calendar, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return Calendar{}, err
	}
	projects, err := s.st.Projects(ctx, acc.Unit.Code)
	if err != nil {
		return Calendar{}, err
	}
	return s.calendar(ctx, acc.Unit, projects)
}

// StudentCalendar returns the demo of the student's team, or none when they are in no team:
// EFORBIDDEN (only the student, their teammates and coordinators), ENOTFOUND (not enrolled).
func (s *Service) StudentCalendar(ctx context.Context, acc Access, number string) (Calendar, error) {
	if _, err := s.Student(ctx, acc, number); err != nil {
		return Calendar{}, err
	}
	var projects []pairup.Project
	switch p, err := s.ProjectOf(ctx, acc, number); pairup.ErrorCode(err) {
	case "":
		projects = append(projects, p)
	case pairup.ENOTFOUND:
	default:
		return Calendar{}, err
	}
	return s.calendar(ctx, acc.Unit, projects)
}

// calendar makes the teams' demos: each starts when its slot does (its wall-clock time in the
// unit's zone) and lasts as pairup.DemoLength says.
func (s *Service) calendar(ctx context.Context, u pairup.Unit, projects []pairup.Project) (Calendar, error) {
	c := Calendar{Unit: u, Stamp: s.now().UTC().Truncate(time.Second), Demos: []pairup.Demo{}}
	if len(projects) == 0 {
		return c, nil
	}
	slots, err := s.st.Labs(ctx, u.Code)
	if err != nil {
		return Calendar{}, err
	}
	for _, p := range projects {
		if !p.Booked() {
			continue // no slot yet: nothing to put in a calendar
		}
		start := u.SlotStart(p.Lab).UTC()
		c.Demos = append(c.Demos, pairup.Demo{Team: p, Start: start, End: start.Add(pairup.DemoLength(slots, p.Lab))})
	}
	return c, nil
}
