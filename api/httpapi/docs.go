package httpapi

import (
	"bytes"
	"context"
	"strings"

	contract "github.com/pairup/pairup"
	"github.com/pairup/pairup/api/oapigen"
)

// DocsScript is where the page at /api/docs loads Redoc's standalone bundle from: the same
// origin, outside /api, because the web client's build puts the bundle there (see
// frontend/vite.config.ts), so that whoever serves the SPA (this server from PAIRUP_WEB_DIR, or
// a proxy in front of it) serves the renderer too.
const DocsScript = "/docs/redoc.standalone.js"

// DocsContentSecurityPolicy is the reference page's own policy. Scripts still come only from
// this origin; Redoc renders with styled-components, which injects <style> elements
// ('unsafe-inline' for styles only), and runs its search index in a worker made from a blob.
const DocsContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

// docsPage has no inline script: Redoc's bundle finds the <redoc> element and renders the spec
// its spec-url names into it. The element's text shows when the bundle cannot load.
var docsPage = strings.TrimSpace(`
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pair-Up API reference</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body { margin: 0 }</style>
</head>
<body>
<redoc spec-url="/api/openapi.yaml" hide-hostname="true" path-in-middle-panel="true">
<p>Loading the API reference&hellip; It is rendered by a script that comes with the built web
client (<code>make build-web</code>). The contract itself is
<a href="/api/openapi.yaml">/api/openapi.yaml</a>.</p>
</redoc>
<script src="`+DocsScript+`"></script>
</body>
</html>
`) + "\n"

// GetOpenAPIDocument implements GET /api/openapi.yaml: the contract, byte for byte.
func (s *Server) GetOpenAPIDocument(context.Context, oapigen.GetOpenAPIDocumentRequestObject) (oapigen.GetOpenAPIDocumentResponseObject, error) {
	return oapigen.GetOpenAPIDocument200ApplicationyamlResponse{
		Body: bytes.NewReader(contract.OpenAPI), ContentLength: int64(len(contract.OpenAPI)),
	}, nil
}

// GetAPIReference implements GET /api/docs: the page that renders the contract.
func (s *Server) GetAPIReference(context.Context, oapigen.GetAPIReferenceRequestObject) (oapigen.GetAPIReferenceResponseObject, error) {
	csp := DocsContentSecurityPolicy
	return oapigen.GetAPIReference200TexthtmlResponse{
		Body: strings.NewReader(docsPage), ContentLength: int64(len(docsPage)),
		Headers: oapigen.GetAPIReference200ResponseHeaders{ContentSecurityPolicy: &csp},
	}, nil
}
