// Package wire converts domain values into the JSON shapes openapi.yaml defines, shared by the
// REST handlers and the WebSocket pushes so both show a project the same way.
package wire

import (
	"strconv"
	"strings"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// Student is a student as clients see it: number and name, never the role.
func Student(s pairup.Student) oapigen.Student {
	return oapigen.Student{Id: s.Number, Name: s.Name}
}

// Project is a project with its team line, slot label and members.
func Project(p pairup.Project) oapigen.Project {
	members := make([]oapigen.Student, len(p.Members))
	for i, m := range p.Members {
		members[i] = Student(m)
	}
	out := oapigen.Project{Pid: p.ID, Unit: p.Unit, Team: p.Team(), Description: p.Description, Members: members}
	if p.Booked() {
		id, label, room, at := p.Lab.ID, p.Lab.Label(), p.Lab.Room, p.Lab.StartsAt.Format(pairup.LabTimeLayout)
		out.LabId, out.Lab, out.Room, out.StartsAt = &id, &label, &room, &at
	}
	return out
}

// ProjectList is GET /api/projects' answer.
func ProjectList(projects []pairup.Project) oapigen.ProjectList {
	out := oapigen.ProjectList{ProjectList: make([]oapigen.Project, len(projects))}
	for i, p := range projects {
		out.ProjectList[i] = Project(p)
	}
	return out
}

// Lab is a free slot as GET /api/labs lists it.
func Lab(l pairup.LabSlot) oapigen.Lab {
	return oapigen.Lab{LabId: l.ID, Unit: l.Unit, Lab: l.Label(), Room: l.Room, StartsAt: l.StartsAt.Format(pairup.LabTimeLayout)}
}

// AvailableLabs is GET /api/labs' answer.
func AvailableLabs(labs []pairup.LabSlot) oapigen.AvailableLabs {
	out := oapigen.AvailableLabs{AvailableLabs: make([]oapigen.Lab, len(labs))}
	for i, l := range labs {
		out.AvailableLabs[i] = Lab(l)
	}
	return out
}

// LabAvailability is one slot of a labs.changed push.
func LabAvailability(l pairup.LabAvailability) oapigen.LabAvailability {
	return oapigen.LabAvailability{
		LabId: l.ID, Unit: l.Unit, Lab: l.Label(), Room: l.Room,
		StartsAt: l.StartsAt.Format(pairup.LabTimeLayout), Available: l.Available,
	}
}

// Unit is a unit with its phase now.
func Unit(u pairup.Unit, phase string) oapigen.Unit {
	return oapigen.Unit{
		Code: u.Code, Title: u.Title, Timezone: u.Timezone, Default: u.Default, Archived: u.Archived(),
		Phase: oapigen.UnitPhase(phase),
		Policy: oapigen.UnitPolicy{
			TeamMin: u.Policy.TeamMin, TeamMax: u.Policy.TeamMax,
			OpensAt: u.Policy.OpensAt, ClosesAt: u.Policy.ClosesAt, GuardMinutes: u.Policy.GuardMinutes,
			Consent: oapigen.UnitPolicyConsent(u.Policy.Consent), InviteHours: u.Policy.InviteHours,
			Booking: oapigen.UnitPolicyBooking(u.Policy.Booking), HoldMinutes: u.Policy.HoldMinutes,
		},
	}
}

// Me is GET /api/me's answer.
func Me(p pairup.Person, enrolments []pairup.Enrolment) oapigen.Me {
	out := oapigen.Me{Id: p.Number, Name: p.Name, SiteAdmin: p.SiteAdmin, Units: make([]oapigen.Enrolment, len(enrolments))}
	for i, e := range enrolments {
		out.Units[i] = oapigen.Enrolment{Code: e.Unit, Title: e.Title, Role: oapigen.EnrolmentRole(e.Role)}
	}
	return out
}

// AuditPage is one page of a unit's audit log; next is 0 on the last page.
func AuditPage(entries []pairup.AuditEntry, next int64) oapigen.AuditPage {
	out := oapigen.AuditPage{Entries: make([]oapigen.AuditEntry, len(entries))}
	for i, e := range entries {
		a := oapigen.AuditEntry{
			Id: e.ID, At: e.At, Action: oapigen.AuditEntryAction(e.Action),
			Actor: oapigen.AuditActor{Id: optional(e.ActorID), Name: e.ActorName},
			Pid:   optional(e.ProjectID), LabId: optional(e.LabID), Student: optional(e.Student), Reason: optional(e.Reason),
		}
		if e.Details != nil {
			d := e.Details
			a.Details = &d
		}
		out.Entries[i] = a
	}
	if next != 0 {
		n := strconv.FormatInt(next, 10)
		out.Next = &n
	}
	return out
}

func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// CSVCell makes a text safe to open in a spreadsheet: a cell starting with =, +, -, @ (or a tab
// or carriage return) would be read as a formula, so it gets a leading apostrophe.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
