package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
)

// ExportTeams is not built yet.
func (s *Server) ExportTeams(ctx context.Context, _ oapigen.ExportTeamsRequestObject) (oapigen.ExportTeamsResponseObject, error) {
	return nil, errNotBuilt
}

// UnitCalendar is not built yet.
func (s *Server) UnitCalendar(ctx context.Context, _ oapigen.UnitCalendarRequestObject) (oapigen.UnitCalendarResponseObject, error) {
	return nil, errNotBuilt
}

// StudentCalendar is not built yet.
func (s *Server) StudentCalendar(ctx context.Context, _ oapigen.StudentCalendarRequestObject) (oapigen.StudentCalendarResponseObject, error) {
	return nil, errNotBuilt
}
