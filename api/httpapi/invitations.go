package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/wire"
)

// ListInvitations implements GET /api/units/{unit}/invitations.
func (s *Server) ListInvitations(ctx context.Context, _ oapigen.ListInvitationsRequestObject) (oapigen.ListInvitationsResponseObject, error) {
	received, sent, err := s.Service.Invitations(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ListInvitations200JSONResponse(wire.InvitationList(received, sent)), nil
}

// CreateInvitation implements POST /api/units/{unit}/invitations.
func (s *Server) CreateInvitation(ctx context.Context, req oapigen.CreateInvitationRequestObject) (oapigen.CreateInvitationResponseObject, error) {
	description := ""
	if req.Body.Description != nil {
		description = *req.Body.Description
	}
	inv, err := s.Service.Invite(ctx, mustAccess(ctx), req.Body.Student, description)
	if err != nil {
		return nil, err
	}
	return oapigen.CreateInvitation201JSONResponse(wire.Invitation(inv)), nil
}

// WithdrawInvitation implements DELETE /api/units/{unit}/invitations/{iid}.
func (s *Server) WithdrawInvitation(ctx context.Context, req oapigen.WithdrawInvitationRequestObject) (oapigen.WithdrawInvitationResponseObject, error) {
	if err := s.Service.WithdrawInvitation(ctx, mustAccess(ctx), req.Iid); err != nil {
		return nil, err
	}
	return oapigen.WithdrawInvitation204Response{}, nil
}

// AcceptInvitation implements POST /api/units/{unit}/invitations/{iid}/accept.
func (s *Server) AcceptInvitation(ctx context.Context, req oapigen.AcceptInvitationRequestObject) (oapigen.AcceptInvitationResponseObject, error) {
	p, err := s.Service.AcceptInvitation(ctx, mustAccess(ctx), req.Iid)
	if err != nil {
		return nil, err
	}
	return oapigen.AcceptInvitation200JSONResponse(wire.Project(p)), nil
}

// DeclineInvitation implements POST /api/units/{unit}/invitations/{iid}/decline.
func (s *Server) DeclineInvitation(ctx context.Context, req oapigen.DeclineInvitationRequestObject) (oapigen.DeclineInvitationResponseObject, error) {
	inv, err := s.Service.DeclineInvitation(ctx, mustAccess(ctx), req.Iid)
	if err != nil {
		return nil, err
	}
	return oapigen.DeclineInvitation200JSONResponse(wire.Invitation(inv)), nil
}
