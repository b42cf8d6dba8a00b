package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pairup/pairup/api/service"
)

// defaultSweepInterval is how often each instance releases lapsed waitlist holds and offers
// free places to the slots' lines (PAIRUP_SWEEP_INTERVAL).
const defaultSweepInterval = 15 * time.Second

func loadSweepInterval(getenv func(string) string) (time.Duration, error) {
	v := getenv("PAIRUP_SWEEP_INTERVAL")
	if v == "" {
		return defaultSweepInterval, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("PAIRUP_SWEEP_INTERVAL=%q is not a positive Go duration such as 15s or 1m", v)
	}
	return d, nil
}

// sweepLoop runs the waitlists' sweeper once at start and then every interval, until ctx ends.
// Every instance runs it; there is no single scheduler: whichever instance claims a lapsed hold
// first releases it, exactly once.
func sweepLoop(ctx context.Context, svc *service.Service, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := svc.SweepHolds(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("waitlist sweep", "err", err)
		case n > 0:
			logger.Info("waitlist holds lapsed", "holds", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
