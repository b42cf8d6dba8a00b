// Command pgdb creates and drops throwaway databases next to the one DATABASE_URL names (by
// default the local Postgres as user postgres), so scripts need no psql. postman/run.sh uses it.
//
//	pgdb create      creates an empty database and prints its URL
//	pgdb drop URL    drops the database that URL names (only one that create made)
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/pairup/pairup/internal/throwaway"
)

const (
	defaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	// prefix marks the databases this tool makes; drop refuses any other name.
	prefix = "pairup_pgdb_"
)

const usage = "usage: pgdb create | pgdb drop URL (the server and credentials come from DATABASE_URL)"

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
