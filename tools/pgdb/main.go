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
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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
		u, err := create(ctx, admin)
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

// create makes a database with a fresh random name and returns adminURL pointing at it.
func create(ctx context.Context, adminURL string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	defer conn.Close(context.Background())
	name := fmt.Sprintf("%s%d", prefix, rand.Uint64())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// drop removes the database that dbURL names, connected through adminURL. WITH (FORCE) ends
// connections a killed server may have left behind.
func drop(ctx context.Context, adminURL, dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !strings.HasPrefix(name, prefix) || strings.Trim(name[len(prefix):], "0123456789") != "" {
		return fmt.Errorf("drop: %q was not made by pgdb create; refusing to drop it", name)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		au, _ := url.Parse(adminURL)
		return fmt.Errorf("connect to %s: %w", au.Redacted(), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}
