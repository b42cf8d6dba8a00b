package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/pairup/pairup/api/importer"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
)

// importCommand is `pairup import students [--unit CODE] [--remove] FILE` and
// `pairup import labs [--unit CODE] FILE`. A roster goes through the use case the console's
// apply uses (service.ApplyRoster): the same checks, report and audit entry.
func importCommand(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "students" && args[0] != "labs") {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("import needs students|labs and a file")
	}
	kind := args[0]
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	unit := fs.String("unit", "", "the unit to import into (default: the default unit)")
	var remove *bool
	if kind == "students" {
		remove = fs.Bool("remove", false, "also unenrol the unit's students missing from the file")
	}
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
	if kind == "students" {
		return importStudents(ctx, cfg, logger, f, path, *unit, *remove, stdout)
	}
	// Read and check the whole file before touching the database.
	entries, err := importer.Slots(f)
	if err != nil {
		return fmt.Errorf("import labs from %s: %w", path, err)
	}
	svc, closeStore, err := openService(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	acc, err := svc.Access(ctx, service.CommandLine, *unit)
	if err != nil {
		return fmt.Errorf("import labs: %w", err)
	}
	if err := svc.ImportSlots(ctx, acc, entries); err != nil {
		return fmt.Errorf("import labs from %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "imported %d labs from %s into unit %s\n", len(entries), path, acc.Unit.Code)
	return nil
}

// importStudents applies a roster file and prints what it did: the counts, each new PIN (shown
// this once) and each row not applied as written. A file with bad lines is an error listing them.
func importStudents(ctx context.Context, cfg config, logger *slog.Logger, f io.Reader, path, unit string, remove bool, stdout io.Writer) error {
	svc, closeStore, err := openService(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStore()
	acc, err := svc.Access(ctx, service.CommandLine, unit)
	if err != nil {
		return fmt.Errorf("import students: %w", err)
	}
	report, err := svc.ApplyRoster(ctx, acc, f, service.RosterOptions{Remove: remove, HashPIN: cfg.Signin.pins().Hash})
	if err != nil {
		return fmt.Errorf("import students from %s: %w", path, err)
	}
	if len(report.Errors) > 0 {
		lines := make([]string, len(report.Errors))
		for i, e := range report.Errors {
			lines[i] = fmt.Sprintf("line %d: %s", e.Line, e.Message)
		}
		return fmt.Errorf("import students from %s: nothing imported: %s", path, strings.Join(lines, "; "))
	}
	n := len(report.Add) + len(report.Update) + len(report.Unchanged)
	missing := "missing from the file (kept; --remove unenrols them)"
	if remove {
		missing = "removed"
	}
	fmt.Fprintf(stdout, "imported %d students from %s into unit %s: %d added, %d updated, %d unchanged, %d %s\n",
		n, path, acc.Unit.Code, len(report.Add), len(report.Update), len(report.Unchanged), len(report.Remove), missing)
	for _, r := range report.Add {
		if r.PIN != "" {
			fmt.Fprintf(stdout, "  new PIN for %s (%s): %s\n", r.Student.Number, r.Student.Name, r.PIN)
		}
	}
	for _, rows := range [][]pairup.RosterRow{report.Add, report.Update, report.Unchanged, report.Remove} {
		for _, r := range rows {
			if r.Note != "" {
				fmt.Fprintf(stdout, "  %s (%s): %s\n", r.Student.Number, r.Student.Name, r.Note)
			}
		}
	}
	return nil
}
