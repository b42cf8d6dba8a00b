package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/importer"
	"github.com/pairup/pairup/api/store"
)

func hashPIN(pin string) (string, error) { return auth.HashPIN(pin, auth.DefaultPINCost) }

func importFile(ctx context.Context, cfg config, logger *slog.Logger, kind, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	defer f.Close()
	// Read and check the whole file before touching the database.
	var n int
	var apply func(*store.Store) error
	switch kind {
	case "students":
		entries, err := importer.Students(f, hashPIN)
		if err != nil {
			return fmt.Errorf("import students from %s: %w", path, err)
		}
		n = len(entries)
		apply = func(h *store.Store) error { return h.ImportRoster(ctx, entries) }
	case "labs":
		entries, err := importer.Slots(f)
		if err != nil {
			return fmt.Errorf("import labs from %s: %w", path, err)
		}
		n = len(entries)
		apply = func(h *store.Store) error { return h.ImportSlots(ctx, entries) }
	}
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := apply(st); err != nil {
		return fmt.Errorf("import %s from %s: %w", kind, path, err)
	}
	fmt.Fprintf(stdout, "imported %d %s from %s\n", n, kind, path)
	return nil
}
