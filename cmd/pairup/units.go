package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
)

// openService connects, migrates and returns the use cases with a function that closes them.
func openService(ctx context.Context, cfg config, logger *slog.Logger) (*service.Service, func(), error) {
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	return service.New(st, time.Now), st.Close, nil
}

// unitCommand is `pairup unit create|set|default|list`.
func unitCommand(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unit needs create, set, default or list")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "list":
		if len(args) != 0 {
			return fmt.Errorf("unit list takes no arguments")
		}
		svc, done, err := openService(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer done()
		units, err := svc.Units(ctx, service.CommandLine)
		if err != nil {
			return err
		}
		for _, u := range units {
			mark := " "
			if u.Default {
				mark = "*"
			}
			fmt.Fprintf(stdout, "%s %-20s %-9s teams %d-%d  %s  %s\n", mark, u.Code, svc.Phase(u), u.Policy.TeamMin, u.Policy.TeamMax, u.Timezone, u.Title)
		}
		return nil
	case "default":
		if len(args) != 1 {
			return fmt.Errorf("unit default needs one unit code")
		}
		svc, done, err := openService(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer done()
		if err := svc.SetDefaultUnit(ctx, service.CommandLine, args[0]); err != nil {
			return fmt.Errorf("unit default: %w", err)
		}
		fmt.Fprintf(stdout, "default unit is now %s\n", args[0])
		return nil
	case "create", "set":
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return fmt.Errorf("unit %s needs a unit code first", sub)
		}
		code := args[0]
		patch, err := parseUnitFlags("unit "+sub, args[1:], stderr)
		if err != nil {
			return err
		}
		svc, done, err := openService(ctx, cfg, logger)
		if err != nil {
			return err
		}
		defer done()
		if sub == "create" {
			if !patch.Title.Set {
				return fmt.Errorf("unit create needs --title")
			}
			u, err := patch.Apply(pairup.Unit{Code: code, Timezone: "UTC", Policy: pairup.DefaultPolicy()})
			if err != nil {
				return fmt.Errorf("unit create: %w", err)
			}
			if u, err = svc.CreateUnit(ctx, service.CommandLine, u); err != nil {
				return fmt.Errorf("unit create: %w", err)
			}
			fmt.Fprintf(stdout, "created unit %s\n", u.Code)
			return nil
		}
		acc, err := svc.Access(ctx, service.CommandLine, code)
		if err != nil {
			return fmt.Errorf("unit set: %w", err)
		}
		if _, err := svc.UpdateUnit(ctx, acc, patch); err != nil {
			return fmt.Errorf("unit set: %w", err)
		}
		fmt.Fprintf(stdout, "updated unit %s\n", code)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown unit command %q", sub)
}

// parseUnitFlags reads the flags of unit create and unit set into a merge patch: only the flags
// given are changed, and an empty --opens or --closes clears that time.
func parseUnitFlags(name string, args []string, stderr io.Writer) (pairup.UnitPatch, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	title := fs.String("title", "", "the unit's title")
	tz := fs.String("timezone", "", "IANA time zone of the unit's slot times (default UTC)")
	size := fs.String("team-size", "", "team size MIN-MAX, creator included (default 2-2)")
	fs.String("opens", "", "when sign-up opens, RFC 3339; empty clears")
	fs.String("closes", "", "when sign-up closes, RFC 3339; empty clears")
	guard := fs.String("guard", "", "guard time before a slot, a Go duration such as 90m (default 0)")
	consent := fs.String("consent", "", "how named partners join: direct or invite (default direct)")
	booking := fs.String("booking", "", "how slots are booked: first_come or ranked (default first_come)")
	inviteFor := fs.String("invite-for", "", "how long an invitation lasts, whole hours such as 48h (default 48h)")
	holdFor := fs.String("hold-for", "", "how long a waitlist hold lasts, whole minutes such as 10m (default 10m)")
	if err := fs.Parse(args); err != nil {
		return pairup.UnitPatch{}, err
	}
	if fs.NArg() != 0 {
		return pairup.UnitPatch{}, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	var p pairup.UnitPatch
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		switch f.Name {
		case "title":
			p.Title = pairup.Optional[string]{Set: true, Value: *title}
		case "timezone":
			p.Timezone = pairup.Optional[string]{Set: true, Value: *tz}
		case "team-size":
			lo, hi, ok := strings.Cut(*size, "-")
			if !ok {
				hi = lo
			}
			min, err1 := strconv.Atoi(lo)
			max, err2 := strconv.Atoi(hi)
			if err1 != nil || err2 != nil {
				err = fmt.Errorf("--team-size %q is not MIN-MAX such as 3-4", *size)
				return
			}
			p.Policy.Set = true
			p.Policy.Value.TeamMin = pairup.Optional[int]{Set: true, Value: min}
			p.Policy.Value.TeamMax = pairup.Optional[int]{Set: true, Value: max}
		case "opens", "closes":
			o := pairup.Optional[time.Time]{Set: true, Null: f.Value.String() == ""}
			if !o.Null {
				t, perr := time.Parse(time.RFC3339, f.Value.String())
				if perr != nil {
					err = fmt.Errorf("--%s %q is not an RFC 3339 time such as 2027-05-03T09:00:00+08:00", f.Name, f.Value.String())
					return
				}
				o.Value = t
			}
			p.Policy.Set = true
			if f.Name == "opens" {
				p.Policy.Value.OpensAt = o
			} else {
				p.Policy.Value.ClosesAt = o
			}
		case "guard":
			d, perr := time.ParseDuration(*guard)
			if perr != nil || d < 0 || d%time.Minute != 0 {
				err = fmt.Errorf("--guard %q is not a whole number of minutes such as 90m or 2h", *guard)
				return
			}
			p.Policy.Set = true
			p.Policy.Value.GuardMinutes = pairup.Optional[int]{Set: true, Value: int(d / time.Minute)}
		case "consent":
			p.Policy.Set = true
			p.Policy.Value.Consent = pairup.Optional[string]{Set: true, Value: *consent}
		case "booking":
			p.Policy.Set = true
			p.Policy.Value.Booking = pairup.Optional[string]{Set: true, Value: *booking}
		case "invite-for":
			d, perr := time.ParseDuration(*inviteFor)
			if perr != nil || d <= 0 || d%time.Hour != 0 {
				err = fmt.Errorf("--invite-for %q is not a whole number of hours such as 48h", *inviteFor)
				return
			}
			p.Policy.Set = true
			p.Policy.Value.InviteHours = pairup.Optional[int]{Set: true, Value: int(d / time.Hour)}
		case "hold-for":
			d, perr := time.ParseDuration(*holdFor)
			if perr != nil || d <= 0 || d%time.Minute != 0 {
				err = fmt.Errorf("--hold-for %q is not a whole number of minutes such as 10m", *holdFor)
				return
			}
			p.Policy.Set = true
			p.Policy.Value.HoldMinutes = pairup.Optional[int]{Set: true, Value: int(d / time.Minute)}
		}
	})
	return p, err
}

// adminCommand is `pairup admin grant|revoke NUMBER`.
func adminCommand(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	if len(args) != 2 || (args[0] != "grant" && args[0] != "revoke") {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("admin needs grant or revoke and a student number")
	}
	svc, done, err := openService(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer done()
	grant := args[0] == "grant"
	if err := svc.SetSiteAdmin(ctx, service.CommandLine, args[1], grant); err != nil {
		return fmt.Errorf("admin %s: %w", args[0], err)
	}
	if grant {
		fmt.Fprintf(stdout, "%s is now a site admin\n", args[1])
	} else {
		fmt.Fprintf(stdout, "%s is no longer a site admin\n", args[1])
	}
	return nil
}
