package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pairup/pairup/api/service"
)

// defaultAllocateInterval is how often each instance looks for ranked units whose sign-up has
// closed (PAIRUP_ALLOCATE_INTERVAL).
const defaultAllocateInterval = 30 * time.Second

func loadAllocateInterval(getenv func(string) string) (time.Duration, error) {
	v := getenv("PAIRUP_ALLOCATE_INTERVAL")
	if v == "" {
		return defaultAllocateInterval, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("PAIRUP_ALLOCATE_INTERVAL=%q is not a positive Go duration such as 30s or 1m", v)
	}
	return d, nil
}

// allocateLoop runs the ranked allocation of every unit whose sign-up has closed, once at start
// and then every interval, until ctx ends. Every instance runs it; the database lets exactly one
// of them allocate each unit.
func allocateLoop(ctx context.Context, svc *service.Service, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := svc.AllocateDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("ranked allocation", "err", err)
		case n > 0:
			logger.Info("ranked allocation ran", "units", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
