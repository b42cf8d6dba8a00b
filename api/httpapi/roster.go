package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/wire"
)

// hashPIN is how the API stores the PINs it sets: as sign-in checks them (peppered when
// PAIRUP_PIN_PEPPER is set).
func (s *Server) hashPIN(pin string) (string, error) { return s.Signin.PINs().Hash(pin) }

// PreviewRoster implements POST /api/units/{unit}/roster/preview (a text/csv body; the use
// case limits its size and checks its encoding).
func (s *Server) PreviewRoster(ctx context.Context, req oapigen.PreviewRosterRequestObject) (oapigen.PreviewRosterResponseObject, error) {
	report, err := s.Service.PreviewRoster(ctx, mustAccess(ctx), req.Body)
	if err != nil {
		return nil, err
	}
	return oapigen.PreviewRoster200JSONResponse(wire.RosterReport(report)), nil
}

// ApplyRoster implements POST /api/units/{unit}/roster[?remove=true].
func (s *Server) ApplyRoster(ctx context.Context, req oapigen.ApplyRosterRequestObject) (oapigen.ApplyRosterResponseObject, error) {
	opt := service.RosterOptions{Remove: req.Params.Remove != nil && *req.Params.Remove, HashPIN: s.hashPIN}
	report, err := s.Service.ApplyRoster(ctx, mustAccess(ctx), req.Body, opt)
	if err != nil {
		return nil, err
	}
	return oapigen.ApplyRoster200JSONResponse(wire.RosterReport(report)), nil
}

// EnrolStudent implements PUT /api/units/{unit}/enrolments/{id}. An absent or null email keeps
// the person's address; "" removes it.
func (s *Server) EnrolStudent(ctx context.Context, req oapigen.EnrolStudentRequestObject) (oapigen.EnrolStudentResponseObject, error) {
	ch := pairup.EnrolmentChange{Role: pairup.Role(req.Body.Role), Name: req.Body.Name, Email: req.Body.Email, PIN: req.Body.Pin}
	e, err := s.Service.EnrolPerson(ctx, mustAccess(ctx), req.Id, ch, s.hashPIN)
	if err != nil {
		return nil, err
	}
	return oapigen.EnrolStudent200JSONResponse(wire.EnrolmentResult(e)), nil
}

// UnenrolStudent implements DELETE /api/units/{unit}/enrolments/{id}.
func (s *Server) UnenrolStudent(ctx context.Context, req oapigen.UnenrolStudentRequestObject) (oapigen.UnenrolStudentResponseObject, error) {
	if err := s.Service.UnenrolPerson(ctx, mustAccess(ctx), req.Id); err != nil {
		return nil, err
	}
	return oapigen.UnenrolStudent204Response{}, nil
}

// ResetStudentPin implements POST /api/units/{unit}/students/{id}/pin.
func (s *Server) ResetStudentPin(ctx context.Context, req oapigen.ResetStudentPinRequestObject) (oapigen.ResetStudentPinResponseObject, error) {
	pin, err := s.Service.ResetPIN(ctx, mustAccess(ctx), req.Id, s.hashPIN)
	if err != nil {
		return nil, err
	}
	return oapigen.ResetStudentPin200JSONResponse{Id: req.Id, Pin: pin}, nil
}
