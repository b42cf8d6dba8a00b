// Package oapiclient is a Go client for the Pair-Up API, generated from openapi.yaml by
// oapi-codegen (oapiclient.gen.go; never edit it by hand: change openapi.yaml and run
// `make generate`). auth.go adds the request editors that authenticate a call.
//
//	c, err := oapiclient.NewClientWithResponses("http://localhost:8080/api")
//	tok, err := c.CreateTokenWithResponse(ctx, oapiclient.BasicAuth("21234567", "1234"))
//	labs, err := c.ListAvailableLabsWithResponse(ctx, oapiclient.BearerAuth(tok.JSON200.Token))
package oapiclient

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi.yaml
