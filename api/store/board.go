package store

import (
	"context"
	"fmt"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// PutBoardEntry posts or replaces the student's board entry and returns its time:
// pairup.ErrIsMember when the student is in a team of the unit (decided under the student's
// enrolment row lock, so a join racing the post never leaves an entry of a member),
// pairup.ErrNotStudentOfUnit when they are not enrolled.
func (tx Tx) PutBoardEntry(ctx context.Context, e pairup.BoardEntry) (time.Time, error) {
	at, err := tx.q.UpsertBoardEntry(ctx, dbgen.UpsertBoardEntryParams{
		Unit: e.Unit, StudentNumber: e.Student.Number, Note: e.Note, Tags: e.Tags, Times: e.Times, UpdatedAt: e.UpdatedAt,
	})
	switch _, c := constraintViolated(err); {
	case err == nil:
		return at, nil
	case c == "board_entries_not_member":
		return time.Time{}, pairup.ErrIsMember
	case c == "board_entries_enrolment_fkey":
		return time.Time{}, pairup.ErrNotStudentOfUnit
	}
	return time.Time{}, fmt.Errorf("put board entry: %w", err)
}

// DeleteBoardEntry takes the student's entry off the board; false when they had none.
func (q Queries) DeleteBoardEntry(ctx context.Context, unit, number string) (bool, error) {
	n, err := q.q.DeleteBoardEntry(ctx, dbgen.DeleteBoardEntryParams{Unit: unit, StudentNumber: number})
	if err != nil {
		return false, fmt.Errorf("delete board entry: %w", err)
	}
	return n > 0, nil
}

// BoardEntries returns the unit's board, newest first.
func (q Queries) BoardEntries(ctx context.Context, unit string) ([]pairup.BoardEntry, error) {
	rows, err := q.q.ListBoardEntries(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list board: %w", err)
	}
	out := make([]pairup.BoardEntry, len(rows))
	for i, r := range rows {
		out[i] = pairup.BoardEntry{
			Unit: unit, Student: pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.RoleStudent},
			Note: r.Note, Tags: r.Tags, Times: r.Times, UpdatedAt: r.UpdatedAt,
		}
	}
	return out, nil
}

// SessionTimes returns the distinct starts of the unit's slots after the instant, in time
// order, written as pairup.LabTimeLayout in the unit's zone.
func (q Queries) SessionTimes(ctx context.Context, unit string, after time.Time) ([]string, error) {
	times, err := q.q.UpcomingSessionTimes(ctx, dbgen.UpcomingSessionTimesParams{Unit: unit, After: after})
	if err != nil {
		return nil, fmt.Errorf("list session times: %w", err)
	}
	if times == nil {
		times = []string{}
	}
	return times, nil
}

// Unteamed returns the unit's students in no team, by student number, with their board
// entries' tags and times.
func (q Queries) Unteamed(ctx context.Context, unit string) ([]pairup.Unteamed, error) {
	rows, err := q.q.UnteamedStudents(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list students without a team: %w", err)
	}
	out := make([]pairup.Unteamed, len(rows))
	for i, r := range rows {
		out[i] = pairup.Unteamed{
			Student: pairup.Student{Number: r.StudentNumber, Name: r.Name, Role: pairup.RoleStudent},
			OnBoard: r.OnBoard, Tags: r.Tags, Times: r.Times,
		}
	}
	return out, nil
}
