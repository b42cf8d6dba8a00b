# Pair-Up. `make run` serves the demo, `make test` runs every check; both set themselves up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
NPM ?= npm
BIN := bin/pairup
WEB := frontend
# Find or start a Postgres (DATABASE_URL, then 127.0.0.1:5432, then a private one under .data/).
DB = $$(scripts/devdb.sh)
# npm ci runs again only when the lockfile changes.
WEB_DEPS := $(WEB)/node_modules/.package-lock.json

.PHONY: build build-web run test vet lint lint-go lint-web lint-api gotest web-check web-unit e2e size postman generate \
	check-generated bench stop-db clean

build:
	$(GO) build -o $(BIN) ./cmd/pairup

$(WEB_DEPS): $(WEB)/package-lock.json
	cd $(WEB) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(NPM) ci --no-audit --no-fund
	@touch $@

build-web: $(WEB_DEPS)
	cd $(WEB) && $(NPM) run build

# The demo lives in a database of its own, pairup, unless DATABASE_URL names one.
run: build build-web
	@url=$(DB); \
	if [ -z "$${DATABASE_URL:-}" ]; then url=$$(DATABASE_URL="$$url" $(GO) run ./tools/pgdb ensure pairup); fi; \
	DATABASE_URL="$$url" ./$(BIN) demo; \
	echo; echo "Pair-Up: open http://localhost:$${PAIRUP_PORT:-8080}/ in a browser (API under /api, e.g. /api/health)"; echo; \
	DATABASE_URL="$$url" PAIRUP_WEB_DIR=$(WEB)/dist PAIRUP_ADDR="$${PAIRUP_ADDR:-:$${PAIRUP_PORT:-8080}}" exec ./$(BIN) serve

# Everything CI runs.
test: vet lint lint-api check-generated gotest fuzz web-check e2e size postman

vet:
	$(GO) vet ./...

# Static analysis: staticcheck (pinned as a tool in go.mod) for Go; ESLint (eslint-plugin-vue,
# typescript-eslint) and Prettier for the SPA.
lint: lint-go lint-web

lint-go:
	$(GO) tool staticcheck ./...

lint-web: $(WEB_DEPS)
	cd $(WEB) && $(NPM) run --silent lint

# openapi.yaml against Redocly CLI's recommended rules, warnings included (redocly.yaml; the few
# waived findings, each with its reason, are in .redocly.lint-ignore.yaml).
lint-api: $(WEB_DEPS)
	cd $(WEB) && $(NPM) run --silent lint:api

gotest:
	@url=$(DB); DATABASE_URL="$$url" $(GO) test -race -count=1 ./...

# Native Go fuzzing, FUZZTIME for each target (Go fuzzes one target per run). A failing input is
# written to the package's testdata/fuzz/<target>/ and fails the run; plain `go test` replays
# those corpora as tests. Go 1.26's fuzzer can end a clean run with a bare "context deadline
# exceeded" (Go issue 75804): without a failing input written, that counts as a pass.
FUZZTIME ?= 4s
FUZZ_TARGETS := api/importer:FuzzRoster api/importer:FuzzSlots api/pairup:FuzzLabID \
	api/httpapi:FuzzProjectBody api/httpapi:FuzzUnitPatch api/httpapi:FuzzAuthorization \
	api/realtime:FuzzClientFrame

.PHONY: fuzz
fuzz:
	@url=$(DB); for t in $(FUZZ_TARGETS); do \
		pkg=./$${t%%:*}; name=$${t##*:}; echo "fuzz $$name in $$pkg for $(FUZZTIME)"; \
		if ! out=$$(DATABASE_URL="$$url" $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg 2>&1); then \
			if grep -qx '    context deadline exceeded' <<<"$$out" && ! grep -q 'Failing input written' <<<"$$out"; then \
				echo "  ended by the fuzzer's own deadline race, no failing input: a pass"; \
			else \
				grep -v 'testdbconf:' <<<"$$out"; exit 1; \
			fi; \
		fi; \
	done

# The SPA's static checks and component tests.
web-check: web-unit
	cd $(WEB) && $(NPM) run type-check

web-unit: $(WEB_DEPS)
	cd $(WEB) && $(NPM) run test:unit

# End-to-end in Debian's Chromium (installed by the script when missing) against the real
# server and Postgres.
e2e: $(WEB_DEPS)
	@url=$(DB); cd $(WEB) && DATABASE_URL="$$url" $(NPM) run test:e2e

# First-load JS + CSS, gzip; fails over the 60 KB budget (needs a build: e2e makes one).
size: $(WEB_DEPS)
	@test -f $(WEB)/dist/index.html || (cd $(WEB) && $(NPM) run build)
	cd $(WEB) && $(NPM) run --silent size

# The Postman collection through newman (pinned in postman/package-lock.json): a throwaway
# database and server, the collection run twice on fresh data each time.
postman: build
	@url=$(DB); DATABASE_URL="$$url" postman/run.sh --no-build

# Regenerate everything derived from openapi.yaml and the SQL.
generate: $(WEB_DEPS)
	$(GO) tool sqlc generate
	$(GO) generate ./api/oapigen ./api/oapiclient
	cd $(WEB) && $(NPM) run --silent gen:api

GENERATED := db/dbgen api/oapigen api/oapiclient $(WEB)/src/api/schema.d.ts

# Fails when a generated file is stale: regenerate, then look for any change.
check-generated: generate
	@if [ -n "$$(git status --porcelain -- $(GENERATED))" ]; then \
		git status --porcelain -- $(GENERATED); \
		echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1; \
	fi

bench: build
	@url=$(DB); DATABASE_URL="$$url" $(GO) run ./tools/bench -bin $(BIN)

stop-db:
	scripts/devdb.sh stop

clean:
	rm -rf bin $(WEB)/dist
