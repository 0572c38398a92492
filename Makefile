# ClawOps — make help lists the targets.
GO      ?= go
BIN     := bin/clawops
EXAMPLE := bin/clawops-example-agent
ADDR    ?= 127.0.0.1:3001
DB      ?= ./data/clawops.db
TAILWIND := npx --no-install tailwindcss -c tailwind.config.js -i static/css/input.css -o static/css/app.css --minify

.PHONY: help run dev build generate css node_modules test fuzz-short lint check-generated bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

build: ## build the clawops binary into bin/
	$(GO) build -o $(BIN) ./cmd/clawops
	$(GO) build -o $(EXAMPLE) ./examples/agents/clawops-example-agent

run: build ## start the server with demo data on http://127.0.0.1:3001
	./$(BIN) serve --demo --addr $(ADDR) --db $(DB)

dev: ## rebuild templates and CSS on change while the server runs
	$(GO) tool templ generate --watch --proxy="http://$(ADDR)" --cmd="$(GO) run ./cmd/clawops serve --demo --addr $(ADDR) --db $(DB)" & \
	npx --no-install tailwindcss -c tailwind.config.js -i static/css/input.css -o static/css/app.css --watch

generate: ## regenerate Go code from the templ files
	$(GO) tool templ generate

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

css: node_modules ## build static/css/app.css with Tailwind
	$(TAILWIND)

test: ## run every test, browser tests included, with the race detector, then the fuzz targets
	$(GO) test -race -count=1 ./...
	$(MAKE) fuzz-short

# FUZZ lists the fuzz targets as package:target:executions. Each runs for a number of
# executions rather than for a time: Go's fuzzing coordinator can report its own deadline as a
# failure when a time budget runs out mid-execution, while a count has no deadline to race.
# FUZZTIME, when set (say FUZZTIME=60s), replaces every count. Inputs that make a target fail
# are written to the package's testdata/fuzz and kept there, so that every later go test
# runs them again.
FUZZ := ./internal/campaign:FuzzSlugify:20000 ./internal/campaign:FuzzValidColor:50000 \
	./internal/campaign:FuzzValidIcon:50000 ./internal/schedule:FuzzCron:30000 \
	./internal/data:FuzzCSVImport:4000 ./internal/web:FuzzDecodeJSON:20000
FUZZTIME ?=

fuzz-short: ## run each fuzz target for its short budget of executions
	@set -e; for t in $(FUZZ); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; budget=$(or $(FUZZTIME),$${rest#*:}x); \
		echo "fuzz $$name ($$pkg) for $$budget"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $$budget "$$pkg"; \
	done

lint: ## go vet, gofmt and templ fmt checks
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$'))" || (gofmt -l . && exit 1)
	$(GO) tool templ fmt -fail views

check-generated: node_modules ## regenerate templ code and CSS and fail if they differ from the commit
	$(GO) tool templ generate
	$(TAILWIND)
	git diff --exit-code -- views static/css
	@test -z "$$(git status --porcelain -- views static/css)" || (git status --porcelain -- views static/css && exit 1)

# The event fan-out reports the memory of its process, so it runs in one of its own rather than
# after the benchmarks that fill a campaign with a million leads.
bench: ## Go benchmarks and the HTTP load run over loopback
	$(GO) test -run '^$$' -bench 'BenchmarkEventFanOut' -benchtime 3s ./internal/web
	$(GO) test -run '^$$' -bench . -skip 'BenchmarkEventFanOut' -benchtime 3s ./internal/...

clean: ## remove build output (keeps the database)
	rm -rf bin
