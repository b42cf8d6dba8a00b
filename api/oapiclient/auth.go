package oapiclient

import (
	"context"
	"net/http"
)

// BasicAuth authenticates a call with HTTP Basic `student number : PIN`, which only
// CreateToken (POST /api/tokens) takes.
func BasicAuth(studentNumber, pin string) RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.SetBasicAuth(studentNumber, pin)
		return nil
	}
}

// BearerAuth authenticates a call with a token from CreateToken. Pass it to each call, or to
// every call of a client with WithRequestEditorFn.
func BearerAuth(token string) RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}
