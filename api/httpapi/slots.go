package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
)

// ListUnitSlots is not built yet.
func (s *Server) ListUnitSlots(ctx context.Context, _ oapigen.ListUnitSlotsRequestObject) (oapigen.ListUnitSlotsResponseObject, error) {
	return nil, errNotBuilt
}

// CreateSlot is not built yet.
func (s *Server) CreateSlot(ctx context.Context, _ oapigen.CreateSlotRequestObject) (oapigen.CreateSlotResponseObject, error) {
	return nil, errNotBuilt
}

// PreviewSession is not built yet.
func (s *Server) PreviewSession(ctx context.Context, _ oapigen.PreviewSessionRequestObject) (oapigen.PreviewSessionResponseObject, error) {
	return nil, errNotBuilt
}

// GenerateSession is not built yet.
func (s *Server) GenerateSession(ctx context.Context, _ oapigen.GenerateSessionRequestObject) (oapigen.GenerateSessionResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateSlot is not built yet.
func (s *Server) UpdateSlot(ctx context.Context, _ oapigen.UpdateSlotRequestObject) (oapigen.UpdateSlotResponseObject, error) {
	return nil, errNotBuilt
}

// DeleteSlot is not built yet.
func (s *Server) DeleteSlot(ctx context.Context, _ oapigen.DeleteSlotRequestObject) (oapigen.DeleteSlotResponseObject, error) {
	return nil, errNotBuilt
}
