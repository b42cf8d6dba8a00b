package httpapi

import (
	"context"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
)

// unitActions names the service action of every operation that acts in a unit: the routes under
// /units/{unit}, and the seed's routes, which act in the default unit. Who may take each action
// is decided by service.Authorize; an operation with a bearer token that is neither here nor in
// unitless is refused at start-up.
var unitActions = map[string]service.Action{
	"getStudent":               service.ReadStudent,
	"getStudentProject":        service.ReadStudent,
	"createStudentProject":     service.FormTeam,
	"updateStudentProject":     service.ChangeTeam,
	"deleteStudentProject":     service.ChangeTeam,
	"listAvailableLabs":        service.ReadUnit,
	"listProjects":             service.ReadUnit,
	"getUnit":                  service.ReadUnit,
	"updateUnit":               service.CoordinateUnit,
	"listUnitAudit":            service.CoordinateUnit,
	"getUnitStudent":           service.ReadStudent,
	"getUnitStudentProject":    service.ReadStudent,
	"createUnitStudentProject": service.FormTeam,
	"updateUnitStudentProject": service.ChangeTeam,
	"deleteUnitStudentProject": service.ChangeTeam,
	"removeProjectMember":      service.LeaveTeam,
	"listUnitLabs":             service.ReadUnit,
	"listUnitProjects":         service.ReadUnit,
	"studentCalendar":          service.ReadStudent,
	"getJoinCode":              service.ReadUnit, // the use case keeps it to members and coordinators
	"renewJoinCode":            service.ReadUnit,
	"joinTeam":                 service.ReadUnit, // the use case keeps it to students
	"listInvitations":          service.ReadUnit, // invitations: each use case keeps to the invitee, the team, coordinators
	"createInvitation":         service.ReadUnit,
	"withdrawInvitation":       service.ReadUnit,
	"acceptInvitation":         service.ReadUnit,
	"declineInvitation":        service.ReadUnit,
	"getRanking":               service.ReadUnit, // the use case keeps it to members and coordinators
	"setRanking":               service.ReadUnit,
	"getAllocation":            service.ReadUnit, // the use case shows a student their own team only
	"runAllocation":            service.CoordinateUnit,
	"listNotices":              service.ReadUnit, // the use case keeps each caller to their own notices
	"markNoticesRead":          service.ReadUnit,
	"joinQueue":                service.ReadUnit, // waitlists: the use case keeps it to a team's members
	"leaveQueue":               service.ReadUnit,
	"getWaitlist":              service.ReadUnit, // a student sees their team's, a coordinator the unit's
	"acceptHold":               service.ReadUnit, // the hold's team and the coordinators
	"declineHold":              service.ReadUnit,
	"listBoard":                service.ReadUnit, // the partner board: the unit's students and coordinators
	"putBoardEntry":            service.ReadUnit, // the use case keeps it to students without a team
	"deleteBoardEntry":         service.ReadUnit,
	"previewMatch":             service.CoordinateUnit,
	"applyMatch":               service.CoordinateUnit,
	// The console.
	"deleteUnit":       service.CoordinateUnit,
	"archiveUnit":      service.CoordinateUnit,
	"listRoster":       service.CoordinateUnit,
	"previewRoster":    service.CoordinateUnit,
	"applyRoster":      service.CoordinateUnit,
	"enrolStudent":     service.CoordinateUnit,
	"unenrolStudent":   service.CoordinateUnit,
	"resetStudentPin":  service.CoordinateUnit,
	"listUnitSlots":    service.CoordinateUnit,
	"createSlot":       service.CoordinateUnit,
	"previewSession":   service.CoordinateUnit,
	"generateSession":  service.CoordinateUnit,
	"updateSlot":       service.CoordinateUnit,
	"deleteSlot":       service.CoordinateUnit,
	"getUnitOverview":  service.CoordinateUnit,
	"previewPolicy":    service.CoordinateUnit,
	"moveProject":      service.CoordinateUnit,
	"dissolveProject":  service.CoordinateUnit,
	"addProjectMember": service.CoordinateUnit,
	"formProject":      service.CoordinateUnit,
	"exportUnitAudit":  service.CoordinateUnit,
	"exportTeams":      service.CoordinateUnit,
	"unitCalendar":     service.CoordinateUnit,
}

// unitless are the operations with a bearer token that act in no one unit: the caller's own
// token, person and units, and creating a unit (which the use case keeps to site admins).
var unitless = map[string]bool{"revokeToken": true, "getMe": true, "listUnits": true, "createUnit": true}

// authorizeUnit checks the path's parameters, finds the caller's standing in the unit and asks
// the service whether they may take the operation's action, all before the body is read, so a
// stranger learns nothing from validation errors.
func (s *Server) authorizeUnit(act service.Action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			unit, id := c.Param("unit"), c.Param("id")
			if hasParam(c, "unit") && !pairup.ValidUnitCode(unit) {
				return pairup.FieldErrorf(pairup.EINVALID, "unit", "must be a unit code: 2 to 40 characters of a-z, 0-9 and -")
			}
			if hasParam(c, "id") && !pairup.ValidStudentNumber(id) {
				return pairup.FieldErrorf(pairup.EINVALID, "id", "must be an 8-digit student number")
			}
			if hasParam(c, "lab") {
				if lab, err := strconv.ParseInt(c.Param("lab"), 10, 64); err != nil || lab < 1 {
					return pairup.FieldErrorf(pairup.EINVALID, "lab", "must be a lab slot id: a positive integer")
				}
			}
			if hasParam(c, "pid") {
				if pid, err := strconv.ParseInt(c.Param("pid"), 10, 64); err != nil || pid < 1 {
					return pairup.FieldErrorf(pairup.EINVALID, "pid", "must be a project id: a positive integer")
				}
			}
			ctx := c.Request().Context()
			acc, err := s.Service.Access(ctx, actorOf(mustCaller(ctx)), unit)
			if err != nil {
				return err
			}
			if err := s.Service.Authorize(ctx, acc, act, id); err != nil {
				return err
			}
			c.SetRequest(c.Request().WithContext(context.WithValue(ctx, accessKey{}, acc)))
			return next(c)
		}
	}
}

func hasParam(c echo.Context, name string) bool {
	for _, n := range c.ParamNames() {
		if n == name {
			return true
		}
	}
	return false
}

type accessKey struct{}

// mustAccess returns the caller's standing in the operation's unit, found by authorizeUnit.
func mustAccess(ctx context.Context) service.Access {
	acc, ok := ctx.Value(accessKey{}).(service.Access)
	if !ok {
		panic("httpapi: unit operation reached without authorization")
	}
	return acc
}

// mustCaller returns the authenticated caller. The bearer middleware runs before every
// operation that reaches this, so a missing caller is a wiring bug, not a client error.
func mustCaller(ctx context.Context) auth.Caller {
	c, ok := auth.CallerFrom(ctx)
	if !ok {
		panic("httpapi: operation reached without an authenticated caller")
	}
	return c
}

func actorOf(c auth.Caller) service.Actor { return service.Actor{Person: c.Person} }
