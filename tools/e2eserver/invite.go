package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/testfactory"
)

// seedInvite seeds unit "invite" ("CITS2200 Data Structures", teams of 2 to 3 formed by
// invitation, first come, open): students 31000061 "Invi Ava", 31000062 "Invi Bea",
// 31000063 "Invi Cem" and 31000064 "Invi Dan", in no team, three slots of capacity 1 in
// "CSSE 5.01" on the first day at 13:00, 13:15 and 13:30, and the coordinator 31000099.
func seedInvite(ctx context.Context, f *testfactory.Factory, firstDay time.Time, coordinator testfactory.Person) error {
	spec := testfactory.UnitSpec{Code: "invite", Title: "CITS2200 Data Structures", TeamMin: 2, TeamMax: 3, Consent: pairup.ConsentInvite}
	if _, err := f.Unit(ctx, spec); err != nil {
		return err
	}
	people := []testfactory.Person{
		{Number: "31000061", Name: "Invi Ava"}, {Number: "31000062", Name: "Invi Bea"},
		{Number: "31000063", Name: "Invi Cem"}, {Number: "31000064", Name: "Invi Dan"},
		coordinator,
	}
	if err := f.Enrol(ctx, "invite", people...); err != nil {
		return fmt.Errorf("seed invite roster: %w", err)
	}
	if _, err := f.Session(ctx, "invite", "CSSE 5.01", firstDay.Add(13*time.Hour), 3, 15*time.Minute, 1); err != nil {
		return fmt.Errorf("seed invite slots: %w", err)
	}
	return nil
}
