// Package apitest is an HTTP client for tests that checks every response against openapi.yaml
// (kin-openapi's openapi3filter), so the spec cannot drift from the server. Client is the tests'
// own request helper; Transport does the same checks under any *http.Client, such as the
// generated one in api/oapiclient.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/pairup/pairup/api/oapigen"
)

var registerOnce sync.Once

// Client talks to one server and validates what it answers.
type Client struct {
	Base   string // e.g. http://127.0.0.1:41234
	router routers.Router
	http   *http.Client
	t      testing.TB
}

// New returns a client for the server at base.
func New(t testing.TB, base string) *Client {
	t.Helper()
	registerOnce.Do(func() {
		openapi3filter.RegisterBodyDecoder("application/problem+json", openapi3filter.JSONBodyDecoder)
		// The reference page (GET /api/docs) is HTML, checked as the string its schema says.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		// Rosters, exports and calendars are text whose schema is a string; the tests parse them.
		openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder)
		if openapi3filter.RegisteredBodyDecoder("text/csv") == nil {
			openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.PlainBodyDecoder)
		}
	})
	spec, err := oapigen.GetSpec()
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	spec.Servers = openapi3.Servers{{URL: base + "/api"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatalf("build spec router: %v", err)
	}
	return &Client{Base: base, router: router, http: &http.Client{}, t: t}
}

// HTTPClient returns an *http.Client whose every response is checked against the spec (see
// Transport), for clients that take one, such as api/oapiclient's WithHTTPClient.
func (c *Client) HTTPClient() *http.Client {
	return &http.Client{Transport: c.Transport(http.DefaultTransport)}
}

// Transport wraps next so that every response is checked against the spec as Do checks it.
// A response that does not match fails the test and is returned as an error, so the caller
// cannot go on with it; the response body stays readable.
func (c *Client) Transport(next http.RoundTripper) http.RoundTripper {
	return &Transport{client: c, next: next}
}

// Transport is an http.RoundTripper that validates every response against openapi.yaml.
type Transport struct {
	client *Client
	next   http.RoundTripper
}

// RoundTrip sends req through the wrapped transport and validates the answer.
func (tr *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		// A RoundTripper must not change the caller's request: send a copy with the bytes read.
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	}
	resp, err := tr.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", req.Method, req.URL.Path, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := tr.client.check(req, reqBody, &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}); err != nil {
		// Errorf, not Fatalf: RoundTrip may run on a goroutine other than the test's.
		tr.client.t.Errorf("%v", err)
		return nil, err
	}
	return resp, nil
}

// Auth is how a request authenticates.
type Auth interface{ apply(*http.Request) }

// Bearer authenticates with a token.
type Bearer string

func (b Bearer) apply(r *http.Request) { r.Header.Set("Authorization", "Bearer "+string(b)) }

// Basic authenticates with a student number and PIN.
type Basic struct{ User, Password string }

func (b Basic) apply(r *http.Request) { r.SetBasicAuth(b.User, b.Password) }

// Response is a fully read response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d response %q: %v", r.Status, r.Body, err)
	}
}

// Problem is a decoded problem+json body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Problem decodes a problem+json body, failing the test when it is not one.
func (r *Response) Problem(t testing.TB) Problem {
	t.Helper()
	p, err := r.problem()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (r *Response) problem() (Problem, error) {
	var p Problem
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		return p, fmt.Errorf("status %d: Content-Type %q, want application/problem+json; body %s", r.Status, ct, r.Body)
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		return p, fmt.Errorf("decode %d problem %q: %w", r.Status, r.Body, err)
	}
	if p.Status != r.Status || p.Title == "" || p.Type == "" {
		return p, fmt.Errorf("problem body %s does not match status %d", r.Body, r.Status)
	}
	return p, nil
}

// Fields lists the fields a problem names.
func (p Problem) Fields() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// Do sends a request. body may be nil, a string or []byte (sent as is), or anything else
// (sent as JSON). The response is validated against the spec when the route is in it.
func (c *Client) Do(t testing.TB, method, path string, auth Auth, body any) *Response {
	t.Helper()
	return c.DoType(t, method, path, auth, "application/json", body)
}

// DoType is Do with a request body of another media type, such as text/csv (body then is a
// string or []byte sent as it is).
func (c *Client) DoType(t testing.TB, method, path string, auth Auth, contentType string, body any) *Response {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatalf("encode body: %v", err)
		}
	}
	req, err := http.NewRequest(method, c.Base+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != nil {
		auth.apply(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, path, err)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: got}
	if err := c.check(req, raw, r); err != nil {
		t.Fatal(err)
	}
	return r
}

// check validates the response against the spec. Routes the spec does not have (unknown paths,
// unsupported methods) must still answer with a problem.
func (c *Client) check(req *http.Request, reqBody []byte, r *Response) error {
	// Every path also answers with a trailing slash; the spec lists it once.
	u := *req.URL
	if len(u.Path) > 1 {
		u.Path = strings.TrimSuffix(u.Path, "/")
	}
	probe, _ := http.NewRequest(req.Method, u.String(), bytes.NewReader(reqBody))
	probe.Header = req.Header.Clone()
	route, params, err := c.router.FindRoute(probe)
	if err != nil {
		if r.Status < 400 {
			return fmt.Errorf("%s %s answered %d but is not in the spec", req.Method, req.URL.Path, r.Status)
		}
		_, err := r.problem()
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    probe,
			PathParams: params,
			Route:      route,
			Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: r.Status,
		Header: r.Header,
		Body:   io.NopCloser(bytes.NewReader(r.Body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s: response %d does not match openapi.yaml: %w\nbody: %s", req.Method, req.URL.Path, r.Status, err, r.Body)
	}
	if r.Status >= 400 {
		_, err := r.problem()
		return err
	}
	return nil
}
