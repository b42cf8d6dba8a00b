package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/service"
)

// GetRanking implements GET /api/units/{unit}/projects/{pid}/ranking.
func (s *Server) GetRanking(ctx context.Context, req oapigen.GetRankingRequestObject) (oapigen.GetRankingResponseObject, error) {
	r, err := s.Service.Ranking(ctx, mustAccess(ctx), req.Pid)
	if err != nil {
		return nil, err
	}
	return oapigen.GetRanking200JSONResponse(rankingJSON(r)), nil
}

// SetRanking implements PUT /api/units/{unit}/projects/{pid}/ranking.
func (s *Server) SetRanking(ctx context.Context, req oapigen.SetRankingRequestObject) (oapigen.SetRankingResponseObject, error) {
	r, err := s.Service.SetRanking(ctx, mustAccess(ctx), req.Pid, req.Body.Labs)
	if err != nil {
		return nil, err
	}
	return oapigen.SetRanking200JSONResponse(rankingJSON(r)), nil
}

// GetAllocation implements GET /api/units/{unit}/allocation.
func (s *Server) GetAllocation(ctx context.Context, req oapigen.GetAllocationRequestObject) (oapigen.GetAllocationResponseObject, error) {
	a, err := s.Service.Allocation(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.GetAllocation200JSONResponse(allocationJSON(a)), nil
}

// RunAllocation implements POST /api/units/{unit}/allocation.
func (s *Server) RunAllocation(ctx context.Context, req oapigen.RunAllocationRequestObject) (oapigen.RunAllocationResponseObject, error) {
	a, err := s.Service.RunAllocation(ctx, mustAccess(ctx), req.Body.Seed)
	if err != nil {
		return nil, err
	}
	return oapigen.RunAllocation200JSONResponse(allocationJSON(a)), nil
}

func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// rankingJSON is a team's ranking with what the allocation gave it.
func rankingJSON(r service.TeamRanking) oapigen.Ranking {
	out := oapigen.Ranking{Pid: r.ProjectID, Labs: make([]oapigen.RankedLab, len(r.Labs)), UpdatedAt: r.UpdatedAt,
		Result: oapigen.RankingResult{Ran: r.Ran}}
	for i, l := range r.Labs {
		out.Labs[i] = oapigen.RankedLab{LabId: l.Lab.ID, Lab: l.Lab.Label(), Rank: l.Rank}
	}
	if r.Result.LabID != 0 {
		label := r.Lab.Label()
		out.Result.LabId, out.Result.Lab, out.Result.Rank = &r.Result.LabID, &label, optional(r.Result.Rank)
	}
	return out
}

// allocationJSON is a unit's allocation: its distribution and each team's slot and rank.
func allocationJSON(a service.Allocation) oapigen.Allocation {
	out := oapigen.Allocation{RanAt: a.RanAt, Seed: a.Seed, By: a.ByName, Automatic: a.Automatic,
		Distribution: make([]oapigen.RankCount, len(a.Distribution)), Teams: make([]oapigen.AllocationTeam, len(a.Teams))}
	for i, c := range a.Distribution {
		out.Distribution[i] = oapigen.RankCount{Rank: optional(c.Rank), Placed: c.Placed, Teams: c.Teams}
	}
	for i, t := range a.Teams {
		row := oapigen.AllocationTeam{Pid: t.ProjectID, Team: t.Team, LabId: optional(t.Lab.ID), Rank: optional(t.Rank)}
		if t.Lab.ID != 0 {
			label := t.Lab.Label()
			row.Lab = &label
		}
		out.Teams[i] = row
	}
	return out
}
