package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// Audit records one change in the transaction that makes it.
func (tx Tx) Audit(ctx context.Context, e pairup.AuditEntry) error {
	var details []byte
	if e.Details != nil {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("encode audit details: %w", err)
		}
	}
	err := tx.q.InsertAudit(ctx, dbgen.InsertAuditParams{
		Unit: e.Unit, At: e.At, Actor: nonZero(e.ActorID), ActorName: e.ActorName, Action: e.Action,
		Pid: nonZero(e.ProjectID), LabID: nonZero(e.LabID), Student: nonZero(e.Student), Details: details,
		Reason: nonZero(e.Reason),
	})
	if err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}

// AuditEntries returns up to limit of the unit's entries older than before (0: the newest), newest first.
func (q Queries) AuditEntries(ctx context.Context, unit string, before int64, limit int) ([]pairup.AuditEntry, error) {
	return q.FilteredAuditEntries(ctx, unit, AuditFilter{}, before, limit)
}

func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
