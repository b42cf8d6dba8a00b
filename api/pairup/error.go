package pairup

import (
	"errors"
	"fmt"
	"time"
)

// Error codes: the only failure kinds adapters translate (one table in httpapi maps them to HTTP).
const (
	ECONFLICT     = "conflict"     // a rule about the current state forbids it (slot full, partner taken)
	EINTERNAL     = "internal"     // a fault of ours; never shown to clients in detail
	EINVALID      = "invalid"      // the input breaks a rule
	ENOTFOUND     = "not_found"    // no such thing
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, but not allowed
	ETHROTTLED    = "throttled"    // too many attempts; retry after RetryAfter
	ETOOLARGE     = "too_large"    // the input is too big
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) does not answer
)

// FieldError names one offending input field by its wire name.
type FieldError struct {
	Field   string
	Message string
}

// Error is a failure the caller can act on. Message is safe to show to clients.
type Error struct {
	Code       string
	Message    string
	Fields     []FieldError  // which inputs were at fault, if known
	RetryAfter time.Duration // for ETHROTTLED
}

func (e *Error) Error() string { return fmt.Sprintf("pairup: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error about one field.
func FieldErrorf(code, field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: code, Message: field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for any other error, and
// "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// Violations the storage reports for a rule it enforces; use cases turn them into an *Error
// naming the field at fault.
var (
	ErrNotStudentOfUnit = errors.New("not a student of the unit")
	ErrInTeam           = errors.New("already in a team of the unit")
	ErrTeamFull         = errors.New("the team has the unit's maximum size")
	ErrSlotFull         = errors.New("the lab slot is full")
	ErrNoSlot           = errors.New("no such lab slot in the unit")
	ErrIsMember         = errors.New("the student is in a team of the unit")
)
