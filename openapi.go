// Package pairup holds what belongs to the repository as a whole: the API contract,
// openapi.yaml, embedded byte for byte so the server can serve the exact file it was built from.
package pairup

import _ "embed"

// OpenAPI is openapi.yaml as written; GET /api/openapi.yaml serves it.
//
//go:embed openapi.yaml
var OpenAPI []byte
