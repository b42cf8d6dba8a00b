package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/wire"
)

// ListUnitSlots implements GET /api/units/{unit}/slots.
func (s *Server) ListUnitSlots(ctx context.Context, _ oapigen.ListUnitSlotsRequestObject) (oapigen.ListUnitSlotsResponseObject, error) {
	slots, err := s.Service.Slots(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ListUnitSlots200JSONResponse(wire.SlotList(slots)), nil
}

// CreateSlot implements POST /api/units/{unit}/slots.
func (s *Server) CreateSlot(ctx context.Context, req oapigen.CreateSlotRequestObject) (oapigen.CreateSlotResponseObject, error) {
	b := req.Body
	slot, err := s.Service.CreateSlot(ctx, mustAccess(ctx), pairup.NewSlot{Room: b.Room, StartsAt: b.StartsAt, Capacity: b.Capacity})
	if err != nil {
		return nil, err
	}
	return oapigen.CreateSlot201JSONResponse(wire.Slot(slot)), nil
}

// PreviewSession implements POST /api/units/{unit}/slots/preview.
func (s *Server) PreviewSession(ctx context.Context, req oapigen.PreviewSessionRequestObject) (oapigen.PreviewSessionResponseObject, error) {
	planned, err := s.Service.PreviewSession(ctx, mustAccess(ctx), sessionSpec(req.Body))
	if err != nil {
		return nil, err
	}
	return oapigen.PreviewSession200JSONResponse(wire.SessionPlan(planned)), nil
}

// GenerateSession implements POST /api/units/{unit}/slots/generate.
func (s *Server) GenerateSession(ctx context.Context, req oapigen.GenerateSessionRequestObject) (oapigen.GenerateSessionResponseObject, error) {
	slots, err := s.Service.GenerateSession(ctx, mustAccess(ctx), sessionSpec(req.Body))
	if err != nil {
		return nil, err
	}
	return oapigen.GenerateSession200JSONResponse(wire.SlotList(slots)), nil
}

func sessionSpec(b *oapigen.SessionSpec) pairup.SessionSpec {
	return pairup.SessionSpec{Rooms: b.Rooms, Date: b.Date, Start: b.Start, End: b.End, SlotMinutes: b.SlotMinutes, Capacity: b.Capacity}
}

// UpdateSlot implements PATCH /api/units/{unit}/slots/{lab}.
func (s *Server) UpdateSlot(ctx context.Context, req oapigen.UpdateSlotRequestObject) (oapigen.UpdateSlotResponseObject, error) {
	b := req.Body
	slot, err := s.Service.UpdateSlot(ctx, mustAccess(ctx), req.Lab, pairup.SlotPatch{Room: b.Room, StartsAt: b.StartsAt, Capacity: b.Capacity})
	if err != nil {
		return nil, err
	}
	return oapigen.UpdateSlot200JSONResponse(wire.Slot(slot)), nil
}

// DeleteSlot implements DELETE /api/units/{unit}/slots/{lab}.
func (s *Server) DeleteSlot(ctx context.Context, req oapigen.DeleteSlotRequestObject) (oapigen.DeleteSlotResponseObject, error) {
	if err := s.Service.DeleteSlot(ctx, mustAccess(ctx), req.Lab); err != nil {
		return nil, err
	}
	return oapigen.DeleteSlot204Response{}, nil
}
