package pairup_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	contract "github.com/pairup/pairup"
)

// Every operation of the contract is documented the way the reference page shows it: an
// operationId, a summary, a request example (a code sample, and an example of any body), an
// example of every response body, and the errors it answers with. Redocly's lint (make test)
// checks the rest of the document.
func TestEveryOperationIsDocumented(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(contract.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid: %v", err)
	}
	// Public and static (the document, its reference page) or answered by the process itself
	// whatever its dependencies do (liveness): 200, or no answer at all.
	noErrors := map[string]bool{"getOpenAPIDocument": true, "getAPIReference": true, "getHealthLive": true}
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			name := method + " " + path
			if op.OperationID == "" || op.Summary == "" {
				t.Errorf("%s: needs an operationId and a summary", name)
			}
			samples, _ := op.Extensions["x-codeSamples"].([]any)
			if len(samples) == 0 {
				t.Errorf("%s: needs a request example in x-codeSamples", name)
			}
			if op.RequestBody != nil {
				for ct, media := range op.RequestBody.Value.Content {
					if media.Example == nil && len(media.Examples) == 0 {
						t.Errorf("%s: the %s request body needs an example", name, ct)
					}
				}
			}
			errorsListed := false
			for status, resp := range op.Responses.Map() {
				if code, err := strconv.Atoi(status); err == nil && code >= 400 {
					errorsListed = true
				}
				for ct, media := range resp.Value.Content {
					if media.Example == nil && len(media.Examples) == 0 {
						t.Errorf("%s: the %s %s response needs an example", name, status, ct)
					}
				}
			}
			if !errorsListed && !noErrors[op.OperationID] {
				t.Errorf("%s: lists no error response", name)
			}
		}
	}
	if ops < 13 {
		t.Fatalf("found %d operations; openapi.yaml has at least 13", ops)
	}
}
