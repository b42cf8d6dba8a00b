// Command pgdb creates and drops throwaway databases next to the one DATABASE_URL names (by
// default the local Postgres as user postgres), so scripts need no psql. postman/run.sh uses it.
//
//	pgdb create      creates an empty database and prints its URL
//	pgdb drop URL    drops the database that URL names (only one that create made)
//	pgdb ensure NAME creates the database NAME unless it exists, and prints its URL
//	                 (`make run` keeps its demo in one, not in the server's maintenance database)
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pairup/pairup/internal/throwaway"
)

const (
	defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	// prefix marks the databases this tool makes; drop refuses any other name.
	prefix = "pairup_pgdb_"
)

const usage = "usage: pgdb create | pgdb drop URL | pgdb ensure NAME (the server and credentials come from DATABASE_URL)"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "pgdb:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		admin = defaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch {
	case len(args) == 1 && args[0] == "create":
		u, err := throwaway.Create(ctx, admin, prefix)
		if err != nil {
			return err
		}
		fmt.Println(u)
		return nil
	case len(args) == 2 && args[0] == "drop":
		return drop(ctx, admin, args[1])
	case len(args) == 2 && args[0] == "ensure":
		u, err := ensure(ctx, admin, args[1])
		if err != nil {
			return err
		}
		fmt.Println(u)
		return nil
	}
	return errors.New(usage)
}

// drop removes the database that dbURL names, connected through adminURL, if create made it.
func drop(ctx context.Context, adminURL, dbURL string) error {
	if _, err := url.Parse(dbURL); err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	if name, ok := throwaway.Owned(dbURL, prefix); !ok {
		return fmt.Errorf("drop: %q was not made by pgdb create; refusing to drop it", name)
	}
	return throwaway.Drop(ctx, adminURL, dbURL, prefix)
}

var databaseName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// ensure creates the database name on the server adminURL names unless it exists, and returns
// its URL. Two callers at once are fine: the loser's "already exists" counts as success.
func ensure(ctx context.Context, adminURL, name string) (string, error) {
	if !databaseName.MatchString(name) {
		return "", fmt.Errorf("ensure: %q is not a plain lower-case database name", name)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", fmt.Errorf("ensure: %w", err)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("ensure: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", fmt.Errorf("ensure: look for %s: %w", name, err)
	}
	if !exists {
		var pgErr *pgconn.PgError
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") {
			return "", fmt.Errorf("ensure: create %s: %w", name, err)
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}
