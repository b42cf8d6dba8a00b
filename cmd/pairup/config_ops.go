package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/pairup/pairup/api/reqlog"
)

// opsConfig is how the server reports on itself.
type opsConfig struct {
	// LogFormat is the log's line format (PAIRUP_LOG_FORMAT): "text" (logfmt-like key=value) or
	// "json" (one JSON object a line, for a log collector).
	LogFormat string
}

const (
	logText = "text"
	logJSON = "json"
)

func loadOpsConfig(getenv func(string) string) (opsConfig, error) {
	cfg := opsConfig{LogFormat: logText}
	if v := getenv("PAIRUP_LOG_FORMAT"); v != "" {
		switch f := strings.ToLower(strings.TrimSpace(v)); f {
		case logText, logJSON:
			cfg.LogFormat = f
		default:
			return opsConfig{}, fmt.Errorf("PAIRUP_LOG_FORMAT=%q is not a log format: use text or json", v)
		}
	}
	return cfg, nil
}

// newOpsLogger writes the log in the configured format; every line logged with a request's
// context carries its request_id and, on a unit's routes, its unit.
func newOpsLogger(w io.Writer, cfg opsConfig) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == logJSON {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(reqlog.NewHandler(h))
}
