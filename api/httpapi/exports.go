package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pairup/pairup/api/ical"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/wire"
)

// ExportTeams implements GET /api/units/{unit}/export/teams.csv: one row per member, in slot
// time order. Cells of text that people typed go through wire.CSVCell, so that none is read as a
// spreadsheet formula.
func (s *Server) ExportTeams(ctx context.Context, _ oapigen.ExportTeamsRequestObject) (oapigen.ExportTeamsResponseObject, error) {
	acc := mustAccess(ctx)
	teams, err := s.Service.TeamContacts(ctx, acc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write([]string{"pid", "team", "student_number", "name", "email", "description", "room", "starts_at"})
	for _, t := range teams {
		starts := ""
		if t.Lab.ID != 0 {
			starts = t.Lab.StartsAt.Format(pairup.LabTimeLayout)
		}
		for i, m := range t.Members {
			_ = w.Write([]string{
				strconv.FormatInt(t.ID, 10), wire.CSVCell(t.Team()), m.Number, wire.CSVCell(m.Name), wire.CSVCell(t.Emails[i]),
				wire.CSVCell(t.Description), wire.CSVCell(t.Lab.Room), starts,
			})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write teams csv: %w", err)
	}
	return download{body: buf.Bytes(), contentType: "text/csv; charset=utf-8", filename: acc.Unit.Code + "-teams.csv"}, nil
}

// UnitCalendar implements GET /api/units/{unit}/calendar.ics.
func (s *Server) UnitCalendar(ctx context.Context, _ oapigen.UnitCalendarRequestObject) (oapigen.UnitCalendarResponseObject, error) {
	acc := mustAccess(ctx)
	c, err := s.Service.UnitCalendar(ctx, acc)
	if err != nil {
		return nil, err
	}
	return calendarFile(c, acc.Unit.Code+".ics"), nil
}

// StudentCalendar implements GET /api/units/{unit}/students/{id}/calendar.ics.
func (s *Server) StudentCalendar(ctx context.Context, req oapigen.StudentCalendarRequestObject) (oapigen.StudentCalendarResponseObject, error) {
	acc := mustAccess(ctx)
	c, err := s.Service.StudentCalendar(ctx, acc, req.Id)
	if err != nil {
		return nil, err
	}
	return calendarFile(c, acc.Unit.Code+"-"+req.Id+".ics"), nil
}

// calendarFile writes the demos as iCalendar events: "Demo: <team>" in the slot's room, the
// project's description as the event's, and a UID per team and slot.
func calendarFile(c service.Calendar, filename string) download {
	cal := ical.Calendar{ProdID: "-//Pair-Up//EN", Name: c.Unit.Title, Events: make([]ical.Event, len(c.Demos))}
	for i, d := range c.Demos {
		cal.Events[i] = ical.Event{
			UID:   fmt.Sprintf("lab-%d-team-%d@pairup", d.Team.Lab.ID, d.Team.ID),
			Stamp: c.Stamp, Start: d.Start, End: d.End,
			Summary: "Demo: " + d.Team.Team(), Location: d.Team.Lab.Room, Description: d.Team.Description,
		}
	}
	return download{body: cal.Bytes(), contentType: "text/calendar; charset=utf-8", filename: filename}
}

// download is a file to save: its media type and name.
type download struct {
	body        []byte
	contentType string
	filename    string // of [a-z0-9.-] only: unit codes and student numbers
}

func (d download) visit(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", d.contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(d.body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(d.body)
	return err
}

func (d download) VisitExportTeamsResponse(w http.ResponseWriter) error     { return d.visit(w) }
func (d download) VisitUnitCalendarResponse(w http.ResponseWriter) error    { return d.visit(w) }
func (d download) VisitStudentCalendarResponse(w http.ResponseWriter) error { return d.visit(w) }
