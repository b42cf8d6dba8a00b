package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/wire"
)

// JoinQueue implements POST /api/units/{unit}/labs/{lab}/queue.
func (s *Server) JoinQueue(ctx context.Context, req oapigen.JoinQueueRequestObject) (oapigen.JoinQueueResponseObject, error) {
	e, err := s.Service.JoinQueue(ctx, mustAccess(ctx), req.Lab)
	if err != nil {
		return nil, err
	}
	return oapigen.JoinQueue201JSONResponse(wire.QueueEntry(e)), nil
}

// LeaveQueue implements DELETE /api/units/{unit}/labs/{lab}/queue.
func (s *Server) LeaveQueue(ctx context.Context, req oapigen.LeaveQueueRequestObject) (oapigen.LeaveQueueResponseObject, error) {
	if err := s.Service.LeaveQueue(ctx, mustAccess(ctx), req.Lab); err != nil {
		return nil, err
	}
	return oapigen.LeaveQueue204Response{}, nil
}

// GetWaitlist implements GET /api/units/{unit}/queue.
func (s *Server) GetWaitlist(ctx context.Context, _ oapigen.GetWaitlistRequestObject) (oapigen.GetWaitlistResponseObject, error) {
	w, err := s.Service.Waitlist(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.GetWaitlist200JSONResponse(wire.Waitlist(w)), nil
}

// AcceptHold implements POST /api/units/{unit}/holds/{hid}/accept.
func (s *Server) AcceptHold(ctx context.Context, req oapigen.AcceptHoldRequestObject) (oapigen.AcceptHoldResponseObject, error) {
	p, err := s.Service.AcceptHold(ctx, mustAccess(ctx), req.Hid)
	if err != nil {
		return nil, err
	}
	return oapigen.AcceptHold200JSONResponse(wire.Project(p)), nil
}

// DeclineHold implements POST /api/units/{unit}/holds/{hid}/decline.
func (s *Server) DeclineHold(ctx context.Context, req oapigen.DeclineHoldRequestObject) (oapigen.DeclineHoldResponseObject, error) {
	if err := s.Service.DeclineHold(ctx, mustAccess(ctx), req.Hid); err != nil {
		return nil, err
	}
	return oapigen.DeclineHold204Response{}, nil
}
