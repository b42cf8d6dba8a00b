package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/importer"
	"github.com/pairup/pairup/api/service"
)

func hashPIN(pin string) (string, error) { return auth.HashPIN(pin, auth.DefaultPINCost) }

// importCommand is `pairup import students|labs [--unit CODE] FILE`.
func importCommand(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "students" && args[0] != "labs") {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("import needs students|labs and a file")
	}
	kind := args[0]
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	unit := fs.String("unit", "", "the unit to import into (default: the default unit)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("import needs students|labs and a file")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	defer f.Close()
	// Read and check the whole file before touching the database.
	var n int
	var apply func(*service.Service, service.Access) error
	switch kind {
	case "students":
		entries, err := importer.Students(f, hashPIN)
		if err != nil {
			return fmt.Errorf("import students from %s: %w", path, err)
		}
		n = len(entries)
		apply = func(svc *service.Service, acc service.Access) error { return svc.ImportRoster(ctx, acc, entries) }
	case "labs":
		entries, err := importer.Slots(f)
		if err != nil {
			return fmt.Errorf("import labs from %s: %w", path, err)
		}
		n = len(entries)
		apply = func(svc *service.Service, acc service.Access) error { return svc.ImportSlots(ctx, acc, entries) }
	}
	svc, closeStore, err := openService(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	acc, err := svc.Access(ctx, service.CommandLine, *unit)
	if err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	if err := apply(svc, acc); err != nil {
		return fmt.Errorf("import %s from %s: %w", kind, path, err)
	}
	fmt.Fprintf(stdout, "imported %d %s from %s into unit %s\n", n, kind, path, acc.Unit.Code)
	return nil
}
