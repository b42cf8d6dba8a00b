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

// Person returns the person with that number: ENOTFOUND when there is none.
func (q Queries) Person(ctx context.Context, number string) (pairup.Person, error) {
	r, err := q.q.GetPerson(ctx, number)
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Person{}, pairup.Errorf(pairup.ENOTFOUND, "no student with number %s", number)
	} else if err != nil {
		return pairup.Person{}, fmt.Errorf("get person: %w", err)
	}
	return pairup.Person{Number: r.StudentNumber, Name: r.Name, SiteAdmin: r.SiteAdmin, TokensValidFrom: utcPtr(r.TokensValidFrom)}, nil
}

// RefuseEarlierTokens makes every token of the person issued before at invalid (a PIN reset).
func (tx Tx) RefuseEarlierTokens(ctx context.Context, number string, at time.Time) error {
	if err := tx.q.RefuseEarlierTokens(ctx, dbgen.RefuseEarlierTokensParams{StudentNumber: number, At: &at}); err != nil {
		return fmt.Errorf("refuse earlier tokens: %w", err)
	}
	return nil
}

// Enrolment returns the person as enrolled in the unit: ENOTFOUND when they are not.
func (q Queries) Enrolment(ctx context.Context, unit, number string) (pairup.Student, error) {
	r, err := q.q.GetEnrolment(ctx, dbgen.GetEnrolmentParams{Unit: unit, StudentNumber: number})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Student{}, pairup.Errorf(pairup.ENOTFOUND, "no student with number %s", number)
	} else if err != nil {
		return pairup.Student{}, fmt.Errorf("get enrolment: %w", err)
	}
	return pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.Role(r.Role)}, nil
}

// Enrolments returns the units the person is enrolled in, with their role, by code.
func (q Queries) Enrolments(ctx context.Context, number string) ([]pairup.Enrolment, error) {
	rows, err := q.q.EnrolmentsOfPerson(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("enrolments: %w", err)
	}
	out := make([]pairup.Enrolment, len(rows))
	for i, r := range rows {
		out[i] = pairup.Enrolment{Unit: r.Code, Title: r.Title, Role: pairup.Role(r.Role)}
	}
	return out, nil
}

// UnitsOfPeople returns, for each of the people, the codes of the units they are enrolled in.
func (q Queries) UnitsOfPeople(ctx context.Context, numbers []string) (map[string][]string, error) {
	rows, err := q.q.EnrolmentsAmong(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("enrolments among: %w", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.StudentNumber] = append(out[r.StudentNumber], r.Unit)
	}
	return out, nil
}

// UpsertPerson creates the person or sets their name and PIN hash.
func (tx Tx) UpsertPerson(ctx context.Context, p pairup.Person, pinHash string) error {
	if err := tx.q.UpsertPerson(ctx, dbgen.UpsertPersonParams{StudentNumber: p.Number, Name: p.Name, PinHash: pinHash}); err != nil {
		return fmt.Errorf("upsert person: %w", err)
	}
	return nil
}

// Enrol enrols the person in the unit with the role, or changes their role there:
// ErrIsMember when a team member would stop being a student.
func (tx Tx) Enrol(ctx context.Context, unit, number string, role pairup.Role) error {
	err := tx.q.Enrol(ctx, dbgen.EnrolParams{Unit: unit, StudentNumber: number, Role: string(role)})
	if _, c := constraintViolated(err); c == "project_members_enrolment_fkey" {
		return pairup.ErrIsMember
	} else if err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	return nil
}

// SetSiteAdmin grants or revokes the site admin flag: ENOTFOUND when no such person.
func (tx Tx) SetSiteAdmin(ctx context.Context, number string, admin bool) error {
	n, err := tx.q.SetSiteAdmin(ctx, dbgen.SetSiteAdminParams{StudentNumber: number, SiteAdmin: admin})
	if err != nil {
		return fmt.Errorf("set site admin: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ENOTFOUND, "no person with number %s", number)
	}
	return nil
}
