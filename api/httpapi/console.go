package httpapi

import (
	"context"

	"github.com/pairup/pairup/api/oapigen"
)

// CreateUnit is not built yet.
func (s *Server) CreateUnit(ctx context.Context, _ oapigen.CreateUnitRequestObject) (oapigen.CreateUnitResponseObject, error) {
	return nil, errNotBuilt
}

// DeleteUnit is not built yet.
func (s *Server) DeleteUnit(ctx context.Context, _ oapigen.DeleteUnitRequestObject) (oapigen.DeleteUnitResponseObject, error) {
	return nil, errNotBuilt
}

// ArchiveUnit is not built yet.
func (s *Server) ArchiveUnit(ctx context.Context, _ oapigen.ArchiveUnitRequestObject) (oapigen.ArchiveUnitResponseObject, error) {
	return nil, errNotBuilt
}

// GetUnitOverview is not built yet.
func (s *Server) GetUnitOverview(ctx context.Context, _ oapigen.GetUnitOverviewRequestObject) (oapigen.GetUnitOverviewResponseObject, error) {
	return nil, errNotBuilt
}

// PreviewPolicy is not built yet.
func (s *Server) PreviewPolicy(ctx context.Context, _ oapigen.PreviewPolicyRequestObject) (oapigen.PreviewPolicyResponseObject, error) {
	return nil, errNotBuilt
}

// MoveProject is not built yet.
func (s *Server) MoveProject(ctx context.Context, _ oapigen.MoveProjectRequestObject) (oapigen.MoveProjectResponseObject, error) {
	return nil, errNotBuilt
}

// DissolveProject is not built yet.
func (s *Server) DissolveProject(ctx context.Context, _ oapigen.DissolveProjectRequestObject) (oapigen.DissolveProjectResponseObject, error) {
	return nil, errNotBuilt
}

// AddProjectMember is not built yet.
func (s *Server) AddProjectMember(ctx context.Context, _ oapigen.AddProjectMemberRequestObject) (oapigen.AddProjectMemberResponseObject, error) {
	return nil, errNotBuilt
}

// FormProject is not built yet.
func (s *Server) FormProject(ctx context.Context, _ oapigen.FormProjectRequestObject) (oapigen.FormProjectResponseObject, error) {
	return nil, errNotBuilt
}

// ExportUnitAudit is not built yet.
func (s *Server) ExportUnitAudit(ctx context.Context, _ oapigen.ExportUnitAuditRequestObject) (oapigen.ExportUnitAuditResponseObject, error) {
	return nil, errNotBuilt
}
