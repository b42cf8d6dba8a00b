package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pairup/pairup/api/realtime"
)

// transportConfig bounds what one client can hold or make the server do at the connection
// level, and which other origins' pages may call the API.
type transportConfig struct {
	// ReadHeaderTimeout is how long a client has to send a request's headers
	// (PAIRUP_READ_HEADER_TIMEOUT): a client trickling them is cut off then.
	ReadHeaderTimeout time.Duration
	// MaxSocketsPerPerson is how many WebSockets one person may hold on one instance
	// (PAIRUP_MAX_SOCKETS_PER_PERSON).
	MaxSocketsPerPerson int
	// CORSOrigins are the exact origins (scheme://host[:port]) whose pages may call the API
	// (PAIRUP_CORS_ORIGINS); none means cross-origin calls are refused by browsers.
	CORSOrigins []string
}

const defaultReadHeaderTimeout = 10 * time.Second

func loadTransportConfig(getenv func(string) string) (transportConfig, error) {
	cfg := transportConfig{
		ReadHeaderTimeout:   defaultReadHeaderTimeout,
		MaxSocketsPerPerson: realtime.DefaultMaxSocketsPerPerson,
	}
	if v := getenv("PAIRUP_READ_HEADER_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return transportConfig{}, fmt.Errorf("PAIRUP_READ_HEADER_TIMEOUT=%q is not a positive Go duration such as 10s or 500ms", v)
		}
		cfg.ReadHeaderTimeout = d
	}
	if v := getenv("PAIRUP_MAX_SOCKETS_PER_PERSON"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 {
			return transportConfig{}, fmt.Errorf("PAIRUP_MAX_SOCKETS_PER_PERSON=%q is not a positive whole number such as 8", v)
		}
		cfg.MaxSocketsPerPerson = n
	}
	for _, item := range strings.Split(getenv("PAIRUP_CORS_ORIGINS"), ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		origin, err := parseOrigin(item)
		if err != nil {
			return transportConfig{}, fmt.Errorf("PAIRUP_CORS_ORIGINS: %q %v", item, err)
		}
		cfg.CORSOrigins = append(cfg.CORSOrigins, origin)
	}
	return cfg, nil
}

// parseOrigin checks that s is one exact origin, as browsers send it in the Origin header, and
// returns it as they spell it (lower-case scheme and host).
func parseOrigin(s string) (string, error) {
	if strings.Contains(s, "*") {
		return "", fmt.Errorf(`is a wildcard, which is refused: list each origin exactly, such as https://app.example.edu`)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "":
		return "", fmt.Errorf("is not an origin: write scheme://host[:port], such as https://app.example.edu")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("is not an origin: its scheme must be http or https")
	case u.User != nil || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("is not an origin: it must have no user, path, query or fragment (not even a trailing slash)")
	case u.Hostname() == "":
		return "", fmt.Errorf("is not an origin: it has no host")
	}
	if strings.HasSuffix(u.Host, ":") {
		return "", fmt.Errorf("is not an origin: it has an empty port")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n <= 0 || n > 65535 {
			return "", fmt.Errorf("is not an origin: port %q is not a port number", p)
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host), nil
}
