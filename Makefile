# Run "make help" for the targets.

GO ?= go
BIN := bin/scimd
# Extra flags for go test, e.g. TESTFLAGS=-v or TESTFLAGS='-run TestSQLite'.
TESTFLAGS ?=
# Extra flags for "make run", e.g. ARGS='--log-format json', or for
# "make bench", e.g. ARGS=--full.
ARGS ?=
# The engines "make bench" runs: both (MySQL if it answers, then SQLite),
# mysql or sqlite.
ENGINE ?= both
# The MySQL server "make test" uses when SCIMD_TEST_MYSQL_DSN is not set and
# root with an empty password answers there. The tests create databases of
# their own on it. For any other server, set SCIMD_TEST_MYSQL_DSN instead.
TEST_MYSQL_DSN := mysql://root@127.0.0.1:3306/
# How long "make reliability" fuzzes each target.
FUZZTIME ?= 60s
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT ?= $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

.DEFAULT_GOAL := help

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} \
		/^[a-zA-Z0-9_-]+:.*?##/ { printf "  %-8s %s\n", $$1, $$2 } \
		/^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: build
build: ## Build bin/scimd.
	$(GO) build -o $(BIN) ./cmd/scimd

.PHONY: run
run: build ## Build and serve on 127.0.0.1:8080 with SQLite in ./data/scimd.db.
	./$(BIN) serve $(ARGS)

.PHONY: test
test: ## Vet, then run all tests with the race detector (MySQL too if it answers on 127.0.0.1:3306).
	$(GO) vet ./...
	@if [ -z "$${SCIMD_TEST_MYSQL_DSN:-}" ]; then \
		if { mariadb --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1' || \
		     mysql --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1'; } >/dev/null 2>&1; then \
			SCIMD_TEST_MYSQL_DSN='$(TEST_MYSQL_DSN)'; export SCIMD_TEST_MYSQL_DSN; \
			echo "MySQL answers on 127.0.0.1:3306: SCIMD_TEST_MYSQL_DSN=$$SCIMD_TEST_MYSQL_DSN"; \
		else \
			echo "No MySQL on 127.0.0.1:3306 and SCIMD_TEST_MYSQL_DSN unset: MySQL tests will be skipped"; \
		fi; \
	fi; \
	echo "$(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) ./..."; \
	$(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) ./...

# reliability fuzzes each target for FUZZTIME, one after another, on SQLite
# and (when it answers, as for "make test") MySQL, and prints one line per
# target with its executions. A failing input lands in the package's
# testdata/fuzz, which "go test" then replays.
.PHONY: reliability
reliability: ## Fuzz seven targets for FUZZTIME (default 60s) each (filters, PATCH, bodies, query parameters; SQLite and MySQL), then the 100k CSV export memory test.
	@if [ -z "$${SCIMD_TEST_MYSQL_DSN:-}" ] && { mariadb --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1' || \
	     mysql --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1'; } >/dev/null 2>&1; then \
		SCIMD_TEST_MYSQL_DSN='$(TEST_MYSQL_DSN)'; export SCIMD_TEST_MYSQL_DSN; \
	fi; \
	GO='$(GO)' FUZZTIME='$(FUZZTIME)' scripts/reliability.sh

.PHONY: conformance
conformance: build ## Run Okta's and Microsoft's SCIM test suites (newman) against bin/scimd, on SQLite and MySQL.
	@if [ -z "$${SCIMD_TEST_MYSQL_DSN:-}" ] && { mariadb --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1' || \
	     mysql --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1'; } >/dev/null 2>&1; then \
		SCIMD_TEST_MYSQL_DSN='$(TEST_MYSQL_DSN)'; export SCIMD_TEST_MYSQL_DSN; \
	fi; \
	SCIMD_BIN=$(BIN) scripts/suites.sh

# bench runs the quick mode on each engine of ENGINE in turn: MySQL (the
# server of "make test": SCIMD_TEST_MYSQL_DSN when set, as CI sets it, else
# root without a password on 127.0.0.1:3306 if it answers; with
# ENGINE=both and no MySQL, the MySQL run is skipped), then SQLite in a
# new file of a temporary directory, removed at the end. On MySQL the
# benchmark seeds a fresh database and drops it at the end. Each run prints
# its table and its targets ("Targets (quick mode, ENGINE, ...)"); the
# target exits non-zero when a run had errors or could not run, never
# because of speed. docs/performance.md has the full runs and the
# commands that reproduce them.
.PHONY: bench
bench: ## Benchmark scimd, quick mode, on MySQL (if it answers) then SQLite; ENGINE=mysql|sqlite for one, ARGS=--full for 1M users.
	@case '$(ENGINE)' in both|mysql|sqlite) ;; \
		*) echo "make bench: ENGINE=$(ENGINE): want both, mysql or sqlite" >&2; exit 2;; esac
	$(GO) build -o $(BIN) ./cmd/scimd
	$(GO) build -o bin/scimd-bench ./cmd/scimd-bench
	@status=0; \
	if [ '$(ENGINE)' != sqlite ]; then \
		dsn="$${SCIMD_TEST_MYSQL_DSN:-}"; \
		if [ -z "$$dsn" ] && { mariadb --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1' || \
		     mysql --no-defaults -uroot -h127.0.0.1 -P3306 --protocol=tcp -e 'select 1'; } >/dev/null 2>&1; then \
			dsn='$(TEST_MYSQL_DSN)'; \
		fi; \
		if [ -n "$$dsn" ]; then \
			echo "./bin/scimd-bench --quick --db $$dsn --scimd $(BIN) $(ARGS)"; \
			start=$$(date +%s); \
			./bin/scimd-bench --quick --db "$$dsn" --scimd $(BIN) $(ARGS) || status=$$?; \
			echo "make bench: mysql: exit status $$status, $$(( $$(date +%s) - start )) s"; \
		elif [ '$(ENGINE)' = mysql ]; then \
			echo "make bench: ENGINE=mysql, but SCIMD_TEST_MYSQL_DSN is unset and no MySQL answers on 127.0.0.1:3306" >&2; \
			exit 2; \
		else \
			echo "make bench: no MySQL (SCIMD_TEST_MYSQL_DSN unset, nothing on 127.0.0.1:3306): MySQL skipped"; \
		fi; \
	fi; \
	if [ '$(ENGINE)' != mysql ]; then \
		dir=$$(mktemp -d "$${TMPDIR:-/tmp}/scimd-bench-sqlite.XXXXXX"); \
		echo "./bin/scimd-bench --quick --db sqlite:$$dir/bench.db --scimd $(BIN) $(ARGS)"; \
		start=$$(date +%s); sqlite_status=0; \
		./bin/scimd-bench --quick --db "sqlite:$$dir/bench.db" --scimd $(BIN) $(ARGS) || sqlite_status=$$?; \
		rm -rf "$$dir"; \
		echo "make bench: sqlite: exit status $$sqlite_status, $$(( $$(date +%s) - start )) s"; \
		[ "$$sqlite_status" -eq 0 ] || status=$$sqlite_status; \
	fi; \
	exit $$status

.PHONY: lint
lint: ## Run golangci-lint (pinned; the first run downloads and builds it).
	$(GOLANGCI_LINT) run ./...

.PHONY: fmt
fmt: ## Format the code with gofmt and goimports.
	$(GOLANGCI_LINT) fmt ./...

##@ Maintenance

.PHONY: tidy
tidy: ## Tidy go.mod and go.sum.
	$(GO) mod tidy

.PHONY: verify
verify: ## Fail if go.mod or go.sum are not tidy.
	$(GO) mod tidy -diff

.PHONY: clean
clean: ## Remove bin/ (./data, the database of "make run", is kept).
	rm -rf bin/
