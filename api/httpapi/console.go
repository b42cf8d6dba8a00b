package httpapi

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/wire"
)

// CreateUnit implements POST /api/units (site admins).
func (s *Server) CreateUnit(ctx context.Context, req oapigen.CreateUnitRequestObject) (oapigen.CreateUnitResponseObject, error) {
	b := req.Body
	u := pairup.Unit{Code: b.Code, Title: b.Title, Timezone: "UTC", Policy: pairup.DefaultPolicy()}
	if b.Timezone != nil {
		u.Timezone = *b.Timezone
	}
	if p := b.Policy; p != nil {
		if p.TeamMin != nil {
			u.Policy.TeamMin = *p.TeamMin
		}
		if p.TeamMax != nil {
			u.Policy.TeamMax = *p.TeamMax
		}
		if p.GuardMinutes != nil {
			u.Policy.GuardMinutes = *p.GuardMinutes
		}
		if p.Consent != nil {
			u.Policy.Consent = string(*p.Consent)
		}
		if p.InviteHours != nil {
			u.Policy.InviteHours = *p.InviteHours
		}
		if p.Booking != nil {
			u.Policy.Booking = string(*p.Booking)
		}
		if p.HoldMinutes != nil {
			u.Policy.HoldMinutes = *p.HoldMinutes
		}
		u.Policy.OpensAt, u.Policy.ClosesAt = utc(p.OpensAt), utc(p.ClosesAt)
	}
	created, err := s.Service.CreateUnit(ctx, actorOf(mustCaller(ctx)), u)
	if err != nil {
		return nil, err
	}
	return oapigen.CreateUnit201JSONResponse(wire.Unit(created, s.Service.Phase(created))), nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// DeleteUnit implements DELETE /api/units/{unit}.
func (s *Server) DeleteUnit(ctx context.Context, req oapigen.DeleteUnitRequestObject) (oapigen.DeleteUnitResponseObject, error) {
	if err := s.Service.DeleteUnit(ctx, mustAccess(ctx), req.Params.Confirm, s.Logger); err != nil {
		return nil, err
	}
	return oapigen.DeleteUnit204Response{}, nil
}

// ArchiveUnit implements POST /api/units/{unit}/archive.
func (s *Server) ArchiveUnit(ctx context.Context, _ oapigen.ArchiveUnitRequestObject) (oapigen.ArchiveUnitResponseObject, error) {
	u, err := s.Service.ArchiveUnit(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.ArchiveUnit200JSONResponse(wire.Unit(u, s.Service.Phase(u))), nil
}

// GetUnitOverview implements GET /api/units/{unit}/overview.
func (s *Server) GetUnitOverview(ctx context.Context, _ oapigen.GetUnitOverviewRequestObject) (oapigen.GetUnitOverviewResponseObject, error) {
	o, err := s.Service.Overview(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	return oapigen.GetUnitOverview200JSONResponse(overviewJSON(o)), nil
}

// PreviewPolicy implements POST /api/units/{unit}/policy/preview.
func (s *Server) PreviewPolicy(ctx context.Context, req oapigen.PreviewPolicyRequestObject) (oapigen.PreviewPolicyResponseObject, error) {
	e, err := s.Service.PreviewPolicy(ctx, mustAccess(ctx), *req.Body)
	if err != nil {
		return nil, err
	}
	return oapigen.PreviewPolicy200JSONResponse{
		Allowed: e.Allowed, TeamsBelowMin: e.TeamsBelowMin, TeamsAboveMax: e.TeamsAboveMax, Messages: e.Messages,
	}, nil
}

func intervention(reason *string, force *bool) service.Intervention {
	var in service.Intervention
	if reason != nil {
		in.Reason = *reason
	}
	if force != nil {
		in.Force = *force
	}
	return in
}

// MoveProject implements POST /api/units/{unit}/projects/{pid}/move.
func (s *Server) MoveProject(ctx context.Context, req oapigen.MoveProjectRequestObject) (oapigen.MoveProjectResponseObject, error) {
	p, err := s.Service.MoveProject(ctx, mustAccess(ctx), req.Pid, int64(req.Body.LabId), intervention(req.Body.Reason, req.Body.Force))
	if err != nil {
		return nil, err
	}
	return oapigen.MoveProject200JSONResponse(wire.Project(p)), nil
}

// DissolveProject implements POST /api/units/{unit}/projects/{pid}/dissolve.
func (s *Server) DissolveProject(ctx context.Context, req oapigen.DissolveProjectRequestObject) (oapigen.DissolveProjectResponseObject, error) {
	if err := s.Service.DissolveProject(ctx, mustAccess(ctx), req.Pid, intervention(req.Body.Reason, nil)); err != nil {
		return nil, err
	}
	return oapigen.DissolveProject204Response{}, nil
}

// AddProjectMember implements POST /api/units/{unit}/projects/{pid}/members.
func (s *Server) AddProjectMember(ctx context.Context, req oapigen.AddProjectMemberRequestObject) (oapigen.AddProjectMemberResponseObject, error) {
	if !pairup.ValidStudentNumber(req.Body.Id) {
		return nil, pairup.FieldErrorf(pairup.EINVALID, "id", "must be an 8-digit student number")
	}
	p, err := s.Service.AddMember(ctx, mustAccess(ctx), req.Pid, req.Body.Id, intervention(req.Body.Reason, nil))
	if err != nil {
		return nil, err
	}
	return oapigen.AddProjectMember200JSONResponse(wire.Project(p)), nil
}

// FormProject implements POST /api/units/{unit}/projects: a coordinator forms a team.
func (s *Server) FormProject(ctx context.Context, req oapigen.FormProjectRequestObject) (oapigen.FormProjectResponseObject, error) {
	b := req.Body
	if len(b.Members) == 0 || len(b.Members) > pairup.MaxTeamSize {
		return nil, pairup.FieldErrorf(pairup.EINVALID, "members", "must name 1 to %d students", pairup.MaxTeamSize)
	}
	for _, m := range b.Members {
		if !pairup.ValidStudentNumber(m) {
			return nil, pairup.FieldErrorf(pairup.EINVALID, "members", "%q is not an 8-digit student number", m)
		}
	}
	in := intervention(b.Reason, b.Force)
	p, err := s.Service.CreateProject(ctx, mustAccess(ctx), pairup.NewProject{
		Creator: b.Members[0], Partners: b.Members[1:], Field: "members",
		Description: b.Description, LabID: int64(b.LabId), Reason: in.Reason, Force: in.Force,
	})
	if err != nil {
		return nil, err
	}
	return oapigen.FormProject201JSONResponse(wire.Project(p)), nil
}

var auditActionRE = regexp.MustCompile(`^[a-z]+\.[a-z]+$`)

// auditFilter checks the audit log's filters as the contract writes them.
func auditFilter(student *string, pid *int64, action *string) (service.AuditFilter, error) {
	var f service.AuditFilter
	if student != nil {
		if !pairup.ValidStudentNumber(*student) {
			return f, pairup.FieldErrorf(pairup.EINVALID, "student", "must be an 8-digit student number")
		}
		f.Student = *student
	}
	if pid != nil {
		if *pid < 1 {
			return f, pairup.FieldErrorf(pairup.EINVALID, "pid", "must be a project id: a positive integer")
		}
		f.Project = *pid
	}
	if action != nil {
		if !auditActionRE.MatchString(*action) {
			return f, pairup.FieldErrorf(pairup.EINVALID, "action", "must be an action such as project.created")
		}
		f.Action = *action
	}
	return f, nil
}

// ExportUnitAudit implements GET /api/units/{unit}/audit.csv.
func (s *Server) ExportUnitAudit(ctx context.Context, req oapigen.ExportUnitAuditRequestObject) (oapigen.ExportUnitAuditResponseObject, error) {
	filter, err := auditFilter(req.Params.Student, req.Params.Pid, req.Params.Action)
	if err != nil {
		return nil, err
	}
	entries, err := s.Service.AuditExport(ctx, mustAccess(ctx), filter)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true // RFC 4180, as the teams export
	_ = w.Write([]string{"id", "at", "actor_id", "actor", "action", "pid", "lab_id", "student", "reason", "details"})
	for _, e := range entries {
		details := ""
		if e.Details != nil {
			b, _ := json.Marshal(e.Details)
			details = string(b)
		}
		_ = w.Write([]string{
			strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), e.ActorID, wire.CSVCell(e.ActorName), e.Action,
			idText(e.ProjectID), idText(e.LabID), e.Student, wire.CSVCell(e.Reason), wire.CSVCell(details),
		})
	}
	w.Flush()
	return auditCSV{buf.Bytes(), mustAccess(ctx).Unit.Code}, nil
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// auditCSV is the audit log as a CSV download.
type auditCSV struct {
	body []byte
	unit string
}

func (a auditCSV) VisitExportUnitAuditResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+a.unit+`-audit.csv"`)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}

// overviewJSON is GET /api/units/{unit}/overview's answer: the slots grouped into one session per
// room and day, in time order.
func overviewJSON(o service.Overview) oapigen.Overview {
	out := oapigen.Overview{
		Counts: oapigen.OverviewCounts{
			Enrolled: o.Enrolled, InTeam: o.InTeam, NotInTeam: o.Enrolled - o.InTeam, Teams: o.Teams,
			BelowMin: o.BelowMin, WithoutSlot: o.WithoutSlot, FreePlaces: o.FreePlaces,
		},
		Sessions:   []oapigen.GridSession{},
		Unteamed:   make([]oapigen.Student, len(o.Unteamed)),
		Incomplete: make([]oapigen.Project, len(o.Incomplete)),
	}
	index := map[[2]string]int{}
	for _, l := range o.Slots {
		key := [2]string{l.StartsAt.Format("2006-01-02"), l.Room}
		i, ok := index[key]
		if !ok {
			i = len(out.Sessions)
			index[key] = i
			out.Sessions = append(out.Sessions, oapigen.GridSession{Date: key[0], Room: key[1], Slots: []oapigen.GridSlot{}})
		}
		out.Sessions[i].Slots = append(out.Sessions[i].Slots, oapigen.GridSlot{
			LabId: l.ID, StartsAt: l.StartsAt.Format(pairup.LabTimeLayout), Capacity: l.Capacity + l.Forced, Booked: l.Booked,
		})
	}
	for i, s := range o.Unteamed {
		out.Unteamed[i] = wire.Student(s)
	}
	for i, p := range o.Incomplete {
		out.Incomplete[i] = wire.Project(p)
	}
	return out
}

// ListRoster implements GET /api/units/{unit}/roster.
func (s *Server) ListRoster(ctx context.Context, _ oapigen.ListRosterRequestObject) (oapigen.ListRosterResponseObject, error) {
	people, err := s.Service.Roster(ctx, mustAccess(ctx))
	if err != nil {
		return nil, err
	}
	out := oapigen.ListRoster200JSONResponse{People: make([]oapigen.RosterPerson, len(people))}
	for i, p := range people {
		out.People[i] = oapigen.RosterPerson{
			Id: p.Number, Name: p.Name, Role: oapigen.RosterPersonRole(p.Role),
			Email: optionalText(p.Email), Pid: optionalID(p.ProjectID),
		}
	}
	return out, nil
}

func optionalText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
