// Command e2eserver runs Pair-Up for the SPA's end-to-end tests (frontend/e2e). It creates a
// throwaway database next to the one DATABASE_URL names, migrates it, seeds a known roster and
// timetable, starts the real `pairup serve` binary on a random port with the built SPA, and
// prints one line `E2E_URL=http://127.0.0.1:PORT` on stdout. On SIGINT, SIGTERM or the end of
// its standard input (the test runner went away) it stops the server and drops the database.
//
// The seeded data, which frontend/e2e/fixtures.ts mirrors:
//   - the default unit (code "default", title "CITS3403 Agile Web Development", pairs, open):
//     students 31000001..31000030, all with PIN 1357 (bcrypt at its cheapest cost), and 12 lab
//     slots of capacity 1: rooms "CSSE 2.01" and "EZONE 1.24", on the two days that start 7 and
//     8 days after today (UTC), at 10:00, 10:15 and 10:30. The server prints the first of those
//     days as E2E_FIRST_DAY=YYYY-MM-DD, since test data takes its dates from the clock.
//   - unit "trio" ("CITS3200 Professional Computing", teams of 3 to 4, open): students
//     31000021..31000030, and 6 slots of capacity 2 in "EZONE 2.10" on the first day at 14:00,
//     14:15, ..., 15:15;
//   - unit "closed" ("CITS1001 Object-oriented Programming", pairs, sign-up closed yesterday):
//     students 31000027..31000030 and one slot in "CSSE 1.01" on the first day at 09:00;
//   - unit "ranked" (pairs, ranked booking): see seedRanked (ranked.go);
//   - unit "waitlist" (pairs, first come, two teams in full slots): see seedWaitlist (waitlist.go);
//   - unit "invite" (teams of 2 to 3 by invitation, four students in no team): see seedInvite (invite.go);
//   - 31000099 "Course Coordinator", coordinator of default and trio, and 31000098 "Site Admin",
//     a site admin (a student of "closed" only), both with PIN 1357.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testfactory"
	"github.com/pairup/pairup/internal/throwaway"
)

const (
	firstNumber = 31000001
	pin         = "1357"
)

// names of the seeded students, in student-number order.
var names = []string{
	"Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
	"Barbara Liskov", "Donald Knuth", "Frances Allen", "John Backus", "Margaret Hamilton",
	"Ken Thompson", "Dennis Ritchie", "Niklaus Wirth", "Radia Perlman", "Tony Hoare",
	"Leslie Lamport", "Shafi Goldwasser", "Robin Milner", "Adele Goldberg", "Alan Kay",
	"John McCarthy", "Sophie Wilson", "Butler Lampson", "Jean Sammet", "Fran Bilas",
	"Kathleen Booth", "Peter Naur", "Mary Shaw", "Ivan Sutherland", "Karen Spärck Jones",
}

func main() {
	binary := flag.String("bin", "bin/pairup", "the pairup binary to run")
	webDir := flag.String("web", "frontend/dist", "the built SPA to serve (PAIRUP_WEB_DIR)")
	watchStdin := flag.Bool("stdin", true, "also stop when standard input ends")
	flag.Parse()
	if err := run(*binary, *webDir, *watchStdin); err != nil {
		log.Fatalf("e2eserver: %v", err)
	}
}

func run(binary, webDir string, watchStdin bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// When the test runner dies, writing a log line to its closed pipe must not kill this program
	// (Go's default for SIGPIPE on stdout and stderr) before it has dropped the database.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)

	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dbURL, drop, err := throwaway.CreateDatabase(ctx, admin, "pairup_e2e_")
	if err != nil {
		return err
	}
	defer func() {
		if err := drop(); err != nil {
			log.Printf("e2eserver: %v", err)
		}
	}()

	firstDay, err := seed(ctx, dbURL)
	if err != nil {
		return err
	}

	// The server's logs go to this program's standard error.
	srv, err := throwaway.StartServer(binary, dbURL, throwaway.Options{
		Env:       []string{"PAIRUP_WEB_DIR=" + webDir},
		Stdout:    tolerant{os.Stderr},
		Stderr:    tolerant{os.Stderr},
		KillAfter: 15 * time.Second,
	})
	if err != nil {
		return err
	}
	defer srv.Stop()

	fmt.Printf("E2E_FIRST_DAY=%s\n", firstDay.Format(time.DateOnly))
	fmt.Printf("E2E_URL=%s\n", srv.URL)

	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	<-ctx.Done()
	return nil
}

// seed migrates the new database and loads the units, their rosters and their timetables.
func seed(ctx context.Context, dbURL string) (firstDay time.Time, err error) {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return time.Time{}, err
	}
	defer st.Close()
	if err := store.Migrate(ctx, st.Pool(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return time.Time{}, fmt.Errorf("migrate: %w", err)
	}
	hash, err := auth.PINs{Cost: bcrypt.MinCost}.Hash(pin)
	if err != nil {
		return time.Time{}, err
	}
	f := testfactory.New(st, service.New(st, time.Now), hash)
	now := time.Now().UTC()
	firstDay = time.Date(now.Year(), now.Month(), now.Day()+7, 0, 0, 0, 0, time.UTC)
	yesterday := now.Add(-24 * time.Hour)

	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: "default", Title: "CITS3403 Agile Web Development"}); err != nil {
		return time.Time{}, err
	}
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: "trio", Title: "CITS3200 Professional Computing", TeamMin: 3, TeamMax: 4}); err != nil {
		return time.Time{}, err
	}
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: "closed", Title: "CITS1001 Object-oriented Programming", ClosesAt: &yesterday}); err != nil {
		return time.Time{}, err
	}
	people := make([]testfactory.Person, len(names))
	for i, name := range names {
		people[i] = testfactory.Person{Number: fmt.Sprintf("%08d", firstNumber+i), Name: name}
	}
	if err := f.Enrol(ctx, "default", people...); err != nil {
		return time.Time{}, fmt.Errorf("seed roster: %w", err)
	}
	if err := f.Enrol(ctx, "trio", people[20:]...); err != nil {
		return time.Time{}, fmt.Errorf("seed roster: %w", err)
	}
	if err := f.Enrol(ctx, "closed", people[26:]...); err != nil {
		return time.Time{}, fmt.Errorf("seed roster: %w", err)
	}
	coordinator := testfactory.Person{Number: "31000099", Name: "Course Coordinator", Role: pairup.RoleCoordinator}
	for _, unit := range []string{"default", "trio"} {
		if err := f.Enrol(ctx, unit, coordinator); err != nil {
			return time.Time{}, fmt.Errorf("seed coordinator: %w", err)
		}
	}
	// A site admin is a person enrolled nowhere with the flag: enrolled once to exist, then
	// unenrolled is more than the factory offers, so the admin is a student of "closed".
	if err := f.Enrol(ctx, "closed", testfactory.Person{Number: "31000098", Name: "Site Admin"}); err != nil {
		return time.Time{}, fmt.Errorf("seed site admin: %w", err)
	}
	if err := f.Service.SetSiteAdmin(ctx, service.CommandLine, "31000098", true); err != nil {
		return time.Time{}, fmt.Errorf("seed site admin: %w", err)
	}
	var slots []pairup.LabSlot
	for day := range 2 {
		for _, room := range []string{"CSSE 2.01", "EZONE 1.24"} {
			for _, minute := range []int{0, 15, 30} {
				slots = append(slots, pairup.LabSlot{
					Room: room, StartsAt: firstDay.AddDate(0, 0, day).Add(10*time.Hour + time.Duration(minute)*time.Minute), Capacity: 1,
				})
			}
		}
	}
	if _, err := f.Slots(ctx, "default", slots...); err != nil {
		return time.Time{}, fmt.Errorf("seed slots: %w", err)
	}
	if _, err := f.Session(ctx, "trio", "EZONE 2.10", firstDay.Add(14*time.Hour), 6, 15*time.Minute, 2); err != nil {
		return time.Time{}, fmt.Errorf("seed slots: %w", err)
	}
	if _, err := f.Session(ctx, "closed", "CSSE 1.01", firstDay.Add(9*time.Hour), 1, time.Hour, 1); err != nil {
		return time.Time{}, fmt.Errorf("seed slots: %w", err)
	}
	if err := seedRanked(ctx, f, firstDay, coordinator); err != nil {
		return time.Time{}, err
	}
	if err := seedWaitlist(ctx, f, firstDay, coordinator); err != nil {
		return time.Time{}, err
	}
	if err := seedInvite(ctx, f, firstDay, coordinator); err != nil {
		return time.Time{}, err
	}
	return firstDay, nil
}

// tolerant passes writes on and ignores their failure: a server's log lines must keep flowing
// (or the server would block or die) even when whoever read them has gone.
type tolerant struct{ w io.Writer }

func (t tolerant) Write(p []byte) (int, error) {
	_, _ = t.w.Write(p)
	return len(p), nil
}
