package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/reqlog"
)

// NewHandler returns the whole HTTP API: every route of openapi.yaml under /api, with the
// authentication each operation's security requirement asks for.
func NewHandler(deps Deps) (*echo.Echo, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Binder = newJSONBinder()
	e.HTTPErrorHandler = errorHandler(deps.Logger)
	e.IPExtractor = clientIPExtractor(deps.TrustedProxies)

	e.Pre(middleware.RemoveTrailingSlash())
	e.Pre(headAsGet)
	e.Use(restoreHead)
	e.Use(middleware.RequestIDWithConfig(reqlog.RequestIDConfig())) // and in the context, for every log line
	e.Use(bodyDeadline)
	e.Use(requestLogger(deps.Logger))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		// Log through slog; the client gets the usual problem+json 500 from errorHandler.
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			deps.Logger.ErrorContext(c.Request().Context(), "panic", "err", err, "stack", string(stack),
				"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
			return err
		},
	}))

	security, paths, err := operationSecurity()
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: deps}
	opMiddleware := map[string][]echo.MiddlewareFunc{}
	for op, schemes := range security {
		switch {
		case schemes["bearerAuth"]:
			opMiddleware[op] = []echo.MiddlewareFunc{s.requireBearer}
		case schemes["basicAuth"]:
			opMiddleware[op] = []echo.MiddlewareFunc{basicCredentials}
		}
		if act, ok := unitActions[op]; ok {
			// TagUnit first: every log line of the request, a 401's included, names the unit.
			opMiddleware[op] = append([]echo.MiddlewareFunc{reqlog.TagUnit}, append(opMiddleware[op], s.authorizeUnit(act))...)
		} else if schemes["bearerAuth"] && !unitless[op] || strings.Contains(paths[op], "{") {
			return nil, fmt.Errorf("operation %s needs a token but has no authorization rule", op)
		}
	}
	api := e.Group("/api")
	oapigen.RegisterHandlersWithOptions(api, oapigen.NewStrictHandler(s, nil), oapigen.RegisterHandlersOptions{
		OperationMiddlewares: opMiddleware,
	})
	if deps.Realtime != nil {
		api.GET("/ws", s.openRealtime)
	}
	// Unknown /api routes get a problem+json 404 rather than anything else that may be served.
	// Echo prefers this wildcard to its own 405, so a known path asked with another method is
	// told apart here.
	api.Any("/*", func(c echo.Context) error {
		if allow := allowedMethods(e, c.Request()); len(allow) > 0 {
			c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
			return echo.ErrMethodNotAllowed
		}
		return echo.ErrNotFound
	})
	return e, nil
}

// allowedMethods lists the methods that have a route of their own (not the /api/* catch-all)
// for the request's path.
func allowedMethods(e *echo.Echo, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		c := e.NewContext(r, nil)
		e.Router().Find(m, echo.GetPath(r), c)
		if c.Path() != "/api/*" {
			allow = append(allow, m)
		}
	}
	return allow
}

// operationSecurity reads each operation's security schemes from the embedded spec, so the
// contract alone decides which routes need a token.
func operationSecurity() (schemesByOp map[string]map[string]bool, pathByOp map[string]string, err error) {
	spec, err := oapigen.GetSpec()
	if err != nil {
		return nil, nil, err
	}
	schemesByOp, pathByOp = map[string]map[string]bool{}, map[string]string{}
	for path, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			reqs := spec.Security
			if op.Security != nil {
				reqs = *op.Security
			}
			schemes := map[string]bool{}
			for _, req := range reqs {
				for name := range req {
					schemes[name] = true
				}
			}
			// The embedded spec holds operation ids normalized to Go names (CreateToken);
			// registration is keyed by the spec's own lowerCamel ids (createToken).
			id := []rune(op.OperationID)
			id[0] = unicode.ToLower(id[0])
			schemesByOp[string(id)] = schemes
			pathByOp[string(id)] = path
		}
	}
	return schemesByOp, pathByOp, nil
}

// requireBearer authenticates the bearer token and puts the caller in the request context.
func (s *Server) requireBearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(c.Request().Header.Values(echo.HeaderAuthorization)) > 1 {
			return bearerChallenge(pairup.Errorf(pairup.EUNAUTHORIZED, "send exactly one Authorization header"))
		}
		scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return bearerChallenge(pairup.Errorf(pairup.EUNAUTHORIZED, "a bearer token is required; get one from POST /api/tokens"))
		}
		caller, err := s.authenticate(c.Request().Context(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		c.SetRequest(c.Request().WithContext(auth.WithCaller(c.Request().Context(), caller)))
		return next(c)
	}
}

// authenticate verifies a bearer token and finds its person.
func (s *Server) authenticate(ctx context.Context, token string) (auth.Caller, error) {
	claims, err := s.Tokens.Verify(ctx, token)
	if err != nil {
		return auth.Caller{}, bearerChallenge(err)
	}
	person, err := s.Service.Person(ctx, claims.Subject)
	if pairup.ErrorCode(err) == pairup.ENOTFOUND {
		return auth.Caller{}, bearerChallenge(pairup.Errorf(pairup.EUNAUTHORIZED, "the token's student is no longer on the roster"))
	} else if err != nil {
		return auth.Caller{}, err
	}
	if person.TokensValidFrom != nil && claims.IssuedBefore(*person.TokensValidFrom) {
		return auth.Caller{}, bearerChallenge(pairup.Errorf(pairup.EUNAUTHORIZED, "your PIN was reset; sign in again"))
	}
	return auth.Caller{Person: person, Token: claims}, nil
}

// openRealtime authenticates a WebSocket handshake, whose token travels in the subprotocol
// list as "bearer.<token>" (browsers cannot set headers on a WebSocket), and hands the
// connection to the realtime layer.
func (s *Server) openRealtime(c echo.Context) error {
	var token string
	for _, h := range c.Request().Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			if t, ok := strings.CutPrefix(strings.TrimSpace(p), "bearer."); ok {
				token = t
			}
		}
	}
	if token == "" {
		return bearerChallenge(pairup.Errorf(pairup.EUNAUTHORIZED, "offer the subprotocols pairup.v1 and bearer.<token>"))
	}
	caller, err := s.authenticate(c.Request().Context(), token)
	if err != nil {
		return err
	}
	return s.Realtime.Serve(c.Response(), c.Request(), caller)
}

// basicCreds are the credentials and the client's address (c.RealIP()) they came from.
type basicCreds struct{ user, password, addr string }

type basicKey struct{}

// basicCredentials passes HTTP Basic credentials to the strict handler, which sees only a context.
func basicCredentials(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// Two Authorization headers would make the outcome depend on their order: none counts.
		if len(c.Request().Header.Values(echo.HeaderAuthorization)) > 1 {
			return next(c)
		}
		if user, password, ok := c.Request().BasicAuth(); ok {
			ctx := context.WithValue(c.Request().Context(), basicKey{}, basicCreds{user, password, c.RealIP()})
			c.SetRequest(c.Request().WithContext(ctx))
		}
		return next(c)
	}
}

func basicCredentialsFrom(ctx context.Context) (basicCreds, bool) {
	c, ok := ctx.Value(basicKey{}).(basicCreds)
	return c, ok
}

func requestLogger(logger *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogStatus: true, LogLatency: true, LogRequestID: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status == http.StatusServiceUnavailable {
				level = slog.LevelWarn // a database outage (problem.go), not a fault of ours
			} else if v.Status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			logger.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("request_id", v.RequestID))
			return nil
		},
	})
}

// headAsGet routes HEAD on the API as GET, and restoreHead puts the method back once the route
// is found: net/http then drops the body of the answer, as HEAD requires.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method == http.MethodHead && strings.HasPrefix(r.URL.Path, "/api/") {
			r.Method = http.MethodGet // Echo routes on the request it was handed, so in place
			c.Set(headKey, true)
		}
		return next(c)
	}
}

const headKey = "pairup.head"

func restoreHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(headKey) == true {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// bodyDeadline gives a request 30 seconds to send its body, so a client trickling bytes cannot
// hold a connection forever. The server sets no ReadTimeout because WebSockets outlive their
// request; the upgrade clears this deadline again.
func bodyDeadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Header.Get("Upgrade") == "" {
			rc := http.NewResponseController(c.Response().Writer)
			if err := rc.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil && !errors.Is(err, http.ErrNotSupported) {
				return fmt.Errorf("set body deadline: %w", err)
			}
		}
		return next(c)
	}
}
