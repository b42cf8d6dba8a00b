// Package web serves the built single-page application: its files from a directory, index.html
// for every other non-API path (client-side routes), long-lived caching for content-hashed
// assets, and a Content-Security-Policy that forbids inline script.
package web

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// ContentSecurityPolicy allows only the app's own scripts, styles and connections (including
// its WebSocket on the same origin).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// APIContentSecurityPolicy is the policy of everything under /api that sets none of its own
// (the reference page at /api/docs does): data, never a page that loads or runs anything, and
// never framed.
const APIContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every response carries, API responses, errors and
// WebSocket handshake refusals included. Install it with Echo's Pre, which runs for unknown
// routes too; a handler may replace the policy with its own.
func SecurityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		if p := c.Request().URL.Path; p == "/api" || strings.HasPrefix(p, "/api/") {
			h.Set("Content-Security-Policy", APIContentSecurityPolicy)
		} else {
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// No page of another origin opened from here (or opening this) shares a window with it.
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// Register serves the SPA built into dir on every GET or HEAD path outside /api. It returns
// false, serving nothing, when dir holds no index.html (the SPA has not been built).
func Register(e *echo.Echo, dir string) bool {
	index := filepath.Join(dir, "index.html")
	if _, err := os.Stat(index); err != nil {
		return false
	}
	serve := func(c echo.Context) error {
		p := path.Clean("/" + c.Param("*"))
		if p == "/api" || strings.HasPrefix(p, "/api/") {
			return echo.ErrNotFound
		}
		file := filepath.Join(dir, filepath.FromSlash(p))
		if fi, err := os.Stat(file); err == nil && !fi.IsDir() {
			if strings.HasPrefix(p, "/assets/") {
				// Vite puts a content hash in every asset's name: a changed file is a new URL.
				c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Response().Header().Set("Cache-Control", "no-cache")
			}
			return c.File(file)
		}
		if strings.HasPrefix(p, "/assets/") || path.Ext(p) != "" {
			return echo.ErrNotFound // a missing file, not a client-side route
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.File(index)
	}
	// Compressed here only: the API's small JSON answers gain little, and WebSockets must not
	// pass through a gzip writer.
	gzip := middleware.Gzip()
	e.GET("/*", serve, gzip)
	e.HEAD("/*", serve, gzip)
	return true
}
