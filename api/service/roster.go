package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/pairup/pairup/api/importer"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// PINHasher turns a PIN into the hash that is stored: auth.PINs.Hash (the configured cost and
// pepper) in production, a cheaper cost in tests. It is slow, so the use cases call it before
// their transaction, several PINs at once.
type PINHasher func(pin string) (string, error)

// RosterOptions say how a roster file is applied.
type RosterOptions struct {
	Remove  bool      // also unenrol the unit's students missing from the file
	HashPIN PINHasher // required
}

// PreviewRoster reports what applying the roster file (CSV, as importer.Roster reads it) would
// do, changing nothing. A file with bad lines, or a unit that is archived, gets a report whose
// Errors say so. EFORBIDDEN; ETOOLARGE (over pairup.MaxRosterBytes); EINVALID (not UTF-8).
func (s *Service) PreviewRoster(ctx context.Context, acc Access, file io.Reader) (pairup.RosterReport, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.RosterReport{}, err
	}
	lines, report, err := readRosterFile(file)
	if err != nil || len(report.Errors) > 0 {
		return report, err
	}
	if err := checkLive(acc.Unit); err != nil {
		var e *pairup.Error
		errors.As(err, &e)
		return pairup.RosterReport{Errors: []pairup.LineError{{Line: 0, Message: e.Message}}}, nil
	}
	st, err := loadRosterState(ctx, s.st.Queries, acc, lines)
	if err != nil {
		return pairup.RosterReport{}, err
	}
	return planRoster(acc, lines, st).report, nil
}

// ApplyRoster applies the roster file in one transaction and reports what it did, as
// PreviewRoster would have: every person of the file is created or updated and enrolled with
// their role (a new person without a PIN gets a random one, returned once in the report), and
// with Remove the unit's students missing from the file are unenrolled. A file with any error
// applies nothing and comes back with Applied false and its Errors. A coordinator cannot change
// the name, PIN or e-mail of a site admin or of someone also enrolled in a unit they do not
// coordinate: those rows are enrolled, keep them, and say so in Note. EFORBIDDEN; ETOOLARGE;
// EINVALID (not UTF-8); ECONFLICT (archived; with Remove, a missing student in a team).
func (s *Service) ApplyRoster(ctx context.Context, acc Access, file io.Reader, opt RosterOptions) (pairup.RosterReport, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.RosterReport{}, err
	}
	if err := checkLive(acc.Unit); err != nil {
		return pairup.RosterReport{}, err
	}
	lines, report, err := readRosterFile(file)
	if err != nil || len(report.Errors) > 0 {
		return report, err
	}
	// Hash before the transaction, from a plan on the current roster: the PINs the file gives,
	// and new ones for the people it creates without one. The plan is made again in the
	// transaction; a PIN it needs that was not foreseen is hashed there.
	st, err := loadRosterState(ctx, s.st.Queries, acc, lines)
	if err != nil {
		return pairup.RosterReport{}, err
	}
	foreseen := planRoster(acc, lines, st)
	if len(foreseen.report.Errors) > 0 {
		return foreseen.report, nil // refused as the preview would: nothing to hash or write
	}
	pins, err := hashPINs(opt.HashPIN, foreseen.people)
	if err != nil {
		return pairup.RosterReport{}, err
	}
	var plan rosterPlan
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRosters(ctx); err != nil {
			return err
		}
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		st, err := loadRosterState(ctx, tx.Queries, acc, lines)
		if err != nil {
			return err
		}
		plan = planRoster(acc, lines, st)
		if len(plan.report.Errors) > 0 {
			return nil // nothing is written
		}
		if opt.Remove {
			for _, r := range plan.report.Remove {
				if m := st.members[r.Student.Number]; m.ProjectID != 0 {
					return pairup.Errorf(pairup.ECONFLICT, "%s (%s) is in team %d (%s) and cannot be unenrolled; take them out of the team first, or keep them in the file",
						m.Number, m.Name, m.ProjectID, st.teams[m.ProjectID])
				}
			}
		}
		for _, w := range plan.people {
			pin, err := pins.get(w, opt.HashPIN)
			if err != nil {
				return err
			}
			if w.create {
				if err := tx.InsertPerson(ctx, store.RosterPerson{Number: w.number, Name: *w.name, Email: orZero(w.email)}, pin.hash); err != nil {
					return err
				}
			} else if err := tx.UpdatePerson(ctx, w.number, store.PersonChange{Name: w.name, Email: w.email, PINHash: nonEmpty(pin.hash)}); err != nil {
				return err
			}
			if w.random {
				plan.report.Add[w.add].PIN = pin.pin
			}
		}
		for _, e := range plan.enrols {
			if err := tx.Enrol(ctx, u.Code, e.number, e.role); errors.Is(err, pairup.ErrIsMember) {
				// A team was formed after the plan read the roster.
				return pairup.Errorf(pairup.ECONFLICT, "line %d: %s joined a team meanwhile and cannot become a coordinator", e.line, e.number)
			} else if err != nil {
				return lineError(e.line, err)
			}
		}
		removed := 0
		if opt.Remove {
			for _, r := range plan.report.Remove {
				if err := tx.Unenrol(ctx, u.Code, r.Student.Number); errors.Is(err, pairup.ErrIsMember) {
					return pairup.Errorf(pairup.ECONFLICT, "%s (%s) joined a team meanwhile and cannot be unenrolled", r.Student.Number, r.Student.Name)
				} else if err != nil {
					return err
				}
				removed++
			}
		}
		if len(plan.report.Add)+len(plan.report.Update)+removed == 0 {
			return nil // nothing changes: nothing to record or tell
		}
		entry := s.audit(acc, pairup.AuditRosterImported)
		entry.Details = map[string]any{
			"added": len(plan.report.Add), "updated": len(plan.report.Update),
			"unchanged": len(plan.report.Unchanged), "removed": removed,
		}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		// Names and roles may have changed: the unit's open clients refetch once this commits.
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
	if err != nil {
		return pairup.RosterReport{}, err
	}
	plan.report.Applied = len(plan.report.Errors) == 0
	return plan.report, nil
}

// EnrolPerson enrols one person in the unit with the role, or changes their role, name, e-mail
// or PIN there. A new person needs a name; without a PIN they get a random one, returned once in
// Enrolled.PIN. Only site admins and the command line appoint coordinators. EFORBIDDEN (a
// coordinator appointing one); EINVALID (name missing for a new person, bad fields); ECONFLICT
// (archived; a team member made coordinator; the name, PIN or e-mail of a site admin or of
// someone also enrolled in a unit the coordinator does not coordinate).
func (s *Service) EnrolPerson(ctx context.Context, acc Access, number string, ch pairup.EnrolmentChange, hash PINHasher) (pairup.Enrolled, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return pairup.Enrolled{}, err
	}
	if err := checkLive(acc.Unit); err != nil {
		return pairup.Enrolled{}, err
	}
	ch, err := normalizeEnrolmentChange(number, ch)
	if err != nil {
		return pairup.Enrolled{}, err
	}
	// The PIN to hash before the transaction: the one asked for, or a random one for a new person.
	known, err := s.st.PeopleAmong(ctx, []string{number})
	if err != nil {
		return pairup.Enrolled{}, err
	}
	_, exists := known[number]
	var prepared []personWrite
	if ch.PIN != nil || !exists {
		prepared = append(prepared, personWrite{number: number, create: !exists, pin: orZero(ch.PIN), random: ch.PIN == nil})
	}
	pins, err := hashPINs(hash, prepared)
	if err != nil {
		return pairup.Enrolled{}, err
	}
	var out pairup.Enrolled
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRosters(ctx); err != nil {
			return err
		}
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		people, err := tx.PeopleAmong(ctx, []string{number})
		if err != nil {
			return err
		}
		person, exists := people[number]
		before, err := tx.Enrolment(ctx, u.Code, number)
		enrolled := err == nil
		if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return err
		}
		if ch.Role == pairup.RoleCoordinator && (!enrolled || before.Role != pairup.RoleCoordinator) {
			if !acc.Actor.CLI && !acc.Actor.Person.SiteAdmin {
				return pairup.FieldErrorf(pairup.EFORBIDDEN, "role", "only site admins may make someone a coordinator")
			}
			if enrolled {
				if pid, err := tx.ProjectIDOf(ctx, u.Code, number); err == nil {
					return pairup.FieldErrorf(pairup.ECONFLICT, "role", "%s is in team %d (%s) and cannot become a coordinator",
						number, pid, teamName(ctx, tx.Queries, pid))
				} else if pairup.ErrorCode(err) != pairup.ENOTFOUND {
					return err
				}
			}
		}
		var changed []string
		out = pairup.Enrolled{Student: pairup.Student{Number: number, Name: person.Name, Role: ch.Role}, Email: person.Email}
		if !exists {
			if ch.Name == nil {
				return pairup.FieldErrorf(pairup.EINVALID, "name", "is required to enrol someone new")
			}
			w := personWrite{number: number, create: true, name: ch.Name, email: ch.Email, pin: orZero(ch.PIN), random: ch.PIN == nil}
			pin, err := pins.get(w, hash)
			if err != nil {
				return err
			}
			if err := tx.InsertPerson(ctx, store.RosterPerson{Number: number, Name: *ch.Name, Email: orZero(ch.Email)}, pin.hash); err != nil {
				return err
			}
			out.Student.Name, out.Email = *ch.Name, orZero(ch.Email)
			if w.random {
				out.PIN = pin.pin
			}
			changed = append(changed, "person")
		} else {
			w := personWrite{number: number}
			if ch.Name != nil && *ch.Name != person.Name {
				w.name, out.Student.Name = ch.Name, *ch.Name
				changed = append(changed, "name")
			}
			if ch.Email != nil && *ch.Email != person.Email {
				w.email, out.Email = ch.Email, *ch.Email
				changed = append(changed, "email")
			}
			if ch.PIN != nil {
				w.pin = *ch.PIN
				changed = append(changed, "pin")
			}
			if len(changed) > 0 {
				beyond, err := beyondActor(ctx, tx.Queries, acc, []string{number})
				if err != nil {
					return err
				}
				if beyond[number] {
					return pairup.FieldErrorf(pairup.ECONFLICT, changed[0], "%s %s; only a site admin may change their name, PIN or e-mail",
						number, beyondReason(person))
				}
				pin, err := pins.get(w, hash)
				if err != nil {
					return err
				}
				if err := tx.UpdatePerson(ctx, number, store.PersonChange{Name: w.name, Email: w.email, PINHash: nonEmpty(pin.hash)}); err != nil {
					return err
				}
			}
		}
		if !enrolled || before.Role != ch.Role {
			if err := tx.Enrol(ctx, u.Code, number, ch.Role); errors.Is(err, pairup.ErrIsMember) {
				return pairup.FieldErrorf(pairup.ECONFLICT, "role", "%s is in a team of this unit and cannot become a coordinator", number)
			} else if err != nil {
				return err
			}
			if enrolled {
				changed = append(changed, "role")
			}
		}
		if enrolled && len(changed) == 0 {
			return nil // nothing changes: nothing to record or tell
		}
		action := pairup.AuditEnrolmentChanged
		if !enrolled {
			action = pairup.AuditEnrolmentAdded
		}
		entry := s.audit(acc, action)
		entry.Student = number
		entry.Details = map[string]any{"role": string(ch.Role)}
		if enrolled {
			entry.Details["changed"] = changed
			if before.Role != ch.Role {
				entry.Details["role_before"] = string(before.Role)
			}
		} else {
			entry.Details["created"] = !exists
		}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
	if err != nil {
		return pairup.Enrolled{}, err
	}
	return out, nil
}

// UnenrolPerson takes the person off the unit's roster. EFORBIDDEN; ENOTFOUND (not enrolled);
// ECONFLICT (archived; in a team, which the error names).
func (s *Service) UnenrolPerson(ctx context.Context, acc Access, number string) error {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return err
	}
	if err := checkLive(acc.Unit); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRosters(ctx); err != nil {
			return err
		}
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		before, err := tx.Enrolment(ctx, u.Code, number)
		if pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return pairup.Errorf(pairup.ENOTFOUND, "%s is not enrolled in this unit", number)
		} else if err != nil {
			return err
		}
		inTeam := func() error {
			pid, err := tx.ProjectIDOf(ctx, u.Code, number)
			if err != nil {
				return pairup.Errorf(pairup.ECONFLICT, "%s is in a team of this unit; take them out of it first", number)
			}
			return pairup.Errorf(pairup.ECONFLICT, "%s is in team %d (%s); take them out of it first", number, pid, teamName(ctx, tx.Queries, pid))
		}
		if _, err := tx.ProjectIDOf(ctx, u.Code, number); err == nil {
			return inTeam()
		} else if pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return err
		}
		if err := tx.Unenrol(ctx, u.Code, number); errors.Is(err, pairup.ErrIsMember) {
			return inTeam()
		} else if err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditEnrolmentRemoved)
		entry.Student = number
		entry.Details = map[string]any{"role": string(before.Role)}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventResync, Unit: u.Code})
	})
}

// ResetPIN gives a person enrolled in the unit a new random 6-digit PIN and returns it, once.
// EFORBIDDEN; ENOTFOUND (not enrolled); ECONFLICT (archived; a site admin or someone also
// enrolled in a unit the coordinator does not coordinate).
func (s *Service) ResetPIN(ctx context.Context, acc Access, number string, hash PINHasher) (string, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return "", err
	}
	if err := checkLive(acc.Unit); err != nil {
		return "", err
	}
	pins, err := hashPINs(hash, []personWrite{{number: number, random: true}})
	if err != nil {
		return "", err
	}
	pin := pins[number]
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockRosters(ctx); err != nil {
			return err
		}
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		if _, err := tx.Enrolment(ctx, u.Code, number); pairup.ErrorCode(err) == pairup.ENOTFOUND {
			return pairup.Errorf(pairup.ENOTFOUND, "%s is not enrolled in this unit", number)
		} else if err != nil {
			return err
		}
		beyond, err := beyondActor(ctx, tx.Queries, acc, []string{number})
		if err != nil {
			return err
		}
		if beyond[number] {
			people, err := tx.PeopleAmong(ctx, []string{number})
			if err != nil {
				return err
			}
			return pairup.Errorf(pairup.ECONFLICT, "%s %s; only a site admin may reset their PIN", number, beyondReason(people[number]))
		}
		if err := tx.UpdatePerson(ctx, number, store.PersonChange{PINHash: &pin.hash}); err != nil {
			return err
		}
		// A reset is for a PIN that is lost or known to others: sign its person out everywhere.
		if err := tx.RefuseEarlierTokens(ctx, number, s.now().UTC()); err != nil {
			return err
		}
		entry := s.audit(acc, pairup.AuditPINReset)
		entry.Student = number
		// No event: nothing any client shows has changed.
		return tx.Audit(ctx, entry)
	})
	if err != nil {
		return "", err
	}
	return pin.pin, nil
}

// readRosterFile reads and parses a roster file; its bad lines come back in the report.
func readRosterFile(file io.Reader) ([]pairup.RosterLine, pairup.RosterReport, error) {
	data, err := io.ReadAll(io.LimitReader(file, pairup.MaxRosterBytes+1))
	if err != nil {
		return nil, pairup.RosterReport{}, fmt.Errorf("read the roster: %w", err)
	}
	if len(data) > pairup.MaxRosterBytes {
		return nil, pairup.RosterReport{}, pairup.Errorf(pairup.ETOOLARGE, "the roster is over %d MiB", pairup.MaxRosterBytes>>20)
	}
	if !utf8.Valid(data) {
		return nil, pairup.RosterReport{}, pairup.Errorf(pairup.EINVALID, "the roster is not valid UTF-8 text")
	}
	lines, err := importer.Roster(bytes.NewReader(data))
	var bad importer.LineErrors
	if errors.As(err, &bad) {
		report := pairup.RosterReport{Errors: make([]pairup.LineError, len(bad))}
		for i, e := range bad {
			report.Errors[i] = pairup.LineError{Line: e.Line, Message: e.Reason}
		}
		return nil, report, nil
	} else if err != nil {
		return nil, pairup.RosterReport{}, err
	}
	return lines, pairup.RosterReport{}, nil
}

// rosterState is what a roster plan is made on.
type rosterState struct {
	members map[string]store.RosterMember // everyone enrolled in the unit
	numbers []string                      // their numbers, in order
	people  map[string]store.RosterPerson // the file's people who exist
	beyond  map[string]bool               // people whose name, PIN and e-mail the actor may not change
	teams   map[int64]string              // the unit's teams' names by project id
}

func loadRosterState(ctx context.Context, q store.Queries, acc Access, lines []pairup.RosterLine) (rosterState, error) {
	numbers := make([]string, len(lines))
	for i, l := range lines {
		numbers[i] = l.Student.Number
	}
	members, err := q.RosterMembers(ctx, acc.Unit.Code)
	if err != nil {
		return rosterState{}, err
	}
	st := rosterState{members: map[string]store.RosterMember{}, teams: map[int64]string{}}
	byTeam := map[int64][]store.RosterMember{}
	for _, m := range members {
		st.members[m.Number] = m
		st.numbers = append(st.numbers, m.Number)
		if m.ProjectID != 0 {
			byTeam[m.ProjectID] = append(byTeam[m.ProjectID], m)
		}
	}
	for pid, ms := range byTeam {
		slices.SortFunc(ms, func(a, b store.RosterMember) int { return int(a.Position - b.Position) })
		names := make([]string, len(ms))
		for i, m := range ms {
			names[i] = m.Name
		}
		st.teams[pid] = strings.Join(names, " & ")
	}
	if st.people, err = q.PeopleAmong(ctx, numbers); err != nil {
		return rosterState{}, err
	}
	if st.beyond, err = beyondActor(ctx, q, acc, numbers); err != nil {
		return rosterState{}, err
	}
	return st, nil
}

// beyondActor returns those of the people whose name, PIN and e-mail the actor may not change:
// none for site admins and the command line.
func beyondActor(ctx context.Context, q store.Queries, acc Access, numbers []string) (map[string]bool, error) {
	if acc.Actor.CLI || acc.Actor.Person.SiteAdmin {
		return map[string]bool{}, nil
	}
	return q.PeopleBeyondCoordinator(ctx, acc.Unit.Code, acc.Actor.Person.Number, numbers)
}

// beyondReason says why a coordinator may not change the person's name, PIN and e-mail.
func beyondReason(p store.RosterPerson) string {
	if p.SiteAdmin {
		return "is a site admin"
	}
	return "is also enrolled in a unit you do not coordinate"
}

// personWrite creates or changes one person.
type personWrite struct {
	line   int
	number string
	create bool
	name   *string // nil keeps it (never for create)
	email  *string // nil keeps it; "" removes it
	pin    string  // the PIN to set, in the clear; "" keeps it (or, with random, a new one)
	random bool    // set a new random PIN
	add    int     // the row of the report's Add that gets the random PIN
}

// enrolWrite enrols one person or changes their role.
type enrolWrite struct {
	line   int
	number string
	role   pairup.Role
}

// rosterPlan is what importing a file does: its report and the writes that make it so.
type rosterPlan struct {
	report pairup.RosterReport
	people []personWrite
	enrols []enrolWrite
}

// planRoster decides what the lines do to the unit's roster in the state st. It is the one
// place the rules of an import live, for the preview and the apply alike.
func planRoster(acc Access, lines []pairup.RosterLine, st rosterState) rosterPlan {
	p := rosterPlan{report: pairup.RosterReport{
		Add: []pairup.RosterRow{}, Update: []pairup.RosterRow{}, Unchanged: []pairup.RosterRow{},
		Remove: []pairup.RosterRow{}, Errors: []pairup.LineError{},
	}}
	appoints := acc.Actor.CLI || acc.Actor.Person.SiteAdmin
	inFile := map[string]bool{}
	for _, l := range lines {
		n := l.Student.Number
		inFile[n] = true
		m, enrolled := st.members[n]
		if l.Student.Role == pairup.RoleCoordinator && (!enrolled || m.Role != pairup.RoleCoordinator) {
			if !appoints {
				p.report.Errors = append(p.report.Errors, pairup.LineError{Line: l.Line, Message: "only site admins may make someone a coordinator"})
				continue
			}
			if enrolled && m.ProjectID != 0 {
				p.report.Errors = append(p.report.Errors, pairup.LineError{Line: l.Line, Message: fmt.Sprintf(
					"%s is in team %d (%s) and cannot become a coordinator", n, m.ProjectID, st.teams[m.ProjectID])})
				continue
			}
		}
		row := pairup.RosterRow{Line: l.Line, Student: l.Student, Email: l.Email}
		roleChanges := !enrolled || m.Role != l.Student.Role
		if roleChanges {
			p.enrols = append(p.enrols, enrolWrite{line: l.Line, number: n, role: l.Student.Role})
		}
		person, exists := st.people[n]
		if !exists {
			name := l.Student.Name
			w := personWrite{line: l.Line, number: n, create: true, name: &name, pin: l.PIN, random: l.PIN == "", add: len(p.report.Add)}
			if l.Email != "" {
				w.email = &l.Email
			}
			p.people = append(p.people, w)
			p.report.Add = append(p.report.Add, row)
			continue
		}
		w := personWrite{line: l.Line, number: n, pin: l.PIN}
		if l.Student.Name != person.Name {
			name := l.Student.Name
			w.name = &name
		}
		if l.Email != "" && l.Email != person.Email {
			email := l.Email
			w.email = &email
		}
		changes := w.name != nil || w.email != nil || w.pin != ""
		if changes && st.beyond[n] {
			row.Note = fmt.Sprintf("%s %s: their name, PIN and e-mail are kept", person.Name, beyondReason(person))
			changes, w = false, personWrite{}
		}
		if w.name == nil {
			row.Student.Name = person.Name
		}
		if w.email == nil {
			row.Email = person.Email
		}
		if changes {
			p.people = append(p.people, w)
		}
		switch {
		case !enrolled:
			p.report.Add = append(p.report.Add, row)
		case roleChanges || changes:
			p.report.Update = append(p.report.Update, row)
		default:
			p.report.Unchanged = append(p.report.Unchanged, row)
		}
	}
	for _, n := range st.numbers {
		m := st.members[n]
		if m.Role != pairup.RoleStudent || inFile[n] {
			continue
		}
		row := pairup.RosterRow{Student: pairup.Student{Number: n, Name: m.Name, Role: m.Role}, Email: m.Email}
		if m.ProjectID != 0 {
			row.Note = fmt.Sprintf("in team %d (%s): cannot be unenrolled while in a team", m.ProjectID, st.teams[m.ProjectID])
		}
		p.report.Remove = append(p.report.Remove, row)
	}
	return p
}

// hashedPIN is a PIN in the clear and its hash.
type hashedPIN struct{ pin, hash string }

// preparedPINs are the PINs hashed before a transaction, by student number.
type preparedPINs map[string]hashedPIN

// hashPINs hashes the PIN each write sets (a new random one for those that ask), several at once.
func hashPINs(hash PINHasher, writes []personWrite) (preparedPINs, error) {
	out := make(preparedPINs, len(writes))
	var todo []personWrite
	for _, w := range writes {
		if w.pin != "" || w.random {
			todo = append(todo, w)
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	if hash == nil {
		return nil, errors.New("no PIN hasher")
	}
	hashed := make([]hashedPIN, len(todo))
	var g errgroup.Group
	g.SetLimit(8)
	for i, w := range todo {
		g.Go(func() error {
			pin := w.pin
			if pin == "" {
				var err error
				if pin, err = randomPIN(); err != nil {
					return err
				}
			}
			h, err := hash(pin)
			hashed[i] = hashedPIN{pin: pin, hash: h}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("hash PINs: %w", err)
	}
	for i, w := range todo {
		out[w.number] = hashedPIN{pin: hashed[i].pin, hash: hashed[i].hash}
	}
	return out, nil
}

// get returns the PIN the write sets, hashed beforehand when foreseen and here when not; the
// zero hashedPIN when it sets none.
func (pp preparedPINs) get(w personWrite, hash PINHasher) (hashedPIN, error) {
	switch h, ok := pp[w.number]; {
	case w.pin == "" && !w.random:
		return hashedPIN{}, nil
	case ok && (w.pin == h.pin || w.random && w.pin == ""):
		return h, nil
	}
	more, err := hashPINs(hash, []personWrite{w})
	if err != nil {
		return hashedPIN{}, err
	}
	return more[w.number], nil
}

// randomPIN is a PIN of 6 random digits.
func randomPIN() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("random PIN: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// normalizeEnrolmentChange checks the fields of a change, naming each as the API does.
func normalizeEnrolmentChange(number string, ch pairup.EnrolmentChange) (pairup.EnrolmentChange, error) {
	if !pairup.ValidStudentNumber(number) {
		return ch, pairup.FieldErrorf(pairup.EINVALID, "id", "must be an 8-digit student number")
	}
	if !ch.Role.Valid() {
		return ch, pairup.FieldErrorf(pairup.EINVALID, "role", "must be student or coordinator")
	}
	if ch.Name != nil {
		name, err := pairup.NormalizeName(*ch.Name)
		if err != nil {
			return ch, fieldError("name", err)
		}
		ch.Name = &name
	}
	if ch.Email != nil {
		email := strings.TrimSpace(*ch.Email)
		if email != "" && !pairup.ValidEmail(email) {
			return ch, pairup.FieldErrorf(pairup.EINVALID, "email", "must be an e-mail address (or empty to remove it)")
		}
		ch.Email = &email
	}
	if ch.PIN != nil && !pairup.ValidPIN(*ch.PIN) {
		return ch, pairup.FieldErrorf(pairup.EINVALID, "pin", "must be 4 to 8 digits")
	}
	return ch, nil
}

// teamName is the members' names of the team, or "" when it cannot be read.
func teamName(ctx context.Context, q store.Queries, pid int64) string {
	p, err := q.Project(ctx, pid)
	if err != nil {
		return ""
	}
	return p.Team()
}

func orZero[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
