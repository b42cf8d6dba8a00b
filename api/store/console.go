package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// ForcePlace gives the slot one place beyond its capacity if it is full, and reports whether it
// did. The slot's row stays locked until the transaction ends.
func (tx Tx) ForcePlace(ctx context.Context, unit string, lab int64) (bool, error) {
	n, err := tx.q.ForcePlace(ctx, dbgen.ForcePlaceParams{Unit: unit, ID: lab})
	if err != nil {
		return false, fmt.Errorf("force a place: %w", err)
	}
	return n > 0, nil
}

// UnitStudent is a student of a unit and whether they are in a team there.
type UnitStudent struct {
	pairup.Student
	InTeam bool
}

// UnitStudents returns the unit's students (not its coordinators) by name.
func (q Queries) UnitStudents(ctx context.Context, unit string) ([]UnitStudent, error) {
	rows, err := q.q.OverviewStudents(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("students of the unit: %w", err)
	}
	out := make([]UnitStudent, len(rows))
	for i, r := range rows {
		out[i] = UnitStudent{Student: pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.RoleStudent}, InTeam: r.InTeam}
	}
	return out, nil
}

// TeamSizes returns the size of each team of the unit by project id.
func (q Queries) TeamSizes(ctx context.Context, unit string) (map[int64]int, error) {
	rows, err := q.q.TeamSizes(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("team sizes: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ProjectID] = int(r.Size)
	}
	return out, nil
}

// AuditFilter narrows a unit's audit log; zero values match everything.
type AuditFilter struct {
	Student string
	Project int64
	Action  string
}

// FilteredAuditEntries is AuditEntries with a filter.
func (q Queries) FilteredAuditEntries(ctx context.Context, unit string, f AuditFilter, before int64, limit int) ([]pairup.AuditEntry, error) {
	rows, err := q.q.ListAuditFiltered(ctx, dbgen.ListAuditFilteredParams{
		Unit: unit, Before: before, Lim: int32(limit),
		Student: nonZero(f.Student), Pid: nonZero(f.Project), Action: nonZero(f.Action),
	})
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	out := make([]pairup.AuditEntry, len(rows))
	for i, r := range rows {
		e := pairup.AuditEntry{
			ID: r.ID, Unit: r.Unit, At: r.At.UTC(), ActorID: deref(r.Actor), ActorName: r.ActorName, Action: r.Action,
			ProjectID: deref(r.Pid), LabID: deref(r.LabID), Student: deref(r.Student), Reason: deref(r.Reason),
		}
		if r.Details != nil {
			if err := json.Unmarshal(r.Details, &e.Details); err != nil {
				return nil, fmt.Errorf("decode audit details: %w", err)
			}
		}
		out[i] = e
	}
	return out, nil
}

// EnrolledPerson is one enrolment of a unit as the console lists it.
type EnrolledPerson struct {
	pairup.Student
	Email     string
	ProjectID int64 // 0 when in no team
}

// Roster returns every person enrolled in the unit: coordinators first, then by name.
func (q Queries) Roster(ctx context.Context, unit string) ([]EnrolledPerson, error) {
	rows, err := q.q.ListRoster(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	out := make([]EnrolledPerson, len(rows))
	for i, r := range rows {
		out[i] = EnrolledPerson{
			Student: pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.Role(r.Role)},
			Email:   deref(r.Email), ProjectID: deref(r.ProjectID),
		}
	}
	return out, nil
}
