// Package oapigen is generated from openapi.yaml by oapi-codegen: the strict server interface
// that api/httpapi implements, the request and response models, and the embedded spec.
// Never edit it by hand; change openapi.yaml and run `make generate`.
package oapigen

//go:generate go tool oapi-codegen -config cfg.yaml ../../openapi.yaml
