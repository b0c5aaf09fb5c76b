# The Alchemiser kit. `make run` and `make test` are all a fresh clone needs.
GO        ?= go
FUNCTIONS := scheduler strategy portfolio execution notifications
BIN       := bin
PKGS      := ./...

.PHONY: run test tools lint build bench fuzz generate loadtest clean help

help: ## list targets
	@grep -E '^[a-zA-Z_%-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n", $$1, $$2}'

run: ## run one trading workflow on the embedded local stack
	$(GO) run ./cmd/alchemiser run

test: lint tools ## run every test (after lint), then every fuzz target briefly (CI_FUZZTIME, default 1000x: a count, not a time, so a slow machine cannot make it flaky)
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -race ./app/local/... ./telemetry/... ./app/broker/... ./app/execution/...
	./scripts/fuzz.sh $(or $(CI_FUZZTIME),1000x)

tools: ## install what tests need (dynalite from npm, chromium from Debian), once
	./scripts/dynalite.sh install
	./scripts/chromium.sh install

lint: ## gofmt and go vet
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

build: ## one Lambda bootstrap per function, linux/arm64 for provided.al2023
	@for f in $(FUNCTIONS); do \
	  echo "build $(BIN)/$$f/bootstrap"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath \
	    -ldflags='-s -w' -o $(BIN)/$$f/bootstrap ./app/functions/$$f || exit 1; \
	done

# `sam build` runs `make build-<LogicalId>` for each function of template.yaml
# (Metadata BuildMethod: makefile) with ARTIFACTS_DIR set.
build-%Function:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath \
	  -ldflags='-s -w' -o $(ARTIFACTS_DIR)/bootstrap ./app/functions/$(shell echo $* | tr A-Z a-z)

loadtest: ## drive the local stack at 2x its expected peak (loadtest/profiles/peak.yaml) and check the SLOs
	$(GO) run ./cmd/alchemiser loadtest

bench: ## benchmarks, side by side with their baselines (see BENCHMARKS.md)
	./scripts/bench.sh

fuzz: ## run every fuzz target briefly (FUZZTIME, default 10s)
	./scripts/fuzz.sh $(or $(FUZZTIME),10s)

generate: ## regenerate generated files (market data set, ...)
	$(GO) generate ./...

clean: ## remove build output and local runs
	rm -rf $(BIN) runs .aws-sam
