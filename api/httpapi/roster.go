package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
)

// PreviewRoster is not built yet.
func (s *Server) PreviewRoster(ctx context.Context, _ oapigen.PreviewRosterRequestObject) (oapigen.PreviewRosterResponseObject, error) {
	return nil, errNotBuilt
}

// ApplyRoster is not built yet.
func (s *Server) ApplyRoster(ctx context.Context, _ oapigen.ApplyRosterRequestObject) (oapigen.ApplyRosterResponseObject, error) {
	return nil, errNotBuilt
}

// EnrolStudent is not built yet.
func (s *Server) EnrolStudent(ctx context.Context, _ oapigen.EnrolStudentRequestObject) (oapigen.EnrolStudentResponseObject, error) {
	return nil, errNotBuilt
}

// UnenrolStudent is not built yet.
func (s *Server) UnenrolStudent(ctx context.Context, _ oapigen.UnenrolStudentRequestObject) (oapigen.UnenrolStudentResponseObject, error) {
	return nil, errNotBuilt
}

// ResetStudentPin is not built yet.
func (s *Server) ResetStudentPin(ctx context.Context, _ oapigen.ResetStudentPinRequestObject) (oapigen.ResetStudentPinResponseObject, error) {
	return nil, errNotBuilt
}
