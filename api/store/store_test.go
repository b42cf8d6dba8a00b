package store

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestRetryable: serialization failures, deadlocks and a drawn join code that another team has
// are run again; other violations are answers, not retries.
func TestRetryable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: "40P01"}), true},
		{fmt.Errorf("write project: %w", &pgconn.PgError{Code: "23505", ConstraintName: "projects_join_code_key"}), true},
		{&pgconn.PgError{Code: "23505", ConstraintName: "project_members_one_team_per_unit"}, false},
		{&pgconn.PgError{Code: "23514", ConstraintName: "lab_slots_booked_within_capacity"}, false},
		{fmt.Errorf("plain"), false},
		{nil, false},
	} {
		if got := retryable(c.err); got != c.want {
			t.Errorf("retryable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
