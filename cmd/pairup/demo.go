package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/testfactory"
)

// The demo: a coordinator, forty students, the seed's unit of pairs with its timetable of four
// sessions, a second unit of teams of three or four whose sign-up opens tomorrow, and a third
// with fair sign-up: partners by invitation, slots by ranked choice, a partner board.
const (
	demoStudentPIN = "1234"
	demoAdminPIN   = "4321"
	demoAdmin      = "20000000"
)

var demoNames = []string{
	"Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
	"Barbara Liskov", "Donald Knuth", "Frances Allen", "John Backus", "Margaret Hamilton",
	"Ken Thompson", "Dennis Ritchie", "Radia Perlman", "Tony Hoare", "Leslie Lamport",
	"Shafi Goldwasser", "Niklaus Wirth", "Adele Goldberg", "Alan Kay", "Hedy Lamarr",
	"Claude Shannon", "Katherine Johnson", "John McCarthy", "Sophie Wilson", "Robin Milner",
	"Jean Sammet", "Tim Berners-Lee", "Karen Spärck Jones", "Vint Cerf", "Annie Easley",
	"Bjarne Stroustrup", "Mary Kenneth Keller", "Guido van Rossum", "Lynn Conway", "Ivan Sutherland",
	"Evelyn Boyd Granville", "Whitfield Diffie", "Ida Rhodes", "Butler Lampson", "Joan Clarke",
}

// demoStudentNumber gives the i-th demo student a number: 21234567, 21234568, ...
func demoStudentNumber(i int) string { return fmt.Sprintf("%08d", 21234567+i) }

// demoSessions are the default unit's four sessions of twenty-four five-minute slots in two
// rooms: Monday to Thursday of next week, so the demo never expires.
var demoSessions = []struct {
	room   string
	day    int // days after next week's Monday
	hour   int
	minute int
}{
	{"CSSE 2.01", 0, 17, 15},
	{"CSSE 2.03", 1, 9, 0},
	{"CSSE 2.01", 2, 17, 15},
	{"CSSE 2.03", 3, 9, 0},
}

var demoTeams = []struct {
	a, b        int
	description string
	slot        int // index into the demo slots
}{
	{2, 3, "A compiler for a tiny language, written in itself", 0},
	{4, 5, "Shortest paths on the campus map, with a live demo", 2},
	{6, 7, "Typesetting mathematics <b>beautifully</b> & quickly", 30},
}

// The second demo unit: teams of three or four, sign-up opening tomorrow at 09:00.
const (
	demoZone        = "Australia/Perth"
	demoSecondUnit  = "cits3200"
	demoSecondTitle = "CITS3200 Professional Computing"
	demoSecondSize  = 20 // the first twenty demo students are in both units
	demoFairUnit    = "cits2002"
	demoFairTitle   = "CITS2002 Systems Programming"
	demoFairSize    = 16 // the first sixteen demo students
)

// nextMonday is the Monday of the week after now's, at midnight wall-clock time in the zone.
func nextMonday(now time.Time, zone *time.Location) time.Time {
	l := now.In(zone)
	days := (8 - int(l.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	d := l.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

func demo(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer) error {
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := service.New(st, time.Now)
	// Every demo student shares one published PIN, so one hash per PIN will do (a real roster
	// gets a salt per student from the importer).
	pins := cfg.Signin.pins()
	studentHash, err := pins.Hash(demoStudentPIN)
	if err != nil {
		return err
	}
	adminHash, err := pins.Hash(demoAdminPIN)
	if err != nil {
		return err
	}
	f := testfactory.New(st, svc, studentHash)
	zone, err := time.LoadLocation(demoZone)
	if err != nil {
		return err
	}
	now := time.Now()
	monday := nextMonday(now, zone)

	defaultCode, err := st.DefaultUnitCode(ctx)
	if err != nil {
		return err
	}
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: defaultCode, Title: "CITS3403 Agile Web Development", Timezone: demoZone, TeamMin: 2, TeamMax: 2}); err != nil {
		return fmt.Errorf("demo unit: %w", err)
	}
	opens := time.Date(now.In(zone).Year(), now.In(zone).Month(), now.In(zone).Day()+1, 9, 0, 0, 0, zone)
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: demoSecondUnit, Title: demoSecondTitle, Timezone: demoZone, TeamMin: 3, TeamMax: 4, OpensAt: &opens}); err != nil {
		return fmt.Errorf("demo unit: %w", err)
	}

	people := []testfactory.Person{{Number: demoAdmin, Name: "Unit Coordinator", Role: pairup.RoleCoordinator, PINHash: adminHash}}
	for i, name := range demoNames {
		people = append(people, testfactory.Person{Number: demoStudentNumber(i), Name: name})
	}
	if err := f.Enrol(ctx, defaultCode, people...); err != nil {
		return fmt.Errorf("demo roster: %w", err)
	}
	if err := f.Enrol(ctx, demoSecondUnit, people[:1+demoSecondSize]...); err != nil {
		return fmt.Errorf("demo roster: %w", err)
	}

	var slots []pairup.LabSlot
	for _, s := range demoSessions {
		start := monday.AddDate(0, 0, s.day).Add(time.Duration(s.hour)*time.Hour + time.Duration(s.minute)*time.Minute)
		for i := range 24 {
			slots = append(slots, pairup.LabSlot{Room: s.room, StartsAt: start.Add(time.Duration(i) * 5 * time.Minute), Capacity: 1})
		}
	}
	all, err := f.Slots(ctx, defaultCode, slots...)
	if err != nil {
		return fmt.Errorf("demo labs: %w", err)
	}
	second, err := f.Session(ctx, demoSecondUnit, "EZONE 1.24", monday.AddDate(0, 0, 1).Add(14*time.Hour), 12, 15*time.Minute, 2)
	if err != nil {
		return fmt.Errorf("demo labs: %w", err)
	}

	// A few teams, so the table is not empty; on a second run they exist already.
	for _, t := range demoTeams {
		want := slots[t.slot]
		for _, l := range all {
			if l.Room == want.Room && l.StartsAt.Equal(want.StartsAt) {
				_, err := f.Team(ctx, defaultCode, demoStudentNumber(t.a), []string{demoStudentNumber(t.b)}, l.ID, t.description)
				if code := pairup.ErrorCode(err); code != "" && code != pairup.ECONFLICT {
					return fmt.Errorf("demo team: %w", err)
				}
			}
		}
	}
	_, err = f.Team(ctx, demoSecondUnit, demoStudentNumber(10), []string{demoStudentNumber(11), demoStudentNumber(12)}, second[0].ID, "A booking system for the campus makerspace")
	if code := pairup.ErrorCode(err); code != "" && code != pairup.ECONFLICT {
		return fmt.Errorf("demo team: %w", err)
	}

	fair, err := demoFair(ctx, svc, f, people[:1+demoFairSize], monday, zone, now)
	if err != nil {
		return fmt.Errorf("demo fair unit: %w", err)
	}

	fmt.Fprintf(stdout, "demo data loaded: unit %s (pairs, open): %d students, %d lab slots in %d sessions from %s\n",
		defaultCode, len(demoNames), len(slots), len(demoSessions), monday.Format("Monday 2 January"))
	fmt.Fprintf(stdout, "                  unit %s (teams of 3-4, sign-up opens %s): %d students, %d slots\n",
		demoSecondUnit, opens.Format("Monday 2 January 15:04 MST"), demoSecondSize, len(second))
	fmt.Fprintf(stdout, "                  unit %s (invitations, ranked booking, partner board; closes %s): %d students, %d slots\n",
		demoFairUnit, fair.Format("Monday 2 January 15:04 MST"), demoFairSize, 8)
	fmt.Fprintf(stdout, "demo logins (student number / PIN):\n")
	acc, err := svc.Access(ctx, service.CommandLine, defaultCode)
	if err != nil {
		return err
	}
	for i := range 3 {
		// Say how each login stands now: a demo run before may have paired these students up.
		status := "no team yet"
		p, err := svc.ProjectOf(ctx, acc, demoStudentNumber(i))
		switch pairup.ErrorCode(err) {
		case "":
			for _, m := range p.Members {
				if m.Number != demoStudentNumber(i) {
					status = "in a team with " + m.Name
				}
			}
		case pairup.ENOTFOUND:
		default:
			return err
		}
		fmt.Fprintf(stdout, "  %s / %s  %s (%s; in all three units)\n", demoStudentNumber(i), demoStudentPIN, demoNames[i], status)
	}
	fmt.Fprintf(stdout, "  every student %s..%s has PIN %s (the first %d are also in %s, the first %d in %s)\n",
		demoStudentNumber(0), demoStudentNumber(len(demoNames)-1), demoStudentPIN, demoSecondSize, demoSecondUnit, demoFairSize, demoFairUnit)
	fmt.Fprintf(stdout, "  %s / %s  Unit Coordinator (coordinates all three units)\n", demoAdmin, demoAdminPIN)
	return nil
}

// demoFair sets up the fair sign-up unit: invitations, ranked booking and a partner board, closing
// in a week, with a team that has ranked slots, a pending invitation to the first demo login and
// three students looking for a team. It returns when sign-up closes.
func demoFair(ctx context.Context, svc *service.Service, f *testfactory.Factory, people []testfactory.Person, monday time.Time, zone *time.Location, now time.Time) (time.Time, error) {
	l := now.In(zone)
	closes := time.Date(l.Year(), l.Month(), l.Day()+7, 17, 0, 0, 0, zone)
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: demoFairUnit, Title: demoFairTitle, Timezone: demoZone, TeamMin: 2, TeamMax: 3,
		ClosesAt: &closes, Consent: pairup.ConsentInvite, Booking: pairup.BookingRanked}); err != nil {
		return closes, err
	}
	if err := f.Enrol(ctx, demoFairUnit, people...); err != nil {
		return closes, err
	}
	slots, err := f.Session(ctx, demoFairUnit, "CSSE 1.24", monday.AddDate(0, 0, 14).Add(10*time.Hour), 8, 20*time.Minute, 2)
	if err != nil {
		return closes, err
	}
	as := func(number string) (service.Access, error) {
		p, err := svc.Person(ctx, number)
		if err != nil {
			return service.Access{}, err
		}
		return svc.Access(ctx, service.Actor{Person: p}, demoFairUnit)
	}
	skip := func(err error) error { // a second run finds it all done
		if c := pairup.ErrorCode(err); c == pairup.ECONFLICT {
			return nil
		}
		return err
	}
	// A team of two (made directly, as a coordinator would) that has ranked three slots.
	team, err := f.Team(ctx, demoFairUnit, demoStudentNumber(13), []string{demoStudentNumber(14)}, 0, "A tiny shell with job control")
	if err == nil {
		acc, err := as(demoStudentNumber(13))
		if err != nil {
			return closes, err
		}
		if _, err := svc.SetRanking(ctx, acc, team.ID, []int64{slots[2].ID, slots[0].ID, slots[5].ID}); skip(err) != nil {
			return closes, err
		}
		// It invites the first demo login to be its third member.
		if _, err := svc.Invite(ctx, acc, demoStudentNumber(0), ""); skip(err) != nil {
			return closes, err
		}
	} else if skip(err) != nil {
		return closes, err
	}
	for _, e := range []struct {
		who        int
		note       string
		tags       []string
		timesIndex []int
	}{
		{3, "Happy to do the C side; looking for someone who likes writing tests.", []string{"c", "testing"}, []int{0, 1}},
		{4, "New to the course, keen to learn. Mornings suit me best.", []string{"beginner"}, []int{0}},
		{5, "Interested in the memory allocator project.", []string{"c", "memory"}, []int{4, 5}},
	} {
		acc, err := as(demoStudentNumber(e.who))
		if err != nil {
			return closes, err
		}
		var times []string
		for _, i := range e.timesIndex {
			times = append(times, slots[i].StartsAt.Format(pairup.LabTimeLayout))
		}
		if _, err := svc.PutBoardEntry(ctx, acc, e.note, e.tags, times); skip(err) != nil {
			return closes, err
		}
	}
	return closes, nil
}
