package main

import (
	"fmt"
	"io"
	"log/slog"
	"time"
)

// config is every setting the environment can change; defaults are documented in README.md.
type config struct {
	DatabaseURL string        // DATABASE_URL
	Addr        string        // PAIRUP_ADDR
	TokenTTL    time.Duration // PAIRUP_TOKEN_TTL
	JWTSecret   string        // PAIRUP_JWT_SECRET; empty means generate one and keep it in the database
	WebDir      string        // PAIRUP_WEB_DIR: the built SPA
	Notices     noticeConfig  // PAIRUP_SMTP_URL, PAIRUP_MAIL_FROM, PAIRUP_MAIL_INTERVAL, PAIRUP_REMINDER_INTERVAL

	// AllocateInterval is how often ranked units are checked for a due allocation (PAIRUP_ALLOCATE_INTERVAL).
	AllocateInterval time.Duration
	// SweepInterval is how often lapsed waitlist holds are released (PAIRUP_SWEEP_INTERVAL).
	SweepInterval time.Duration
	// Signin: PAIRUP_TRUSTED_PROXIES, PAIRUP_SIGNIN_ADDRESS_LIMIT, PAIRUP_PIN_PEPPER.
	Signin signinConfig
	// Ops: PAIRUP_LOG_FORMAT.
	Ops opsConfig
	// Transport: PAIRUP_READ_HEADER_TIMEOUT, PAIRUP_MAX_SOCKETS_PER_PERSON, PAIRUP_CORS_ORIGINS.
	Transport transportConfig
	// Metrics: PAIRUP_METRICS_ADDR.
	Metrics metricsConfig
}

const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        getenv("PAIRUP_ADDR"),
		TokenTTL:    time.Hour,
		JWTSecret:   getenv("PAIRUP_JWT_SECRET"),
		WebDir:      getenv("PAIRUP_WEB_DIR"),
	}
	if cfg.WebDir == "" {
		cfg.WebDir = "frontend/dist"
	}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = defaultDatabaseURL
	}
	if cfg.Addr == "" {
		cfg.Addr = ":8080"
	}
	if v := getenv("PAIRUP_TOKEN_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return config{}, fmt.Errorf("PAIRUP_TOKEN_TTL=%q is not a positive Go duration such as 1h or 30m", v)
		}
		cfg.TokenTTL = d
	}
	if cfg.JWTSecret != "" && len(cfg.JWTSecret) < 32 {
		return config{}, fmt.Errorf("PAIRUP_JWT_SECRET must be at least 32 characters")
	}
	notices, err := loadNoticeConfig(getenv)
	if err != nil {
		return config{}, err
	}
	cfg.Notices = notices
	if cfg.AllocateInterval, err = loadAllocateInterval(getenv); err != nil {
		return config{}, err
	}
	if cfg.SweepInterval, err = loadSweepInterval(getenv); err != nil {
		return config{}, err
	}
	if cfg.Signin, err = loadSigninConfig(getenv); err != nil {
		return config{}, err
	}
	if cfg.Ops, err = loadOpsConfig(getenv); err != nil {
		return config{}, err
	}
	if cfg.Transport, err = loadTransportConfig(getenv); err != nil {
		return config{}, err
	}
	if cfg.Metrics, err = loadMetricsConfig(getenv); err != nil {
		return config{}, err
	}
	return cfg, nil
}

func newLogger(w io.Writer, cfg config) *slog.Logger {
	return newOpsLogger(w, cfg.Ops) // PAIRUP_LOG_FORMAT: config_ops.go
}
