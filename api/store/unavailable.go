package store

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// ErrUnavailable is in the chain of every error of the store that means the database does not
// answer (the server is down, restarting, refusing connections, or the connection broke). It is
// an EUNAVAILABLE *pairup.Error, so the API answers 503 and use cases that look at error codes
// see it for what it is.
var ErrUnavailable = &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the database does not answer; try again shortly"}

// IsUnavailable reports whether err means the database does not answer: the store marked it so
// (ErrUnavailable), or it is an error of the database connection itself. Those are a failed
// connection attempt, a connection that broke or was closed, a pool that cannot hand out a
// connection in time, a network error (refused, reset, cut off mid-message), and the server's
// own refusals: SQLSTATE class 08 (connection exception), 57P01/57P02/57P03 (admin shutdown,
// crash shutdown, cannot connect now: starting up or shutting down) and 53300 (too many
// connections).
//
// A cancelled context is never unavailability: it is a caller that went away. Nor is a plain
// io.EOF, which any reader returns at its end; the store marks an io.EOF that comes out of the
// database itself. Other SQLSTATEs (constraint violations, syntax errors, a wrong password) are
// faults to report, not outages.
func IsUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if pairup.ErrorCode(err) == pairup.EUNAVAILABLE {
		return true
	}
	// The server's own answer decides, even inside a connection error: "the database system is
	// starting up" is an outage, a wrong password is not.
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailableState(pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	switch {
	case errors.As(err, &connectErr),
		errors.Is(err, pgconn.ErrConnClosed),
		pgconn.Timeout(err),
		pgconn.SafeToRetry(err), // failed before anything reached the server
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

// unavailableState reports whether a SQLSTATE says the server cannot serve the connection.
func unavailableState(code string) bool {
	switch code {
	case "57P01", "57P02", "57P03", "53300":
		return true
	}
	return len(code) == 5 && code[:2] == "08"
}

// unavailableError is an error of the database marked as unavailability: it unwraps to both
// ErrUnavailable and the driver's own error, and reads as the latter.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return e.err.Error() }
func (e *unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// markUnavailable marks an error that came out of the database when it means the database does
// not answer; any other error (nil, a constraint violation, pgx.ErrNoRows) is returned as it is.
// Here an io.EOF counts: the server closed the connection.
func markUnavailable(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || pairup.ErrorCode(err) == pairup.EUNAVAILABLE {
		return err
	}
	if IsUnavailable(err) || errors.Is(err, io.EOF) {
		return &unavailableError{err: err}
	}
	return err
}

// markedDB is the connection (pool or transaction) the generated queries run on: every error it
// hands back went through markUnavailable, so the store's callers can tell an outage from a fault
// however they wrap the error.
type markedDB struct{ db dbgen.DBTX }

var _ dbgen.DBTX = markedDB{}

func (m markedDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := m.db.Exec(ctx, sql, args...)
	return tag, markUnavailable(err)
}

func (m markedDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := m.db.Query(ctx, sql, args...)
	if err != nil {
		return rows, markUnavailable(err)
	}
	return markedRows{rows}, nil
}

func (m markedDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return markedRow{m.db.QueryRow(ctx, sql, args...)}
}

type markedRows struct{ pgx.Rows }

func (r markedRows) Err() error             { return markUnavailable(r.Rows.Err()) }
func (r markedRows) Scan(dest ...any) error { return markUnavailable(r.Rows.Scan(dest...)) }

func (r markedRows) Values() ([]any, error) {
	v, err := r.Rows.Values()
	return v, markUnavailable(err)
}

type markedRow struct{ row pgx.Row }

func (r markedRow) Scan(dest ...any) error { return markUnavailable(r.row.Scan(dest...)) }
