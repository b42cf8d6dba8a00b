// Command pairup is the one Pair-Up binary: it serves the API, applies migrations, imports the
// coordinator's CSV files and loads demo data.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pairup:", err)
		os.Exit(1)
	}
}

const usage = `usage: pairup <command>

commands:
  serve                    serve the API (migrates first)
  migrate                  apply database migrations
  import students FILE     import the roster: student_number,name,pin,role
  import labs FILE         import lab slots: room,starts_at,capacity
  demo                     load the demo roster, lab slots and a few teams

environment: DATABASE_URL, PAIRUP_ADDR, PAIRUP_TOKEN_TTL, PAIRUP_JWT_SECRET (see README.md)
`

// run is the whole program, callable from tests: it reads arguments and environment only
// through its parameters and returns when the work is done or ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stderr)
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, logger, stdout)
	case "migrate":
		return migrate(ctx, cfg, logger)
	case "import":
		if len(args) != 3 || (args[1] != "students" && args[1] != "labs") {
			fmt.Fprint(stderr, usage)
			return fmt.Errorf("import needs students|labs and a file")
		}
		return importFile(ctx, cfg, logger, args[1], args[2], stdout)
	case "demo":
		return demo(ctx, cfg, logger, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
