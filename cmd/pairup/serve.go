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

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/httpapi"
	"github.com/pairup/pairup/api/realtime"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/api/web"
)

// openStore connects and migrates, so every command works on an empty database.
func openStore(ctx context.Context, cfg config, logger *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	st.WithLogger(logger)
	if err := store.Migrate(ctx, st.Pool(), logger); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func migrate(ctx context.Context, cfg config, logger *slog.Logger) error {
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	st.Close()
	return nil
}

func serve(ctx context.Context, cfg config, logger *slog.Logger, stdout io.Writer) error {
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()

	key := []byte(cfg.JWTSecret)
	if len(key) == 0 {
		if key, err = st.SigningKey(ctx); err != nil {
			return err
		}
	}
	tokens := auth.NewTokens(key, cfg.TokenTTL, st)
	meters, stopMetrics, err := startMetrics(cfg.Metrics, st, logger, stdout) // PAIRUP_METRICS_ADDR: metrics.go
	if err != nil {
		return err
	}
	defer stopMetrics()
	hub := realtime.NewHub(st, st, logger, realtime.Config{MaxSocketsPerPerson: cfg.Transport.MaxSocketsPerPerson, Observer: meters})
	svc := service.New(st, time.Now)
	svc.SetMetrics(meters)
	handler, err := httpapi.NewHandler(httpapi.Deps{
		Service:  svc,
		Tokens:   tokens,
		Signin:   auth.NewSigninWith(st, tokens, cfg.Signin.signinOptions(logger)),
		Ping:     st.Ping,
		FeedUp:   hub.FeedUp,
		Realtime: hub,
		Logger:   logger,

		// Whose X-Forwarded-For names the client the sign-in throttle counts by.
		TrustedProxies: cfg.Signin.TrustedProxies,
	})
	if err != nil {
		return fmt.Errorf("build API: %w", err)
	}
	handler.Pre(meters.Middleware()) // counts every answer, by route template
	// Pre: before routing, so unknown routes, 405s and preflights get them too.
	handler.Pre(web.SecurityHeaders, httpapi.CORS(cfg.Transport.CORSOrigins))
	if !web.Register(handler, cfg.WebDir) {
		logger.WarnContext(ctx, "no built SPA to serve; run `make build-web` or set PAIRUP_WEB_DIR", "dir", cfg.WebDir)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler: handler,
		// No ReadTimeout: it would cut off WebSockets, which outlive their request; bodies are
		// capped at 64 KiB by the API.
		ReadHeaderTimeout: cfg.Transport.ReadHeaderTimeout,
		IdleTimeout:       2 * time.Minute,
	}
	background, stopBackground := context.WithCancel(ctx)
	defer stopBackground()
	go pruneLoop(background, st, logger)
	go allocateLoop(background, svc, cfg.AllocateInterval, logger)
	go sweepLoop(background, svc, cfg.SweepInterval, logger)
	noticesDone, err := startNotices(background, cfg.Notices, st, svc, logger)
	if err != nil {
		return err
	}
	hubDone := make(chan error, 1)
	go func() { hubDone <- hub.Run(background) }()
	// A WebSocket client told "ready" must get every push after: serve once the hub hears events.
	select {
	case <-hub.Listening():
	case <-ctx.Done():
		ln.Close()
		stopBackground()
		<-noticesDone
		return <-hubDone
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.InfoContext(ctx, "serving", "addr", ln.Addr().String())
	fmt.Fprintf(stdout, "pairup: serving on http://%s\n", ln.Addr())

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	// WebSockets are hijacked connections that Shutdown leaves alone: close them with 1001.
	if err := hub.Shutdown(shutdownCtx); err != nil {
		return err
	}
	stopBackground()
	if err := <-hubDone; err != nil {
		return fmt.Errorf("event listener: %w", err)
	}
	<-noticesDone
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// pruneLoop forgets revoked tokens that have expired and old sign-in windows, hourly.
func pruneLoop(ctx context.Context, st *store.Store, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := st.Prune(ctx, auth.DefaultThrottle.Window); err != nil && ctx.Err() == nil {
				logger.Warn("prune", "err", err)
			}
		}
	}
}
