package store

import (
	"context"
	"fmt"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// RosterPerson is a person as the roster's use cases see them.
type RosterPerson struct {
	Number, Name string
	Email        string // "" when none
	SiteAdmin    bool
}

// RosterMember is a person enrolled in a unit, with their team there.
type RosterMember struct {
	Number, Name string
	Email        string // "" when none
	Role         pairup.Role
	ProjectID    int64 // 0 when in no team
	Position     int64 // the order of joining the team
}

// LockRosters makes roster changes take turns until the transaction ends.
func (tx Tx) LockRosters(ctx context.Context) error {
	if err := tx.q.LockRosters(ctx); err != nil {
		return fmt.Errorf("lock rosters: %w", err)
	}
	return nil
}

// RosterMembers returns everyone enrolled in the unit, by student number.
func (q Queries) RosterMembers(ctx context.Context, unit string) ([]RosterMember, error) {
	rows, err := q.q.RosterMembers(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("roster of %s: %w", unit, err)
	}
	out := make([]RosterMember, len(rows))
	for i, r := range rows {
		out[i] = RosterMember{
			Number: r.StudentNumber, Name: r.Name, Email: deref(r.Email), Role: pairup.Role(r.Role),
			ProjectID: deref(r.ProjectID), Position: deref(r.Position),
		}
	}
	return out, nil
}

// PeopleAmong returns those of the numbers that are people, by number.
func (q Queries) PeopleAmong(ctx context.Context, numbers []string) (map[string]RosterPerson, error) {
	rows, err := q.q.PeopleAmong(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("people among: %w", err)
	}
	out := make(map[string]RosterPerson, len(rows))
	for _, r := range rows {
		out[r.StudentNumber] = RosterPerson{Number: r.StudentNumber, Name: r.Name, Email: deref(r.Email), SiteAdmin: r.SiteAdmin}
	}
	return out, nil
}

// PeopleBeyondCoordinator returns those of the numbers whose name, PIN and e-mail the
// coordinator actor of the unit may not change: site admins, and people also enrolled in a unit
// the actor does not coordinate.
func (q Queries) PeopleBeyondCoordinator(ctx context.Context, unit, actor string, numbers []string) (map[string]bool, error) {
	rows, err := q.q.PeopleBeyondCoordinator(ctx, dbgen.PeopleBeyondCoordinatorParams{Numbers: numbers, Unit: unit, Actor: actor})
	if err != nil {
		return nil, fmt.Errorf("people beyond a coordinator: %w", err)
	}
	out := make(map[string]bool, len(rows))
	for _, n := range rows {
		out[n] = true
	}
	return out, nil
}

// InsertPerson creates a person: ECONFLICT when the number is taken.
func (tx Tx) InsertPerson(ctx context.Context, p RosterPerson, pinHash string) error {
	n, err := tx.q.InsertPerson(ctx, dbgen.InsertPersonParams{StudentNumber: p.Number, Name: p.Name, PinHash: pinHash, Email: nonZero(p.Email)})
	if err != nil {
		return fmt.Errorf("insert person: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ECONFLICT, "student number %s was taken meanwhile; try again", p.Number)
	}
	return nil
}

// PersonChange is what changes about a person; nil fields stay as they are.
type PersonChange struct {
	Name    *string
	PINHash *string
	Email   *string // "" removes the address
}

// UpdatePerson changes the person: ENOTFOUND when there is none.
func (tx Tx) UpdatePerson(ctx context.Context, number string, c PersonChange) error {
	p := dbgen.UpdatePersonParams{StudentNumber: number, Name: c.Name, PinHash: c.PINHash, SetEmail: c.Email != nil}
	if c.Email != nil {
		p.Email = nonZero(*c.Email)
	}
	n, err := tx.q.UpdatePerson(ctx, p)
	if err != nil {
		return fmt.Errorf("update person: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ENOTFOUND, "no person with number %s", number)
	}
	return nil
}

// Unenrol takes the person off the unit's roster: ENOTFOUND when they are not on it,
// ErrIsMember when they are in a team of the unit.
func (tx Tx) Unenrol(ctx context.Context, unit, number string) error {
	n, err := tx.q.Unenrol(ctx, dbgen.UnenrolParams{Unit: unit, StudentNumber: number})
	if _, c := constraintViolated(err); c == "project_members_enrolment_fkey" {
		return pairup.ErrIsMember
	} else if err != nil {
		return fmt.Errorf("unenrol: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ENOTFOUND, "%s is not enrolled in this unit", number)
	}
	return nil
}
