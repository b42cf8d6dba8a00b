// Package db holds the schema migrations (embedded in the binary and read by sqlc as its schema)
// and the sqlc queries whose generated Go code lives in db/dbgen.
package db

import "embed"

// Migrations are the goose SQL migrations, oldest first.
//
//go:embed migrations/*.sql
var Migrations embed.FS
