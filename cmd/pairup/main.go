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
  serve                                 serve the API (migrates first)
  migrate                               apply database migrations
  health [--url URL] [--timeout D]      exit 0 if the server on PAIRUP_ADDR is ready (GET /api/health/ready
                                        answers 200), else print why and exit 1 (container healthchecks)
  import students [--unit CODE] [--remove] FILE
                                        import a unit's roster: student_number,name,pin,role[,email]
                                        (role: student, coordinator or admin; default student; an
                                        empty pin gives a new person a random PIN, printed once;
                                        --remove unenrols the unit's students missing from the file)
  import labs [--unit CODE] FILE        import a unit's lab slots: room,starts_at,capacity
                                        (starts_at is wall-clock time in the unit's timezone)
  unit create CODE --title T [--timezone TZ] [--team-size MIN-MAX] [--opens T] [--closes T] [--guard D]
                  [--consent direct|invite] [--invite-for D] [--booking first_come|ranked] [--hold-for D]
  unit set CODE [the same flags]        change a unit; an empty --opens or --closes clears it
  unit default CODE                     make CODE the unit of the routes without /units/{unit}
  unit list                             list every unit
  admin grant NUMBER | admin revoke NUMBER
                                        make a person a site admin (every unit), or no longer
  demo                                  load two demo units with rosters, slots and teams

Without --unit, imports go to the default unit. Times are RFC 3339 (2027-05-03T09:00:00+08:00);
--guard, --invite-for and --hold-for are Go durations (90m, 48h, 10m).

environment: DATABASE_URL, PAIRUP_ADDR, PAIRUP_TOKEN_TTL, PAIRUP_JWT_SECRET (see README.md)
`

// run is the whole program, callable from tests: it reads arguments and environment only
// through its parameters and returns when the work is done or ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg)
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, logger, stdout)
	case "migrate":
		return migrate(ctx, cfg, logger)
	case "health":
		return healthCommand(ctx, cfg, args[1:], stdout, stderr)
	case "import":
		return importCommand(ctx, cfg, logger, args[1:], stdout, stderr)
	case "unit":
		return unitCommand(ctx, cfg, logger, args[1:], stdout, stderr)
	case "admin":
		return adminCommand(ctx, cfg, logger, args[1:], stdout, stderr)
	case "demo":
		return demo(ctx, cfg, logger, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
