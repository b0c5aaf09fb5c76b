# The Alchemiser kit. `make run` and `make test` are all a fresh clone needs.
GO        ?= go
FUNCTIONS := scheduler strategy portfolio execution notifications
BIN       := bin
PKGS      := ./...

TOOLS_BIN           := .tools/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK         := $(TOOLS_BIN)/staticcheck
# Lint also sees the files of the tests that need external tools.
LINT_TAGS           := external

.PHONY: run test tools lint build bench fuzz generate loadtest deploy clean help

help: ## list targets
	@grep -E '^[a-zA-Z_%-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n", $$1, $$2}'

run: ## run one trading workflow on the embedded local stack
	$(GO) run ./cmd/alchemiser run

# The packages with tests that need external tools (dynalite, Chromium,
# built bootstraps): their files carry the build tag external.
EXTERNAL_PKGS = $(sort $(patsubst %/,./%,$(dir $(shell grep -l '^//go:build external' \
  $$(git ls-files '*_test.go' 2>/dev/null || find . -name '*_test.go' -not -path './.tools/*' | sed 's|^\./||')))))

test: lint tools ## lint; the fast suite; the external-tool tests (under -race: they start the Runtime API server, dynalite and Chromium); the fast suite under -race; every fuzz target briefly (CI_FUZZTIME, default 1000x: a count, not a time, so a slow machine cannot make it flaky)
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -race -tags external $(EXTERNAL_PKGS)
	$(GO) test -count=1 -race $(PKGS)
	./scripts/fuzz.sh $(or $(CI_FUZZTIME),1000x)

tools: $(STATICCHECK) ## install what lint and tests need (staticcheck, dynalite from npm, chromium and the AWS CLI v2 from Debian), once
	@./scripts/dynalite.sh install
	@./scripts/chromium.sh install
	@./scripts/awscli.sh install

# staticcheck is pinned (2026.2.2 is the release that knows Go 1.26) and
# installed into .tools/bin, not the user's GOBIN. The stamp carries the
# version, so changing STATICCHECK_VERSION reinstalls; otherwise nothing runs.
$(STATICCHECK): $(TOOLS_BIN)/.staticcheck-$(STATICCHECK_VERSION)
	@echo "tools: installing staticcheck $(STATICCHECK_VERSION) into $(TOOLS_BIN)"
	@out="$$(GOBIN='$(CURDIR)/$(TOOLS_BIN)' $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) 2>&1)" || \
	  { echo "$$out" >&2; exit 1; }
	@touch $@

$(TOOLS_BIN)/.staticcheck-$(STATICCHECK_VERSION):
	@mkdir -p $(TOOLS_BIN) && rm -f $(TOOLS_BIN)/.staticcheck-* && touch $@

lint: $(STATICCHECK) ## gofmt, go vet and staticcheck: any finding fails
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(LINT_TAGS) $(PKGS)
	$(STATICCHECK) -tags $(LINT_TAGS) $(PKGS)

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

# `make deploy STAGE=dev|prod [STACK=name] [RUNBOOK_BASE_URL=url] [ALERT_EMAIL=addr]
# [PAGE_EMAIL=addr] [PAGE_SMS=+1...] [PAGE_HTTPS_ENDPOINT=url] [TICKET_EMAIL=addr]`:
# samconfig.toml holds each stage's stack, S3 and capabilities settings and
# parameters; scripts/deploy.sh checks the stack name and the tools before
# SAM runs, and adds the runbook URL and alert address to the parameters
# (SAM replaces, not merges, samconfig's parameter_overrides when they are
# given on the command line). README: "Deploy to your account".
STAGE ?= dev
DEPLOY_ENV = RUNBOOK_BASE_URL='$(RUNBOOK_BASE_URL)' ALERT_EMAIL='$(ALERT_EMAIL)' PAGE_EMAIL='$(PAGE_EMAIL)' \
	PAGE_SMS='$(PAGE_SMS)' PAGE_HTTPS_ENDPOINT='$(PAGE_HTTPS_ENDPOINT)' TICKET_EMAIL='$(TICKET_EMAIL)'

deploy: ## build and deploy STAGE's stack (dev or prod) with the SAM CLI; see README "Deploy to your account"
	@$(DEPLOY_ENV) ./scripts/deploy.sh check '$(STAGE)' '$(STACK)'
	sam build --config-env '$(STAGE)'
	sam deploy --config-env '$(STAGE)'$(if $(STACK), --stack-name '$(STACK)' --s3-prefix '$(STACK)') \
	  --parameter-overrides "$$($(DEPLOY_ENV) ./scripts/deploy.sh overrides '$(STAGE)')"

loadtest: ## drive the local stack with one account's trading day at 2x (loadtest/profiles/daily.yaml) and check the SLOs
	$(GO) run ./cmd/alchemiser loadtest

bench: ## benchmarks, side by side with their baselines (see BENCHMARKS.md)
	./scripts/bench.sh

fuzz: ## run every fuzz target briefly (FUZZTIME, default 10s)
	./scripts/fuzz.sh $(or $(FUZZTIME),10s)

generate: ## regenerate generated files (market data set, ...)
	$(GO) generate ./...

clean: ## remove build output and local runs
	rm -rf $(BIN) runs .aws-sam
