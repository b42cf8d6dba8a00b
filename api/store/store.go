// Package store keeps Pair-Up's state in Postgres through pgx and sqlc. It turns constraint
// violations into domain errors and retries transactions that lost a serialization race; pgx
// types never leave it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db"
	"github.com/pairup/pairup/db/dbgen"
)

// Store is Pair-Up's persistence on one Postgres pool. Its reads (the methods of Queries) are
// also available inside a transaction, on Tx.
type Store struct {
	Queries
	pool   *pgxpool.Pool
	logger *slog.Logger
}

// Queries reads and writes Pair-Up's tables, outside or inside a transaction.
type Queries struct {
	q *dbgen.Queries
}

// Tx is one transaction: every write of a use case, its audit entry and its event commit together.
type Tx struct {
	Queries
}

var (
	_ pairup.TokenStore      = (*Store)(nil)
	_ pairup.CredentialStore = (*Store)(nil)
)

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgx's default (the number of CPUs, at least 4) queues a sign-up stampede in Go
		// rather than letting Postgres work on it.
		cfg.MaxConns = 20
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return New(pool), nil
}

// New wraps an existing pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{Queries: Queries{q: dbgen.New(markedDB{pool})}, pool: pool, logger: discard}
}

// WithLogger makes the store log its background work (the event listener) to logger.
func (s *Store) WithLogger(logger *slog.Logger) *Store {
	s.logger = logger
	return s
}

// Close releases every connection.
func (s *Store) Close() { s.pool.Close() }

// Pool is the underlying pool, for the realtime layer's LISTEN connection and for tests.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the database does not answer"}
	}
	return nil
}

// Migrate applies every pending migration. Several instances may call it at once: a Postgres
// advisory lock makes them take turns.
func Migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	return MigrateSQL(ctx, sqlDB, logger)
}

// MigrateSQL is Migrate on a database/sql handle, for tools (such as test template builders)
// that hold one.
func MigrateSQL(ctx context.Context, sqlDB *sql.DB, logger *slog.Logger) error {
	return migrate(ctx, sqlDB, logger, (*goose.Provider).Up)
}

// MigrateTo applies the pending migrations up to and including version, for tests that build a
// database as an earlier release left it and then upgrade it.
func MigrateTo(ctx context.Context, sqlDB *sql.DB, version int64, logger *slog.Logger) error {
	return migrate(ctx, sqlDB, logger, func(p *goose.Provider, ctx context.Context) ([]*goose.MigrationResult, error) {
		return p.UpTo(ctx, version)
	})
}

// migrate runs the embedded migrations through apply, under the advisory lock.
func migrate(ctx context.Context, sqlDB *sql.DB, logger *slog.Logger,
	apply func(*goose.Provider, context.Context) ([]*goose.MigrationResult, error)) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("create migration lock: %w", err)
	}
	migrations, err := fs.Sub(db.Migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open embedded migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	results, err := apply(provider, ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		logger.InfoContext(ctx, "migration applied", "version", r.Source.Version, "duration", r.Duration)
	}
	return nil
}

// InTx runs fn in a transaction, retrying it when Postgres aborts it as a serialization failure
// or deadlock victim: the retry sees the winner's committed rows and fails on a constraint
// instead. fn may run more than once, so it must not have effects outside the transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	const attempts = 8
	var err error
	for i := range attempts {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			return fn(&Tx{Queries{q: dbgen.New(markedDB{tx})}})
		})
		if !retryable(err) {
			return markUnavailable(err) // BEGIN and COMMIT do not go through markedDB
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
	return fmt.Errorf("transaction kept conflicting after %d attempts: %w", attempts, err)
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	// A new team's random join code that another team of the unit has: the retry draws another.
	return pgErr.Code == "40001" || pgErr.Code == "40P01" || pgErr.Code == "23505" && pgErr.ConstraintName == "projects_join_code_key"
}

// constraintViolated returns the name of the constraint err violated, or "".
func constraintViolated(err error) (code, constraint string) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && len(pgErr.Code) == 5 && pgErr.Code[:2] == "23" {
		return pgErr.Code, pgErr.ConstraintName
	}
	return "", ""
}
