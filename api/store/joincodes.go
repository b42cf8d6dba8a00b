package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// JoinCode returns the team's join code: ENOTFOUND.
func (q Queries) JoinCode(ctx context.Context, unit string, pid int64) (string, error) {
	code, err := q.q.GetJoinCode(ctx, dbgen.GetJoinCodeParams{Unit: unit, ID: pid})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errNoProject
	} else if err != nil {
		return "", fmt.Errorf("join code: %w", err)
	}
	return code, nil
}

// RenewJoinCode gives the team a new join code: ENOTFOUND. A new code that another team of the
// unit has (one chance in billions) fails the transaction, which InTx then runs again.
func (tx Tx) RenewJoinCode(ctx context.Context, unit string, pid int64) (string, error) {
	code, err := tx.q.RenewJoinCode(ctx, dbgen.RenewJoinCodeParams{Unit: unit, ID: pid})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errNoProject
	} else if err != nil {
		return "", fmt.Errorf("renew join code: %w", err)
	}
	return code, nil
}

// LockProjectByCode finds the unit's team with that join code and locks its row: ENOTFOUND.
func (tx Tx) LockProjectByCode(ctx context.Context, unit, code string) (int64, error) {
	pid, err := tx.q.LockProjectByCode(ctx, dbgen.LockProjectByCodeParams{Unit: unit, JoinCode: code})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, pairup.FieldErrorf(pairup.ENOTFOUND, "code", "no team has that code; ask the team for its current one")
	} else if err != nil {
		return 0, fmt.Errorf("find team by code: %w", err)
	}
	return pid, nil
}
