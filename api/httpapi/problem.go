package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// retryAfterUnavailable is the Retry-After (seconds) of a 503: long enough for a restarting
// database, short enough that a client retrying by it barely notices a blip.
const retryAfterUnavailable = "2"

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	pairup.EINVALID:      http.StatusBadRequest,
	pairup.EUNAUTHORIZED: http.StatusUnauthorized,
	pairup.EFORBIDDEN:    http.StatusForbidden,
	pairup.ENOTFOUND:     http.StatusNotFound,
	pairup.ECONFLICT:     http.StatusConflict,
	pairup.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	pairup.ETHROTTLED:    http.StatusTooManyRequests,
	pairup.EUNAVAILABLE:  http.StatusServiceUnavailable,
	pairup.EINTERNAL:     http.StatusInternalServerError,
}

// problem is an RFC 9457 problem details body.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []fieldProblem `json:"errors,omitempty"`
}

type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// challengeError asks the client to authenticate with a scheme (WWW-Authenticate).
type challengeError struct {
	scheme string
	err    error
}

func (e *challengeError) Error() string { return e.err.Error() }
func (e *challengeError) Unwrap() error { return e.err }

func basicChallenge(err error) error {
	return &challengeError{scheme: `Basic realm="pairup", charset="UTF-8"`, err: err}
}
func bearerChallenge(err error) error {
	return &challengeError{scheme: `Bearer realm="pairup"`, err: err}
}

// errorHandler is the one place where errors become responses. Only internal errors are
// logged; clients never see their text. Errors of a database that does not answer (see
// store.IsUnavailable) are 503 with Retry-After, whichever route or middleware met them.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	// An outage fails every request at once: one warning a second tells of it well enough.
	warn := rate.NewLimiter(1, 1)
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p := problem{Type: "about:blank"}
		var (
			de  *pairup.Error
			he  *echo.HTTPError
			che *challengeError
		)
		switch {
		case store.IsUnavailable(err):
			// The database does not answer (the store marks its errors so, however they were
			// wrapped since): the client may retry; it is an outage, not a fault of ours to log.
			p.Status = http.StatusServiceUnavailable
			p.Detail = store.ErrUnavailable.Message
			if errors.As(err, &de) && de.Code == pairup.EUNAVAILABLE {
				p.Detail = de.Message // the health checks name what is down
			}
			c.Response().Header().Set("Retry-After", retryAfterUnavailable)
			if warn.Allow() {
				logger.WarnContext(c.Request().Context(), "database unavailable", "err", err,
					"method", c.Request().Method, "path", c.Request().URL.Path,
					"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			}
		case errors.As(err, &de):
			p.Status = statusOf[de.Code]
			p.Detail = de.Message
			for _, f := range de.Fields {
				p.Errors = append(p.Errors, fieldProblem(f))
			}
			if de.Code == pairup.ETHROTTLED {
				c.Response().Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(max(de.RetryAfter.Seconds(), 1)))))
			}
		case errors.As(err, &he):
			p.Status = he.Code
			p.Detail = echoDetail(he)
			if field, ok := badParameter(he); ok {
				msg := "has the wrong format"
				if m, _ := he.Message.(string); strings.Contains(m, "is required") {
					msg = "is required"
				}
				p.Detail = field + ": " + msg
				p.Errors = []fieldProblem{{Field: field, Message: msg}}
			}
		}
		if p.Status == 0 || p.Status >= 500 && p.Status != http.StatusServiceUnavailable {
			logger.ErrorContext(c.Request().Context(), "request failed",
				"err", err, "method", c.Request().Method, "path", c.Request().URL.Path,
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			p.Status = http.StatusInternalServerError
			p.Detail = "something went wrong on our side; it has been logged"
			p.Errors = nil
		}
		if errors.As(err, &che) && p.Status == http.StatusUnauthorized {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, che.scheme)
		}
		p.Title = http.StatusText(p.Status)
		body, mErr := json.Marshal(p)
		if mErr != nil {
			body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(p.Status)
		if c.Request().Method != http.MethodHead {
			_, _ = c.Response().Write(body)
		}
	}
}

// echoDetail describes the errors Echo itself raises (unknown route, wrong method, body limit).
func echoDetail(he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusNotFound:
		return "no such resource"
	case http.StatusMethodNotAllowed:
		return "the resource does not support this method"
	case http.StatusRequestEntityTooLarge:
		return "the request body is over 64 KiB"
	}
	if msg, ok := he.Message.(string); ok {
		return msg
	}
	return http.StatusText(he.Code)
}

// badParameter names the parameter of the generated wrapper's "Invalid format for parameter X"
// error, so a malformed query or path value is a 400 naming its field like any other.
func badParameter(he *echo.HTTPError) (string, bool) {
	msg, ok := he.Message.(string)
	if !ok || he.Code != http.StatusBadRequest {
		return "", false
	}
	rest, ok := strings.CutPrefix(msg, "Invalid format for parameter ")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, ":")
	return name, name != ""
}
