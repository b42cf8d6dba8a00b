// Package httpapi serves Pair-Up's REST API: it implements the strict server generated from
// openapi.yaml, authenticates and authorizes callers, and turns every error into
// application/problem+json.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/wire"
)

// Deps is what the API needs.
type Deps struct {
	Students pairup.StudentService
	Projects pairup.ProjectService
	Tokens   *auth.Tokens
	Signin   *auth.Signin
	Ping     func(context.Context) error // reports whether the database answers
	Realtime Realtime                    // serves /api/ws; nil leaves it out
	Logger   *slog.Logger
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
	token, err := s.Signin.SignIn(ctx, creds.user, creds.password)
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

// GetStudent implements GET /api/students/{id}.
func (s *Server) GetStudent(ctx context.Context, req oapigen.GetStudentRequestObject) (oapigen.GetStudentResponseObject, error) {
	st, err := s.Students.Student(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return oapigen.GetStudent200JSONResponse(wire.Student(st)), nil
}

// GetStudentProject implements GET /api/students/{id}/project.
func (s *Server) GetStudentProject(ctx context.Context, req oapigen.GetStudentProjectRequestObject) (oapigen.GetStudentProjectResponseObject, error) {
	p, err := s.Projects.ProjectOf(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return oapigen.GetStudentProject200JSONResponse(wire.Project(p)), nil
}

// CreateStudentProject implements POST /api/students/{id}/project.
func (s *Server) CreateStudentProject(ctx context.Context, req oapigen.CreateStudentProjectRequestObject) (oapigen.CreateStudentProjectResponseObject, error) {
	description, err := pairup.NormalizeDescription(req.Body.Description)
	if err != nil {
		return nil, fieldError("description", err)
	}
	p, err := s.Projects.CreateProject(ctx, pairup.NewProject{
		Creator:     req.Id,
		Partner:     req.Body.PartnerNumber,
		Description: description,
		LabID:       int64(req.Body.LabId),
	})
	if err != nil {
		return nil, err
	}
	location := "/api/students/" + req.Id + "/project"
	return oapigen.CreateStudentProject201JSONResponse{
		Body:    wire.Project(p),
		Headers: oapigen.CreateStudentProject201ResponseHeaders{Location: &location},
	}, nil
}

// UpdateStudentProject implements PUT /api/students/{id}/project.
func (s *Server) UpdateStudentProject(ctx context.Context, req oapigen.UpdateStudentProjectRequestObject) (oapigen.UpdateStudentProjectResponseObject, error) {
	current, err := s.Projects.ProjectOf(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	description, err := pairup.NormalizeDescription(req.Body.Description)
	if err != nil {
		return nil, fieldError("description", err)
	}
	p, err := s.Projects.UpdateProject(ctx, pairup.ProjectChange{
		ProjectID:   current.ID,
		Description: description,
		LabID:       int64(req.Body.LabId),
	})
	if err != nil {
		return nil, err
	}
	return oapigen.UpdateStudentProject200JSONResponse(wire.Project(p)), nil
}

// DeleteStudentProject implements DELETE /api/students/{id}/project.
func (s *Server) DeleteStudentProject(ctx context.Context, req oapigen.DeleteStudentProjectRequestObject) (oapigen.DeleteStudentProjectResponseObject, error) {
	current, err := s.Projects.ProjectOf(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	if err := s.Projects.DeleteProject(ctx, current.ID); err != nil {
		return nil, err
	}
	return oapigen.DeleteStudentProject204Response{}, nil
}

// ListAvailableLabs implements GET /api/labs.
func (s *Server) ListAvailableLabs(ctx context.Context, _ oapigen.ListAvailableLabsRequestObject) (oapigen.ListAvailableLabsResponseObject, error) {
	labs, err := s.Projects.AvailableLabs(ctx)
	if err != nil {
		return nil, err
	}
	out := oapigen.ListAvailableLabs200JSONResponse{AvailableLabs: make([]oapigen.Lab, len(labs))}
	for i, l := range labs {
		out.AvailableLabs[i] = wire.Lab(l)
	}
	return out, nil
}

// ListProjects implements GET /api/projects.
func (s *Server) ListProjects(ctx context.Context, _ oapigen.ListProjectsRequestObject) (oapigen.ListProjectsResponseObject, error) {
	projects, err := s.Projects.Projects(ctx)
	if err != nil {
		return nil, err
	}
	out := oapigen.ListProjects200JSONResponse{ProjectList: make([]oapigen.Project, len(projects))}
	for i, p := range projects {
		out.ProjectList[i] = wire.Project(p)
	}
	return out, nil
}

// GetHealth implements GET /api/health.
func (s *Server) GetHealth(ctx context.Context, _ oapigen.GetHealthRequestObject) (oapigen.GetHealthResponseObject, error) {
	if err := s.Ping(ctx); err != nil {
		return nil, &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the database does not answer"}
	}
	return oapigen.GetHealth200JSONResponse{Status: oapigen.Ok}, nil
}

// fieldError attaches a field name to a domain validation error.
func fieldError(field string, err error) error {
	if e, ok := err.(*pairup.Error); ok && len(e.Fields) == 0 {
		return pairup.FieldErrorf(e.Code, field, "%s", e.Message)
	}
	return err
}
