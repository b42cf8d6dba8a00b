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

func unitFrom(r dbgen.Unit) pairup.Unit {
	return pairup.Unit{Code: r.Code, Title: r.Title, Timezone: r.Timezone, Default: r.IsDefault, ArchivedAt: utcPtr(r.ArchivedAt), Policy: pairup.Policy{
		TeamMin: int(r.TeamMin), TeamMax: int(r.TeamMax), OpensAt: utcPtr(r.OpensAt), ClosesAt: utcPtr(r.ClosesAt), GuardMinutes: int(r.GuardMinutes),
		Consent: r.Consent, InviteHours: int(r.InviteHours), Booking: r.Booking, HoldMinutes: int(r.HoldMinutes),
	}}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func noUnit(code string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.Errorf(pairup.ENOTFOUND, "no unit %s", code)
	}
	return fmt.Errorf("get unit: %w", err)
}

// Unit returns the unit with that code: ENOTFOUND when there is none.
func (q Queries) Unit(ctx context.Context, code string) (pairup.Unit, error) {
	r, err := q.q.GetUnit(ctx, code)
	if err != nil {
		return pairup.Unit{}, noUnit(code, err)
	}
	return unitFrom(r), nil
}

// UnitForShare is Unit with the unit's row share-locked until the transaction ends, so its
// policy cannot change meanwhile.
func (tx Tx) UnitForShare(ctx context.Context, code string) (pairup.Unit, error) {
	r, err := tx.q.GetUnitForShare(ctx, code)
	if err != nil {
		return pairup.Unit{}, noUnit(code, err)
	}
	return unitFrom(r), nil
}

// UnitForUpdate is Unit with the unit's row locked for update until the transaction ends.
func (tx Tx) UnitForUpdate(ctx context.Context, code string) (pairup.Unit, error) {
	r, err := tx.q.GetUnitForUpdate(ctx, code)
	if err != nil {
		return pairup.Unit{}, noUnit(code, err)
	}
	return unitFrom(r), nil
}

// DefaultUnitCode returns the code of the deployment's default unit.
func (q Queries) DefaultUnitCode(ctx context.Context) (string, error) {
	code, err := q.q.DefaultUnitCode(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", pairup.Errorf(pairup.ENOTFOUND, "there is no default unit")
	} else if err != nil {
		return "", fmt.Errorf("default unit: %w", err)
	}
	return code, nil
}

// Units returns every unit, by code.
func (q Queries) Units(ctx context.Context) ([]pairup.Unit, error) {
	rows, err := q.q.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	out := make([]pairup.Unit, len(rows))
	for i, r := range rows {
		out[i] = unitFrom(r)
	}
	return out, nil
}

// UnitsOf returns the units the person is enrolled in, by code.
func (q Queries) UnitsOf(ctx context.Context, number string) ([]pairup.Unit, error) {
	rows, err := q.q.ListUnitsOfPerson(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("list units of person: %w", err)
	}
	out := make([]pairup.Unit, len(rows))
	for i, r := range rows {
		out[i] = unitFrom(r.Unit)
	}
	return out, nil
}

// InsertUnit creates a unit: ECONFLICT when its code is taken.
func (tx Tx) InsertUnit(ctx context.Context, u pairup.Unit) error {
	n, err := tx.q.InsertUnit(ctx, dbgen.InsertUnitParams{
		Code: u.Code, Title: u.Title, Timezone: u.Timezone,
		TeamMin: int32(u.Policy.TeamMin), TeamMax: int32(u.Policy.TeamMax),
		OpensAt: u.Policy.OpensAt, ClosesAt: u.Policy.ClosesAt, GuardMinutes: int32(u.Policy.GuardMinutes),
		Consent: u.Policy.Consent, InviteHours: int32(u.Policy.InviteHours), Booking: u.Policy.Booking, HoldMinutes: int32(u.Policy.HoldMinutes),
	})
	if err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	if n == 0 {
		return pairup.FieldErrorf(pairup.ECONFLICT, "code", "a unit with code %s exists already", u.Code)
	}
	return nil
}

// UpdateUnit stores the unit's title, zone and policy.
func (tx Tx) UpdateUnit(ctx context.Context, u pairup.Unit) error {
	err := tx.q.UpdateUnit(ctx, dbgen.UpdateUnitParams{
		Code: u.Code, Title: u.Title, Timezone: u.Timezone,
		TeamMin: int32(u.Policy.TeamMin), TeamMax: int32(u.Policy.TeamMax),
		OpensAt: u.Policy.OpensAt, ClosesAt: u.Policy.ClosesAt, GuardMinutes: int32(u.Policy.GuardMinutes),
		Consent: u.Policy.Consent, InviteHours: int32(u.Policy.InviteHours), Booking: u.Policy.Booking, HoldMinutes: int32(u.Policy.HoldMinutes),
	})
	if err != nil {
		return fmt.Errorf("update unit: %w", err)
	}
	return nil
}

// SetDefaultUnit makes the unit the default one: ENOTFOUND when there is no such unit.
func (tx Tx) SetDefaultUnit(ctx context.Context, code string) error {
	if err := tx.q.ClearDefaultUnit(ctx); err != nil {
		return fmt.Errorf("clear default unit: %w", err)
	}
	n, err := tx.q.SetDefaultUnit(ctx, code)
	if err != nil {
		return fmt.Errorf("set default unit: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ENOTFOUND, "no unit %s", code)
	}
	return nil
}

// LargestTeam returns the size of the unit's largest team, 0 when it has none.
func (q Queries) LargestTeam(ctx context.Context, unit string) (int, error) {
	n, err := q.q.LargestTeam(ctx, unit)
	if err != nil {
		return 0, fmt.Errorf("largest team: %w", err)
	}
	return int(n), nil
}

// ArchiveUnit makes the unit read-only from at on: ECONFLICT when it is archived already.
func (tx Tx) ArchiveUnit(ctx context.Context, code string, at time.Time) error {
	n, err := tx.q.ArchiveUnit(ctx, dbgen.ArchiveUnitParams{Code: code, At: &at})
	if err != nil {
		return fmt.Errorf("archive unit: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ECONFLICT, "the unit is archived already")
	}
	return nil
}

// DeleteUnit deletes the unit with everything in it, and the people enrolled in it who are in no
// other unit (and are not site admins): ENOTFOUND.
func (tx Tx) DeleteUnit(ctx context.Context, code string) error {
	numbers, err := tx.q.EnrolledNumbers(ctx, code)
	if err != nil {
		return fmt.Errorf("enrolled people: %w", err)
	}
	if err := tx.q.DeleteUnitProjects(ctx, code); err != nil {
		return fmt.Errorf("delete the unit's teams: %w", err)
	}
	n, err := tx.q.DeleteUnit(ctx, code)
	if err != nil {
		return fmt.Errorf("delete unit: %w", err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ENOTFOUND, "no unit %s", code)
	}
	if _, err := tx.q.DeleteUnenrolledPeople(ctx, numbers); err != nil {
		return fmt.Errorf("delete people of the unit: %w", err)
	}
	return nil
}
