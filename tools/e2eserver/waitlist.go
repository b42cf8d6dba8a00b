package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pairup/pairup/internal/testfactory"
)

// seedWaitlist seeds unit "waitlist" ("CITS3001 Algorithms", pairs, first come, open):
// students 31000081 "Wait Amy", 31000082 "Wait Bo", 31000083 "Wait Cal" and 31000084 "Wait Di"
// in two teams, Amy & Bo booked in "CSSE 4.01" on the first day at 11:00 and Cal & Di at 11:15,
// a third slot at 11:30 left free (all of capacity 1), and the coordinator 31000099.
func seedWaitlist(ctx context.Context, f *testfactory.Factory, firstDay time.Time, coordinator testfactory.Person) error {
	if _, err := f.Unit(ctx, testfactory.UnitSpec{Code: "waitlist", Title: "CITS3001 Algorithms"}); err != nil {
		return err
	}
	people := []testfactory.Person{
		{Number: "31000081", Name: "Wait Amy"}, {Number: "31000082", Name: "Wait Bo"},
		{Number: "31000083", Name: "Wait Cal"}, {Number: "31000084", Name: "Wait Di"},
		coordinator,
	}
	if err := f.Enrol(ctx, "waitlist", people...); err != nil {
		return fmt.Errorf("seed waitlist roster: %w", err)
	}
	labs, err := f.Session(ctx, "waitlist", "CSSE 4.01", firstDay.Add(11*time.Hour), 3, 15*time.Minute, 1)
	if err != nil {
		return fmt.Errorf("seed waitlist slots: %w", err)
	}
	for i, team := range [][2]string{{"31000081", "31000082"}, {"31000083", "31000084"}} {
		if _, err := f.Team(ctx, "waitlist", team[0], team[1:], labs[i].ID, "A waitlist team"); err != nil {
			return fmt.Errorf("seed waitlist team: %w", err)
		}
	}
	return nil
}
