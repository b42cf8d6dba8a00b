package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/wire"
)

// GetJoinCode implements GET /api/units/{unit}/projects/{pid}/code.
func (s *Server) GetJoinCode(ctx context.Context, req oapigen.GetJoinCodeRequestObject) (oapigen.GetJoinCodeResponseObject, error) {
	code, err := s.Service.JoinCode(ctx, mustAccess(ctx), req.Pid)
	if err != nil {
		return nil, err
	}
	return oapigen.GetJoinCode200JSONResponse{Pid: req.Pid, Code: code}, nil
}

// RenewJoinCode implements POST /api/units/{unit}/projects/{pid}/code.
func (s *Server) RenewJoinCode(ctx context.Context, req oapigen.RenewJoinCodeRequestObject) (oapigen.RenewJoinCodeResponseObject, error) {
	code, err := s.Service.RenewJoinCode(ctx, mustAccess(ctx), req.Pid)
	if err != nil {
		return nil, err
	}
	return oapigen.RenewJoinCode200JSONResponse{Pid: req.Pid, Code: code}, nil
}

// JoinTeam implements POST /api/units/{unit}/join.
func (s *Server) JoinTeam(ctx context.Context, req oapigen.JoinTeamRequestObject) (oapigen.JoinTeamResponseObject, error) {
	p, err := s.Service.JoinTeam(ctx, mustAccess(ctx), req.Body.Code)
	if err != nil {
		return nil, err
	}
	return oapigen.JoinTeam200JSONResponse(wire.Project(p)), nil
}
