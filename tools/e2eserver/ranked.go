package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/testfactory"
)

// seedRanked seeds unit "ranked" ("CITS2002 Systems Programming", pairs, ranked booking, open):
// students 31000071 "Rank Ann", 31000072 "Rank Ben", 31000073 "Rank Cy" and 31000074 "Rank Dee"
// in two teams without a slot (Ann & Ben, Cy & Dee), the coordinator 31000099, and three slots
// of capacity 1 in "CSSE 3.01" on the first day at 11:00, 11:15 and 11:30.
func seedRanked(ctx context.Context, f *testfactory.Factory, firstDay time.Time, coordinator testfactory.Person) error {
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: "ranked", Title: "CITS2002 Systems Programming", Booking: pairup.BookingRanked}); err != nil {
		return err
	}
	people := []testfactory.Person{
		{Number: "31000071", Name: "Rank Ann"}, {Number: "31000072", Name: "Rank Ben"},
		{Number: "31000073", Name: "Rank Cy"}, {Number: "31000074", Name: "Rank Dee"},
		coordinator,
	}
	if err := f.Enrol(ctx, "ranked", people...); err != nil {
		return fmt.Errorf("seed ranked roster: %w", err)
	}
	if _, err := f.Session(ctx, "ranked", "CSSE 3.01", firstDay.Add(11*time.Hour), 3, 15*time.Minute, 1); err != nil {
		return fmt.Errorf("seed ranked slots: %w", err)
	}
	for _, team := range [][2]string{{"31000071", "31000072"}, {"31000073", "31000074"}} {
		if _, err := f.Team(ctx, "ranked", team[0], team[1:], 0, "A ranked-booking team"); err != nil {
			return fmt.Errorf("seed ranked team: %w", err)
		}
	}
	return nil
}
