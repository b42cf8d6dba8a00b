package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
)

// The demo unit: a coordinator, forty students, and the original unit's timetable of four
// sessions of twenty-four five-minute slots in two rooms.
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

var demoSessions = []struct {
	room  string
	start string
}{
	{"CSSE 2.01", "2027-05-17T17:15"},
	{"CSSE 2.03", "2027-05-18T09:00"},
	{"CSSE 2.01", "2027-05-19T17:15"},
	{"CSSE 2.03", "2027-05-20T09:00"},
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

func demo(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer) error {
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()

	roster := []pairup.RosterEntry{{Student: pairup.Student{Number: demoAdmin, Name: "Unit Coordinator", Role: pairup.RoleAdmin}}}
	for i, name := range demoNames {
		roster = append(roster, pairup.RosterEntry{Student: pairup.Student{Number: demoStudentNumber(i), Name: name, Role: pairup.RoleStudent}})
	}
	// Every demo student shares one published PIN, so one hash per PIN will do (a real roster
	// gets a salt per student from the importer).
	studentHash, err := auth.HashPIN(demoStudentPIN, auth.DefaultPINCost)
	if err != nil {
		return err
	}
	adminHash, err := auth.HashPIN(demoAdminPIN, auth.DefaultPINCost)
	if err != nil {
		return err
	}
	for i := range roster {
		roster[i].PINHash = studentHash
		if roster[i].Student.IsAdmin() {
			roster[i].PINHash = adminHash
		}
		roster[i].Line = i + 1
	}
	if err := st.ImportRoster(ctx, roster); err != nil {
		return fmt.Errorf("demo roster: %w", err)
	}

	var slots []pairup.SlotEntry
	for _, s := range demoSessions {
		start, err := time.Parse(pairup.LabTimeLayout, s.start)
		if err != nil {
			return err
		}
		for i := range 24 {
			slots = append(slots, pairup.SlotEntry{
				Line: len(slots) + 1,
				Slot: pairup.LabSlot{Room: s.room, StartsAt: start.Add(time.Duration(i) * 5 * time.Minute), Capacity: 1},
			})
		}
	}
	if err := st.ImportSlots(ctx, slots); err != nil {
		return fmt.Errorf("demo labs: %w", err)
	}

	// A few teams, so the table is not empty; on a second run they exist already.
	available, err := st.AvailableLabs(ctx)
	if err != nil {
		return err
	}
	for _, t := range demoTeams {
		want := slots[t.slot].Slot
		for _, l := range available {
			if l.Room == want.Room && l.StartsAt.Equal(want.StartsAt) {
				_, err := st.CreateProject(ctx, pairup.NewProject{
					Creator: demoStudentNumber(t.a), Partner: demoStudentNumber(t.b),
					Description: t.description, LabID: l.ID,
				})
				if code := pairup.ErrorCode(err); code != "" && code != pairup.ECONFLICT {
					return fmt.Errorf("demo team: %w", err)
				}
			}
		}
	}

	fmt.Fprintf(stdout, "demo data loaded: %d students, %d lab slots in %d sessions\n", len(demoNames), len(slots), len(demoSessions))
	fmt.Fprintf(stdout, "demo logins (student number / PIN):\n")
	for i := range 3 {
		// Say how each login stands now: a demo run before may have paired these students up.
		status := "no team yet"
		p, err := st.ProjectOf(ctx, demoStudentNumber(i))
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
		fmt.Fprintf(stdout, "  %s / %s  %s (%s)\n", demoStudentNumber(i), demoStudentPIN, demoNames[i], status)
	}
	fmt.Fprintf(stdout, "  every student %s..%s has PIN %s\n", demoStudentNumber(0), demoStudentNumber(len(demoNames)-1), demoStudentPIN)
	fmt.Fprintf(stdout, "  %s / %s  Unit Coordinator (admin)\n", demoAdmin, demoAdminPIN)
	return nil
}
