package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// corsMaxAge is how long, in seconds, a browser may reuse a preflight's answer.
const corsMaxAge = 3600

// CORS lets pages of the given exact origins (scheme://host[:port], as browsers send Origin)
// call the API. With no origins it adds nothing: browsers then refuse every cross-origin call,
// preflights included. Install it with Echo's Pre, so that preflights of any path are answered
// before routing. Tokens travel as bearer headers, never cookies, so credentials mode is off.
func CORS(origins []string) echo.MiddlewareFunc {
	if len(origins) == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	// Echo's middleware compares each listed origin exactly (the configuration refuses the
	// wildcards it would expand), answers preflights itself with 204, and adds Vary: Origin to
	// every answer so that caches keep the allowed and the refused answers apart.
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: append([]string(nil), origins...),
		AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, "If-None-Match"},
		// What the web client reads from answers beyond the headers every page may read.
		ExposeHeaders: []string{"ETag", echo.HeaderLocation, echo.HeaderRetryAfter, echo.HeaderXRequestID},
		MaxAge:        corsMaxAge,
	})
}
