package pairup

import (
	"context"
	"time"
)

// StudentService reads the roster.
type StudentService interface {
	// Student returns the student with that number: ENOTFOUND when there is none.
	Student(ctx context.Context, number string) (Student, error)
}

// ProjectService forms teams and books slots. Every rule that must hold under concurrency (one
// project per student, a slot holds at most its capacity) is enforced by the implementation's
// storage, not by the caller.
type ProjectService interface {
	// ProjectOf returns the project the student is in: ENOTFOUND when none.
	ProjectOf(ctx context.Context, studentNumber string) (Project, error)
	// CreateProject forms a team and books its slot: EINVALID (partner unknown, not a student or
	// the creator; no such slot), ECONFLICT (creator or partner already in a project, slot full).
	CreateProject(ctx context.Context, p NewProject) (Project, error)
	// UpdateProject changes description and slot: ENOTFOUND, EINVALID (no such slot),
	// ECONFLICT (slot full).
	UpdateProject(ctx context.Context, c ProjectChange) (Project, error)
	// DeleteProject dissolves the team and frees its slot: ENOTFOUND.
	DeleteProject(ctx context.Context, projectID int64) error
	// Projects returns every project in slot time order.
	Projects(ctx context.Context) ([]Project, error)
	// AvailableLabs returns the slots with room left, in time order.
	AvailableLabs(ctx context.Context) ([]LabSlot, error)
}

// TokenStore keeps what every server instance must agree on about tokens.
type TokenStore interface {
	// SigningKey returns the shared signing key, generating and storing one on first use.
	SigningKey(ctx context.Context) ([]byte, error)
	// RevokeToken refuses the token with that id from now on, until it expires anyway.
	RevokeToken(ctx context.Context, tokenID string, expires time.Time) error
	// TokenRevoked reports whether the token with that id was revoked.
	TokenRevoked(ctx context.Context, tokenID string) (bool, error)
}

// SigninAttempt is the throttle's verdict on one sign-in attempt.
type SigninAttempt struct {
	Attempt    int           // this attempt's number within the current window, 1-based
	RetryAfter time.Duration // time left in the current window
}

// CredentialStore holds what sign-in needs, shared by every instance.
type CredentialStore interface {
	// PINHash returns the stored hash of the student's PIN: ENOTFOUND when no such student.
	PINHash(ctx context.Context, number string) (string, error)
	// ReserveSigninAttempt counts an attempt for the number before its PIN is checked.
	ReserveSigninAttempt(ctx context.Context, number string, window time.Duration) (SigninAttempt, error)
	// ReleaseSigninAttempt gives back the attempt of a successful sign-in.
	ReleaseSigninAttempt(ctx context.Context, number string) error
}
