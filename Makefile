# Pair-Up. `make run` serves the demo, `make test` runs every check; both set themselves up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin/pairup
# Find or start a Postgres (DATABASE_URL, then 127.0.0.1:5432, then a private one under .data/).
DB = $$(scripts/devdb.sh)

.PHONY: build run test vet gotest generate check-generated bench clean stop-db

build:
	$(GO) build -o $(BIN) ./cmd/pairup

run: build
	@url=$(DB); \
	DATABASE_URL="$$url" ./$(BIN) demo; \
	echo; echo "Pair-Up: open http://localhost:$${PAIRUP_PORT:-8080}/ in a browser (API under /api, e.g. /api/health)"; echo; \
	DATABASE_URL="$$url" PAIRUP_ADDR="$${PAIRUP_ADDR:-:$${PAIRUP_PORT:-8080}}" exec ./$(BIN) serve

test: vet check-generated gotest

vet:
	$(GO) vet ./...

gotest:
	@url=$(DB); DATABASE_URL="$$url" $(GO) test -race -count=1 ./...

# Regenerate everything derived from openapi.yaml and the SQL.
generate:
	$(GO) tool sqlc generate
	$(GO) generate ./api/oapigen

# Fails when a generated file is stale: regenerate, then look for any change.
check-generated: generate
	@if [ -n "$$(git status --porcelain -- db/dbgen api/oapigen)" ]; then \
		git status --porcelain -- db/dbgen api/oapigen; \
		echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1; \
	fi

bench: build
	@url=$(DB); DATABASE_URL="$$url" $(GO) run ./tools/bench -bin $(BIN)

stop-db:
	scripts/devdb.sh stop

clean:
	rm -rf bin
