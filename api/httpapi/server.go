// Package httpapi serves Pair-Up's REST API: it implements the strict server generated from
// openapi.yaml, authenticates callers, asks the service whether they may act, and turns every
// error into application/problem+json. Handlers only decode, call a use case and encode.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/wire"
)

// Deps is what the API needs.
type Deps struct {
	Service  *service.Service
	Tokens   *auth.Tokens
	Signin   *auth.Signin
	Ping     func(context.Context) error // reports whether the database answers
	FeedUp   func() bool                 // reports whether the event feed is up; nil: not checked
	Realtime Realtime                    // serves /api/ws; nil leaves it out
	Logger   *slog.Logger

	// TrustedProxies are the peers whose X-Forwarded-For is believed about the client's address
	// (what the sign-in throttle counts by); none: the address is the TCP peer's.
	TrustedProxies []netip.Prefix
}

// Realtime serves WebSocket connections for authenticated callers. It answers (with an
// *pairup.Error, before writing anything) when the request is no proper handshake.
type Realtime interface {
	Serve(w http.ResponseWriter, r *http.Request, caller auth.Caller) error
}

// Server implements the generated strict server interface.
type Server struct{ Deps }

var _ oapigen.StrictServerInterface = (*Server)(nil)

// CreateToken implements POST /api/tokens (HTTP Basic).
func (s *Server) CreateToken(ctx context.Context, _ oapigen.CreateTokenRequestObject) (oapigen.CreateTokenResponseObject, error) {
	creds, ok := basicCredentialsFrom(ctx)
	if !ok {
		return nil, basicChallenge(pairup.Errorf(pairup.EUNAUTHORIZED, "send your student number and PIN with HTTP Basic authentication"))
	}
	token, err := s.Signin.SignIn(ctx, creds.user, creds.password, creds.addr)
	if pairup.ErrorCode(err) == pairup.EUNAUTHORIZED {
		return nil, basicChallenge(err)
	} else if err != nil {
		return nil, err
	}
	return oapigen.CreateToken200JSONResponse{Token: token.Token, Expiry: token.Expires.UTC()}, nil
}

// RevokeToken implements DELETE /api/tokens.
func (s *Server) RevokeToken(ctx context.Context, _ oapigen.RevokeTokenRequestObject) (oapigen.RevokeTokenResponseObject, error) {
	caller := mustCaller(ctx)
	if err := s.Tokens.Revoke(ctx, caller.Token); err != nil {
		return nil, fmt.Errorf("revoke token: %w", err)
	}
	return oapigen.RevokeToken204Response{}, nil
}

// GetMe implements GET /api/me.
func (s *Server) GetMe(ctx context.Context, _ oapigen.GetMeRequestObject) (oapigen.GetMeResponseObject, error) {
	p, enrolments, err := s.Service.Me(ctx, actorOf(mustCaller(ctx)))
	if err != nil {
		return nil, err
	}
	return oapigen.GetMe200JSONResponse(wire.Me(p, enrolments)), nil
}

// ListUnits implements GET /api/units.
func (s *Server) ListUnits(ctx context.Context, _ oapigen.ListUnitsRequestObject) (oapigen.ListUnitsResponseObject, error) {
	units, err := s.Service.Units(ctx, actorOf(mustCaller(ctx)))
	if err != nil {
		return nil, err
	}
	out := oapigen.ListUnits200JSONResponse{Units: make([]oapigen.Unit, len(units))}
	for i, u := range units {
		out.Units[i] = wire.Unit(u, s.Service.Phase(u))
	}
	return out, nil
}

// GetUnit implements GET /api/units/{unit}.
func (s *Server) GetUnit(ctx context.Context, _ oapigen.GetUnitRequestObject) (oapigen.GetUnitResponseObject, error) {
	u := mustAccess(ctx).Unit
	return oapigen.GetUnit200JSONResponse(wire.Unit(u, s.Service.Phase(u))), nil
}

// UpdateUnit implements PATCH /api/units/{unit}.
func (s *Server) UpdateUnit(ctx context.Context, req oapigen.UpdateUnitRequestObject) (oapigen.UpdateUnitResponseObject, error) {
	u, err := s.Service.UpdateUnit(ctx, mustAccess(ctx), *req.Body)
	if err != nil {
		return nil, err
	}
	return oapigen.UpdateUnit200JSONResponse(wire.Unit(u, s.Service.Phase(u))), nil
}

// ListUnitAudit implements GET /api/units/{unit}/audit.
func (s *Server) ListUnitAudit(ctx context.Context, req oapigen.ListUnitAuditRequestObject) (oapigen.ListUnitAuditResponseObject, error) {
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
	filter, err := auditFilter(req.Params.Student, req.Params.Pid, req.Params.Action)
	if err != nil {
		return nil, err
	}
	page, err := s.Service.FilteredAudit(ctx, mustAccess(ctx), filter, cursor, limit)
	if err != nil {
		return nil, err
	}
	return oapigen.ListUnitAudit200JSONResponse(wire.AuditPage(page.Entries, page.Next)), nil
}

// GetStudent implements GET /api/students/{id}.
func (s *Server) GetStudent(ctx context.Context, req oapigen.GetStudentRequestObject) (oapigen.GetStudentResponseObject, error) {
	st, err := s.Service.Student(ctx, mustAccess(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return oapigen.GetStudent200JSONResponse(wire.Student(st)), nil
}

// GetUnitStudent implements GET /api/units/{unit}/students/{id}.
func (s *Server) GetUnitStudent(ctx context.Context, req oapigen.GetUnitStudentRequestObject) (oapigen.GetUnitStudentResponseObject, error) {
	st, err := s.Service.Student(ctx, mustAccess(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return oapigen.GetUnitStudent200JSONResponse(wire.Student(st)), nil
}

// GetStudentProject implements GET /api/students/{id}/project.
func (s *Server) GetStudentProject(ctx context.Context, req oapigen.GetStudentProjectRequestObject) (oapigen.GetStudentProjectResponseObject, error) {
	p, err := s.Service.ProjectOf(ctx, mustAccess(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return oapigen.GetStudentProject200JSONResponse(wire.Project(p)), nil
}

// GetUnitStudentProject implements GET /api/units/{unit}/students/{id}/project.
func (s *Server) GetUnitStudentProject(ctx context.Context, req oapigen.GetUnitStudentProjectRequestObject) (oapigen.GetUnitStudentProjectResponseObject, error) {
	p, err := s.Service.ProjectOf(ctx, mustAccess(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return oapigen.GetUnitStudentProject200JSONResponse(wire.Project(p)), nil
}

// CreateStudentProject implements POST /api/students/{id}/project.
func (s *Server) CreateStudentProject(ctx context.Context, req oapigen.CreateStudentProjectRequestObject) (oapigen.CreateStudentProjectResponseObject, error) {
	p, err := s.createProject(ctx, req.Id, req.Body)
	if err != nil {
		return nil, err
	}
	location := "/api/students/" + req.Id + "/project"
	return oapigen.CreateStudentProject201JSONResponse{
		Body:    wire.Project(p),
		Headers: oapigen.CreateStudentProject201ResponseHeaders{Location: &location},
	}, nil
}

// CreateUnitStudentProject implements POST /api/units/{unit}/students/{id}/project.
func (s *Server) CreateUnitStudentProject(ctx context.Context, req oapigen.CreateUnitStudentProjectRequestObject) (oapigen.CreateUnitStudentProjectResponseObject, error) {
	b := req.Body
	body := &oapigen.NewProject{Description: b.Description, PartnerNumber: b.PartnerNumber, PartnerNumbers: b.PartnerNumbers}
	if b.LabId != nil {
		body.LabId = *b.LabId // absent: 0, no slot
	}
	p, err := s.createProject(ctx, req.Id, body)
	if err != nil {
		return nil, err
	}
	location := "/api/units/" + req.Unit + "/students/" + req.Id + "/project"
	return oapigen.CreateUnitStudentProject201JSONResponse{
		Body:    wire.Project(p),
		Headers: oapigen.CreateUnitStudentProject201ResponseHeaders{Location: &location},
	}, nil
}

func (s *Server) createProject(ctx context.Context, creator string, body *oapigen.NewProject) (pairup.Project, error) {
	np := pairup.NewProject{Creator: creator, Description: body.Description, LabID: int64(body.LabId)}
	switch {
	case body.PartnerNumber != nil && body.PartnerNumbers != nil:
		return pairup.Project{}, pairup.FieldErrorf(pairup.EINVALID, "partnerNumbers", "send partnerNumber or partnerNumbers, not both")
	case body.PartnerNumber != nil:
		np.Partners, np.Field = []string{*body.PartnerNumber}, "partnerNumber"
	case body.PartnerNumbers != nil:
		np.Partners, np.Field = *body.PartnerNumbers, "partnerNumbers"
	}
	return s.Service.CreateProject(ctx, mustAccess(ctx), np)
}

// UpdateStudentProject implements PUT /api/students/{id}/project.
func (s *Server) UpdateStudentProject(ctx context.Context, req oapigen.UpdateStudentProjectRequestObject) (oapigen.UpdateStudentProjectResponseObject, error) {
	p, err := s.Service.UpdateProject(ctx, mustAccess(ctx), req.Id, projectChange(req.Body))
	if err != nil {
		return nil, err
	}
	return oapigen.UpdateStudentProject200JSONResponse(wire.Project(p)), nil
}

// UpdateUnitStudentProject implements PUT /api/units/{unit}/students/{id}/project.
func (s *Server) UpdateUnitStudentProject(ctx context.Context, req oapigen.UpdateUnitStudentProjectRequestObject) (oapigen.UpdateUnitStudentProjectResponseObject, error) {
	c := pairup.ProjectChange{Description: req.Body.Description}
	if req.Body.LabId != nil {
		c.LabID = int64(*req.Body.LabId)
	}
	p, err := s.Service.UpdateProject(ctx, mustAccess(ctx), req.Id, c)
	if err != nil {
		return nil, err
	}
	return oapigen.UpdateUnitStudentProject200JSONResponse(wire.Project(p)), nil
}

func projectChange(body *oapigen.ProjectUpdate) pairup.ProjectChange {
	return pairup.ProjectChange{Description: body.Description, LabID: int64(body.LabId)}
}

// DeleteStudentProject implements DELETE /api/students/{id}/project.
func (s *Server) DeleteStudentProject(ctx context.Context, req oapigen.DeleteStudentProjectRequestObject) (oapigen.DeleteStudentProjectResponseObject, error) {
	if err := s.Service.DeleteProject(ctx, mustAccess(ctx), req.Id); err != nil {
		return nil, err
	}
	return oapigen.DeleteStudentProject204Response{}, nil
}

// DeleteUnitStudentProject implements DELETE /api/units/{unit}/students/{id}/project.
func (s *Server) DeleteUnitStudentProject(ctx context.Context, req oapigen.DeleteUnitStudentProjectRequestObject) (oapigen.DeleteUnitStudentProjectResponseObject, error) {
	if err := s.Service.DeleteProject(ctx, mustAccess(ctx), req.Id); err != nil {
		return nil, err
	}
	return oapigen.DeleteUnitStudentProject204Response{}, nil
}

// RemoveProjectMember implements DELETE /api/units/{unit}/projects/{pid}/members/{id}.
func (s *Server) RemoveProjectMember(ctx context.Context, req oapigen.RemoveProjectMemberRequestObject) (oapigen.RemoveProjectMemberResponseObject, error) {
	reason := ""
	if req.Params.Reason != nil {
		reason = *req.Params.Reason
	}
	if err := s.Service.RemoveMember(ctx, mustAccess(ctx), req.Pid, req.Id, reason); err != nil {
		return nil, err
	}
	return oapigen.RemoveProjectMember204Response{}, nil
}

// ListAvailableLabs implements GET /api/labs.
func (s *Server) ListAvailableLabs(ctx context.Context, _ oapigen.ListAvailableLabsRequestObject) (oapigen.ListAvailableLabsResponseObject, error) {
	labs, err := s.Service.BookableLabs(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ListAvailableLabs200JSONResponse(wire.AvailableLabs(labs)), nil
}

// ListUnitLabs implements GET /api/units/{unit}/labs.
func (s *Server) ListUnitLabs(ctx context.Context, _ oapigen.ListUnitLabsRequestObject) (oapigen.ListUnitLabsResponseObject, error) {
	labs, err := s.Service.BookableLabs(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ListUnitLabs200JSONResponse(wire.AvailableLabs(labs)), nil
}

// ListProjects implements GET /api/projects.
func (s *Server) ListProjects(ctx context.Context, _ oapigen.ListProjectsRequestObject) (oapigen.ListProjectsResponseObject, error) {
	projects, err := s.Service.Projects(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ListProjects200JSONResponse(wire.ProjectList(projects)), nil
}

// ListUnitProjects implements GET /api/units/{unit}/projects.
func (s *Server) ListUnitProjects(ctx context.Context, _ oapigen.ListUnitProjectsRequestObject) (oapigen.ListUnitProjectsResponseObject, error) {
	projects, err := s.Service.Projects(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ListUnitProjects200JSONResponse(wire.ProjectList(projects)), nil
}

// GetHealth implements GET /api/health.
func (s *Server) GetHealth(ctx context.Context, _ oapigen.GetHealthRequestObject) (oapigen.GetHealthResponseObject, error) {
	if err := s.Ping(ctx); err != nil {
		return nil, &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the database does not answer"}
	}
	return oapigen.GetHealth200JSONResponse{Status: oapigen.Ok}, nil
}

// GetHealthLive implements GET /api/health/live: the process serves HTTP, whatever its
// dependencies do.
func (s *Server) GetHealthLive(context.Context, oapigen.GetHealthLiveRequestObject) (oapigen.GetHealthLiveResponseObject, error) {
	return oapigen.GetHealthLive200JSONResponse{Status: oapigen.Ok}, nil
}

// GetHealthReady implements GET /api/health/ready: the database answers and, when the API has
// a realtime layer that reports it, the event feed is up.
func (s *Server) GetHealthReady(ctx context.Context, _ oapigen.GetHealthReadyRequestObject) (oapigen.GetHealthReadyResponseObject, error) {
	if err := s.Ping(ctx); err != nil {
		return nil, &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the database does not answer"}
	}
	if s.FeedUp != nil && !s.FeedUp() {
		return nil, &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the event feed is down"}
	}
	return oapigen.GetHealthReady200JSONResponse{Status: oapigen.Ok}, nil
}
