package wire

import (
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// RosterReport is the answer of a roster preview or apply; every list is present, empty or not.
func RosterReport(r pairup.RosterReport) oapigen.RosterReport {
	out := oapigen.RosterReport{
		Applied:   r.Applied,
		Add:       rosterRows(r.Add),
		Update:    rosterRows(r.Update),
		Unchanged: rosterRows(r.Unchanged),
		Remove:    rosterRows(r.Remove),
		Errors:    make([]oapigen.LineError, len(r.Errors)),
	}
	for i, e := range r.Errors {
		out.Errors[i] = oapigen.LineError{Line: e.Line, Message: e.Message}
	}
	return out
}

func rosterRows(rows []pairup.RosterRow) []oapigen.RosterRow {
	out := make([]oapigen.RosterRow, len(rows))
	for i, r := range rows {
		out[i] = oapigen.RosterRow{
			Line: r.Line, StudentNumber: r.Student.Number, Name: r.Student.Name, Role: oapigen.RosterRowRole(r.Student.Role),
			Email: optional(r.Email), Pin: optional(r.PIN), Note: optional(r.Note),
		}
	}
	return out
}

// EnrolmentResult is the answer of an enrolment: the person as enrolled, and a new PIN once.
func EnrolmentResult(e pairup.Enrolled) oapigen.EnrolmentResult {
	return oapigen.EnrolmentResult{
		Id: e.Student.Number, Name: e.Student.Name, Role: oapigen.EnrolmentResultRole(e.Student.Role),
		Email: optional(e.Email), Pin: optional(e.PIN),
	}
}
