package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// healthCommand is `pairup health`: it asks a running server whether it is ready
// (GET /api/health/ready) and fails, with a one-line reason, unless it answers 200. A container
// healthcheck runs it, so the image needs no shell or HTTP client.
func healthCommand(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", "", "the URL to check (default: /api/health/ready on PAIRUP_ADDR's port, on the loopback address)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("health takes no arguments, only --url and --timeout")
	}
	if *timeout <= 0 {
		return fmt.Errorf("health: --timeout must be a positive duration")
	}
	u := *target
	if u == "" {
		var err error
		if u, err = readyURL(cfg.Addr); err != nil {
			return err
		}
	} else if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("health: --url %q is not an http(s) URL", u)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %s: %w", u, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		reason := resp.Status
		var p struct{ Detail string }
		if json.Unmarshal(body, &p) == nil && p.Detail != "" {
			reason += ": " + oneLine(p.Detail)
		}
		return fmt.Errorf("not ready: %s answered %s", u, reason)
	}
	fmt.Fprintln(stdout, "ready")
	return nil
}

// readyURL is the readiness URL of a server listening on addr (PAIRUP_ADDR), reached over
// loopback when it listens on every address.
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return "", fmt.Errorf("health: PAIRUP_ADDR=%q names no port to check; pass --url", addr)
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "127.0.0.1"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/api/health/ready"}).String(), nil
}

// unwrapURLError drops net/http's repetition of the method and URL.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
