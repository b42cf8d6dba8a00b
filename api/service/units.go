package service

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// Units returns the units the actor may see: their own, or every unit for site admins and the
// command line.
func (s *Service) Units(ctx context.Context, a Actor) ([]pairup.Unit, error) {
	if a.CLI || a.Person.SiteAdmin {
		return s.st.Units(ctx)
	}
	return s.st.UnitsOf(ctx, a.Person.Number)
}

// CreateUnit adds a unit (command line and site admins): EFORBIDDEN, EINVALID, ECONFLICT (code taken).
func (s *Service) CreateUnit(ctx context.Context, a Actor, u pairup.Unit) (pairup.Unit, error) {
	if !a.CLI && !a.Person.SiteAdmin {
		return pairup.Unit{}, pairup.Errorf(pairup.EFORBIDDEN, "only site admins may create units")
	}
	if u.Timezone == "" {
		u.Timezone = "UTC"
	}
	u.Policy = u.Policy.WithDefaults()
	if err := u.Validate(); err != nil {
		return pairup.Unit{}, err
	}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUnit(ctx, u); err != nil {
			return err
		}
		entry := s.audit(Access{Actor: a, Unit: u}, pairup.AuditUnitCreated)
		entry.Details = unitDetails(u)
		return tx.Audit(ctx, entry)
	})
	if err != nil {
		return pairup.Unit{}, err
	}
	return s.st.Unit(ctx, u.Code)
}

// UpdateUnit applies a merge patch to the unit's title, zone and policy: EFORBIDDEN, EINVALID,
// ECONFLICT (team_max below the size of an existing team).
func (s *Service) UpdateUnit(ctx context.Context, acc Access, patch pairup.UnitPatch) (pairup.Unit, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.Unit{}, err
	}
	var updated pairup.Unit
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		// Locked for update: members join under a share lock on it, so no team grows past a new
		// team_max while it is checked.
		before, err := tx.UnitForUpdate(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(before); err != nil {
			return err
		}
		if updated, err = patch.Apply(before); err != nil {
			return err
		}
		largest, err := tx.LargestTeam(ctx, before.Code)
		if err != nil {
			return err
		}
		if updated.Policy.TeamMax < largest {
			return pairup.FieldErrorf(pairup.ECONFLICT, "policy.team_max",
				"a team of this unit has %d members; dissolve or shrink it first", largest)
		}
		if reflect.DeepEqual(unitDetails(before), unitDetails(updated)) {
			return nil // nothing changes: nothing to record or tell
		}
		if err := tx.UpdateUnit(ctx, updated); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditUnitUpdated)
		entry.Details = map[string]any{"before": unitDetails(before), "after": unitDetails(updated)}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		// Open clients refetch the unit (its phase and team size may have changed).
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventUnitChanged, Unit: before.Code})
	})
	return updated, err
}

// SetDefaultUnit makes the unit the one the routes without /units/{unit} act on (command line).
func (s *Service) SetDefaultUnit(ctx context.Context, a Actor, code string) error {
	if !a.CLI {
		return pairup.Errorf(pairup.EFORBIDDEN, "only the command line may change the default unit")
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetDefaultUnit(ctx, code); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync})
	})
}

// SetSiteAdmin grants or revokes site admin (command line): ENOTFOUND.
func (s *Service) SetSiteAdmin(ctx context.Context, a Actor, number string, admin bool) error {
	if !a.CLI {
		return pairup.Errorf(pairup.EFORBIDDEN, "only the command line may appoint site admins")
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error { return tx.SetSiteAdmin(ctx, number, admin) })
}

// MaxAuditPage is the most entries one page of the audit log holds.
const MaxAuditPage = 200

// AuditPage is one page of a unit's audit log, newest first; Next is 0 on the last page.
type AuditPage struct {
	Entries []pairup.AuditEntry
	Next    int64
}

// Audit returns up to limit entries older than cursor (0: the newest): EFORBIDDEN.
func (s *Service) Audit(ctx context.Context, acc Access, cursor int64, limit int) (AuditPage, error) {
	return s.FilteredAudit(ctx, acc, AuditFilter{}, cursor, limit)
}

// ImportRoster adds or updates every person of the roster and enrols them in the unit with their
// role, in one transaction: all or nothing. EFORBIDDEN; EINVALID naming the line of a team member
// who would become a coordinator.
func (s *Service) ImportRoster(ctx context.Context, acc Access, entries []pairup.RosterEntry) error {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return err
	}
	if err := checkLive(acc.Unit); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		counts := map[string]int{}
		for _, e := range entries {
			if err := tx.UpsertPerson(ctx, pairup.Person{Number: e.Student.Number, Name: e.Student.Name}, e.PINHash); err != nil {
				return lineError(e.Line, err)
			}
			if err := tx.Enrol(ctx, acc.Unit.Code, e.Student.Number, e.Student.Role); errors.Is(err, pairup.ErrIsMember) {
				return pairup.Errorf(pairup.EINVALID, "line %d: the student is in a team and cannot become a coordinator", e.Line)
			} else if err != nil {
				return lineError(e.Line, err)
			}
			counts[string(e.Student.Role)]++
		}
		entry := s.audit(acc, pairup.AuditRosterImported)
		entry.Details = map[string]any{"rows": len(entries), "students": counts["student"], "coordinators": counts["coordinator"]}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		// Names may have changed: the unit's open clients refetch once the import commits.
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: acc.Unit.Code})
	})
}

// ImportSlots adds the unit's slots or sets their capacity, in one transaction: all or nothing.
// EFORBIDDEN; EINVALID naming the line of a capacity below the slot's bookings.
func (s *Service) ImportSlots(ctx context.Context, acc Access, entries []pairup.SlotEntry) error {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return err
	}
	if err := checkLive(acc.Unit); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		for _, e := range entries {
			l := e.Slot
			l.Unit = acc.Unit.Code
			if err := tx.UpsertLab(ctx, l); err != nil {
				return lineError(e.Line, err)
			}
		}
		entry := s.audit(acc, pairup.AuditLabsImported)
		entry.Details = map[string]any{"rows": len(entries)}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: acc.Unit.Code})
	})
}

func lineError(line int, err error) error {
	var e *pairup.Error
	if errors.As(err, &e) {
		return pairup.Errorf(e.Code, "line %d: %s", line, e.Message)
	}
	return fmt.Errorf("line %d: %w", line, err)
}

func unitDetails(u pairup.Unit) map[string]any {
	return map[string]any{
		"title": u.Title, "timezone": u.Timezone,
		"team_min": u.Policy.TeamMin, "team_max": u.Policy.TeamMax,
		"opens_at": u.Policy.OpensAt, "closes_at": u.Policy.ClosesAt, "guard_minutes": u.Policy.GuardMinutes,
		"consent": u.Policy.Consent, "invite_hours": u.Policy.InviteHours, "booking": u.Policy.Booking, "hold_minutes": u.Policy.HoldMinutes,
	}
}
