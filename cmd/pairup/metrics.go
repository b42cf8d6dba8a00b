package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/pairup/pairup/api/metrics"
	"github.com/pairup/pairup/api/store"
)

// startMetrics serves GET /metrics on its own listener at cfg.Addr, never on the API's, and
// returns the metrics to hook into the server and a stop that shuts the listener down. With no
// address it serves nothing and returns nil metrics, whose hooks do nothing.
func startMetrics(cfg metricsConfig, st *store.Store, logger *slog.Logger, stdout io.Writer) (*metrics.Metrics, func(), error) {
	if cfg.Addr == "" {
		return nil, func() {}, nil
	}
	m := metrics.New()
	m.RegisterPool(st.Pool())
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen for metrics on %s (PAIRUP_METRICS_ADDR): %w", cfg.Addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener", "err", err)
		}
	}()
	logger.Info("serving metrics", "addr", ln.Addr().String())
	fmt.Fprintf(stdout, "pairup: metrics on http://%s\n", ln.Addr())
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			logger.Warn("shut down metrics listener", "err", err)
			srv.Close()
		}
		<-done
	}
	return m, stop, nil
}
