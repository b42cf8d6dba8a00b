package httpapi

import (
	"context"
	"strconv"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/wire"
)

// ListNotices implements GET /api/units/{unit}/notices.
func (s *Server) ListNotices(ctx context.Context, req oapigen.ListNoticesRequestObject) (oapigen.ListNoticesResponseObject, error) {
	var cursor int64
	if req.Params.Cursor != nil {
		c, err := strconv.ParseInt(*req.Params.Cursor, 10, 64)
		if err != nil || c < 1 {
			return nil, pairup.FieldErrorf(pairup.EINVALID, "cursor", "must be the next of an earlier page")
		}
		cursor = c
	}
	limit := 50
	if req.Params.Limit != nil {
		limit = *req.Params.Limit // the use case checks the range
	}
	page, err := s.Service.Notices(ctx, mustAccess(ctx), cursor, limit)
	if err != nil {
		return nil, err
	}
	return oapigen.ListNotices200JSONResponse(wire.NoticePage(page.Notices, page.Unread, page.Next)), nil
}

// MarkNoticesRead implements POST /api/units/{unit}/notices/read.
func (s *Server) MarkNoticesRead(ctx context.Context, req oapigen.MarkNoticesReadRequestObject) (oapigen.MarkNoticesReadResponseObject, error) {
	unread, err := s.Service.MarkNoticesRead(ctx, mustAccess(ctx), req.Body.UpTo)
	if err != nil {
		return nil, err
	}
	return oapigen.MarkNoticesRead200JSONResponse{Unread: unread}, nil
}
