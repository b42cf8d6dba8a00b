// Package testdb gives each test its own migrated Postgres database, cloned in milliseconds from
// a template that pgtestdb builds once per migration hash, so tests run in parallel and leave
// nothing behind. The server comes from DATABASE_URL (set by `make test`), else 127.0.0.1:5432.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"

	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/db"
)

// NewURL returns the URL of a fresh, migrated database for this test alone. It is dropped
// when the test passes and kept (and logged) when it fails.
func NewURL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), migrator{}).URL()
}

// New returns a pool on a fresh, migrated database for this test alone.
func New(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	u := NewURL(t)
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("connect to test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool, u
}

// NewEmpty returns the URL of a fresh database with no schema at all, for migration tests.
func NewEmpty(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), pgtestdb.NoopMigrator{}).URL()
}

// AdminURL is the URL of the server's maintenance database, for tests that inspect the server.
func AdminURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

func serverConfig(t testing.TB) pgtestdb.Config {
	t.Helper()
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatalf("parse DATABASE_URL: %v", err)
	}
	password, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	database := u.Path
	if len(database) > 0 && database[0] == '/' {
		database = database[1:]
	}
	if database == "" {
		database = "postgres"
	}
	options := u.RawQuery
	if options == "" {
		options = "sslmode=disable"
	}
	return pgtestdb.Config{
		DriverName:                "pgx",
		Host:                      u.Hostname(),
		Port:                      port,
		User:                      u.User.Username(),
		Password:                  password,
		Database:                  database,
		Options:                   options,
		ForceTerminateConnections: true,
	}
}

// migrator applies the embedded migrations; its hash changes whenever a migration does.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(db.Migrations, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := db.Migrations.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		io.WriteString(h, path)
		_, err = io.Copy(h, f)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func (migrator) Migrate(ctx context.Context, sqlDB *sql.DB, _ pgtestdb.Config) error {
	return store.MigrateSQL(ctx, sqlDB, slog.New(slog.DiscardHandler))
}
