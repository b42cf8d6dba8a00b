// Package testfactory builds units, people, lab slots and teams through the use cases, with
// defaults, for the tests, the demo and the bench: one seeder instead of four. Everything it
// makes goes through the same code paths (and audit log) as the command line's.
package testfactory

import (
	"context"
	"fmt"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
)

// Factory makes things in one database.
type Factory struct {
	Store   *store.Store
	Service *service.Service
	PINHash string // the hash every person made here gets
}

// New returns a factory on the store; pinHash is stored for every person it makes.
func New(st *store.Store, svc *service.Service, pinHash string) *Factory {
	return &Factory{Store: st, Service: svc, PINHash: pinHash}
}

// UnitSpec describes a unit; zero values take the defaults (UTC, pairs, always open).
type UnitSpec struct {
	Code, Title, Timezone string
	TeamMin, TeamMax      int
	OpensAt, ClosesAt     *time.Time
	GuardMinutes          int
	Consent, Booking      string // "" takes direct, first_come
	InviteHours           int    // 0 takes 48
	HoldMinutes           int    // 0 takes 10
}

// Unit creates the unit, or returns it when it exists already (so a demo can run twice). The
// default unit always exists; naming it sets its policy instead.
func (f *Factory) Unit(ctx context.Context, spec UnitSpec) (pairup.Unit, error) {
	u := pairup.Unit{Code: spec.Code, Title: spec.Title, Timezone: spec.Timezone, Policy: pairup.Policy{
		TeamMin: spec.TeamMin, TeamMax: spec.TeamMax, OpensAt: spec.OpensAt, ClosesAt: spec.ClosesAt, GuardMinutes: spec.GuardMinutes,
		Consent: spec.Consent, Booking: spec.Booking, InviteHours: spec.InviteHours, HoldMinutes: spec.HoldMinutes,
	}.WithDefaults()}
	if u.Title == "" {
		u.Title = "Unit " + u.Code
	}
	if u.Timezone == "" {
		u.Timezone = "UTC"
	}
	if u.Policy.TeamMin == 0 {
		u.Policy.TeamMin = 2
	}
	if u.Policy.TeamMax == 0 {
		u.Policy.TeamMax = max(2, u.Policy.TeamMin)
	}
	existing, err := f.Store.Unit(ctx, u.Code)
	switch pairup.ErrorCode(err) {
	case pairup.ENOTFOUND:
		return f.Service.CreateUnit(ctx, service.CommandLine, u)
	case "":
	default:
		return pairup.Unit{}, err
	}
	// It exists: bring its title, zone and policy to the spec.
	acc, err := f.Service.Access(ctx, service.CommandLine, existing.Code)
	if err != nil {
		return pairup.Unit{}, err
	}
	return f.Service.UpdateUnit(ctx, acc, patchTo(u))
}

func patchTo(u pairup.Unit) pairup.UnitPatch {
	times := func(t *time.Time) pairup.Optional[time.Time] {
		if t == nil {
			return pairup.Optional[time.Time]{Set: true, Null: true}
		}
		return pairup.Optional[time.Time]{Set: true, Value: *t}
	}
	ints := func(n int) pairup.Optional[int] { return pairup.Optional[int]{Set: true, Value: n} }
	return pairup.UnitPatch{
		Title:    pairup.Optional[string]{Set: true, Value: u.Title},
		Timezone: pairup.Optional[string]{Set: true, Value: u.Timezone},
		Policy: pairup.Optional[pairup.PolicyPatch]{Set: true, Value: pairup.PolicyPatch{
			TeamMin: ints(u.Policy.TeamMin), TeamMax: ints(u.Policy.TeamMax),
			OpensAt: times(u.Policy.OpensAt), ClosesAt: times(u.Policy.ClosesAt), GuardMinutes: ints(u.Policy.GuardMinutes),
			InviteHours: ints(u.Policy.InviteHours), HoldMinutes: ints(u.Policy.HoldMinutes),
			Consent: pairup.Optional[string]{Set: true, Value: u.Policy.Consent},
			Booking: pairup.Optional[string]{Set: true, Value: u.Policy.Booking},
		}},
	}
}

// Person is someone to enrol.
type Person struct {
	Number, Name string
	Role         pairup.Role // default student
	PINHash      string      // default the factory's
}

// Enrol adds the people to the unit's roster (creating or renaming them) in one import.
func (f *Factory) Enrol(ctx context.Context, unit string, people ...Person) error {
	entries := make([]pairup.RosterEntry, len(people))
	for i, p := range people {
		if p.Role == "" {
			p.Role = pairup.RoleStudent
		}
		if p.Name == "" {
			p.Name = "Student " + p.Number
		}
		if p.PINHash == "" {
			p.PINHash = f.PINHash
		}
		entries[i] = pairup.RosterEntry{Line: i + 1, PINHash: p.PINHash, Student: pairup.Student{Number: p.Number, Name: p.Name, Role: p.Role}}
	}
	acc, err := f.Service.Access(ctx, service.CommandLine, unit)
	if err != nil {
		return err
	}
	return f.Service.ImportRoster(ctx, acc, entries)
}

// Students enrols n students numbered first, first+1, … named "<prefix> i" and returns their numbers.
func (f *Factory) Students(ctx context.Context, unit string, first, n int, prefix string) ([]string, error) {
	people := make([]Person, n)
	numbers := make([]string, n)
	for i := range n {
		numbers[i] = fmt.Sprintf("%08d", first+i)
		people[i] = Person{Number: numbers[i], Name: fmt.Sprintf("%s %d", prefix, i)}
	}
	return numbers, f.Enrol(ctx, unit, people...)
}

// Slots adds the slots to the unit (the Unit field is ignored) and returns every slot of the unit
// in time order.
func (f *Factory) Slots(ctx context.Context, unit string, slots ...pairup.LabSlot) ([]pairup.LabSlot, error) {
	entries := make([]pairup.SlotEntry, len(slots))
	for i, l := range slots {
		if l.Capacity == 0 {
			l.Capacity = 1
		}
		entries[i] = pairup.SlotEntry{Line: i + 1, Slot: l}
	}
	acc, err := f.Service.Access(ctx, service.CommandLine, unit)
	if err != nil {
		return nil, err
	}
	if err := f.Service.ImportSlots(ctx, acc, entries); err != nil {
		return nil, err
	}
	return f.Store.Labs(ctx, acc.Unit.Code)
}

// Session makes n consecutive slots of length step in one room from start (wall-clock time in
// the unit's zone), each holding capacity teams, and returns every slot of the unit.
func (f *Factory) Session(ctx context.Context, unit, room string, start time.Time, n int, step time.Duration, capacity int) ([]pairup.LabSlot, error) {
	slots := make([]pairup.LabSlot, n)
	for i := range n {
		slots[i] = pairup.LabSlot{Room: room, StartsAt: start.Add(time.Duration(i) * step), Capacity: capacity}
	}
	return f.Slots(ctx, unit, slots...)
}

// Team forms a team for the creator with the partners in the slot, as the command line would.
func (f *Factory) Team(ctx context.Context, unit, creator string, partners []string, labID int64, description string) (pairup.Project, error) {
	acc, err := f.Service.Access(ctx, service.CommandLine, unit)
	if err != nil {
		return pairup.Project{}, err
	}
	if description == "" {
		description = "Project of " + creator
	}
	return f.Service.CreateProject(ctx, acc, pairup.NewProject{
		Creator: creator, Partners: partners, Field: "partnerNumbers", Description: description, LabID: labID,
	})
}

// WallClock is t as a wall-clock time in the zone, the way slot times are stored.
func WallClock(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
}
