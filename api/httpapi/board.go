package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/wire"
)

// ListBoard implements GET /api/units/{unit}/board.
func (s *Server) ListBoard(ctx context.Context, _ oapigen.ListBoardRequestObject) (oapigen.ListBoardResponseObject, error) {
	b, err := s.Service.Board(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	out := oapigen.ListBoard200JSONResponse{Entries: make([]oapigen.BoardEntry, len(b.Entries)), Times: b.Times, CanPost: b.CanPost}
	for i, e := range b.Entries {
		out.Entries[i] = boardEntry(e)
	}
	return out, nil
}

// PutBoardEntry implements PUT /api/units/{unit}/board/entry.
func (s *Server) PutBoardEntry(ctx context.Context, req oapigen.PutBoardEntryRequestObject) (oapigen.PutBoardEntryResponseObject, error) {
	var tags, times []string
	if req.Body.Tags != nil {
		tags = *req.Body.Tags
	}
	if req.Body.Times != nil {
		times = *req.Body.Times
	}
	e, err := s.Service.PutBoardEntry(ctx, mustAccess(ctx), req.Body.Note, tags, times)
	if err != nil {
		return nil, err
	}
	return oapigen.PutBoardEntry200JSONResponse(boardEntry(e)), nil
}

// DeleteBoardEntry implements DELETE /api/units/{unit}/board/entry.
func (s *Server) DeleteBoardEntry(ctx context.Context, _ oapigen.DeleteBoardEntryRequestObject) (oapigen.DeleteBoardEntryResponseObject, error) {
	if err := s.Service.DeleteBoardEntry(ctx, mustAccess(ctx)); err != nil {
		return nil, err
	}
	return oapigen.DeleteBoardEntry204Response{}, nil
}

// PreviewMatch implements POST /api/units/{unit}/match/preview.
func (s *Server) PreviewMatch(ctx context.Context, req oapigen.PreviewMatchRequestObject) (oapigen.PreviewMatchResponseObject, error) {
	plan, err := s.Service.PreviewMatch(ctx, mustAccess(ctx), req.Body.Seed)
	if err != nil {
		return nil, err
	}
	out := oapigen.PreviewMatch200JSONResponse{Seed: plan.Seed, Teams: make([]oapigen.MatchTeam, len(plan.Teams)), Unmatched: make([]oapigen.MatchUnmatched, len(plan.Unmatched))}
	for i, t := range plan.Teams {
		members := make([]oapigen.Student, len(t.Members))
		for j, m := range t.Members {
			members[j] = wire.Student(m)
		}
		out.Teams[i] = oapigen.MatchTeam{Members: members, Tags: t.Tags, Times: t.Times, Reason: t.Reason}
	}
	for i, u := range plan.Unmatched {
		out.Unmatched[i] = oapigen.MatchUnmatched{Id: u.Student.Number, Name: u.Student.Name, Reason: u.Reason}
	}
	return out, nil
}

// ApplyMatch implements POST /api/units/{unit}/match.
func (s *Server) ApplyMatch(ctx context.Context, req oapigen.ApplyMatchRequestObject) (oapigen.ApplyMatchResponseObject, error) {
	made, err := s.Service.ApplyMatch(ctx, mustAccess(ctx), req.Body.Seed, req.Body.Teams)
	if err != nil {
		return nil, err
	}
	out := oapigen.ApplyMatch201JSONResponse{Seed: req.Body.Seed, Teams: make([]oapigen.Project, len(made))}
	for i, p := range made {
		out.Teams[i] = wire.Project(p)
	}
	return out, nil
}

func boardEntry(e pairup.BoardEntry) oapigen.BoardEntry {
	return oapigen.BoardEntry{Student: wire.Student(e.Student), Note: e.Note, Tags: nonNil(e.Tags), Times: nonNil(e.Times), UpdatedAt: e.UpdatedAt}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
