#!/usr/bin/env bash
# Runs the third-party SCIM suites (Okta's SPEC test, Microsoft's SCIM
# reference tests) with newman against the built scimd, on SQLite and, when
# SCIMD_TEST_MYSQL_DSN names a server (mysql://USER@HOST:PORT/), on MySQL.
# Each suite gets a fresh tenant made with "scimd tenant create --json".
# Exits non-zero when any assertion fails. "make conformance" runs it.
#
# The suites are not part of this repository: they are read from the folder
# ../shared/suites beside it (see its README.md), or from SCIMD_SUITES.
#
# Environment:
#   SCIMD_BIN             the scimd binary (default bin/scimd)
#   SCIMD_SUITES          the suites folder (default ../shared/suites)
#   SCIMD_NEWMAN_DIR      where newman is installed (default ~/.cache/scimd-newman)
#   SCIMD_TEST_MYSQL_DSN  a MySQL server for the MySQL run; unset skips it
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${SCIMD_BIN:-bin/scimd}
SUITES=${SCIMD_SUITES:-../shared/suites}
NEWMAN_DIR=${SCIMD_NEWMAN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/scimd-newman}
NEWMAN_VERSION=6.2.2
OUT=$(mktemp -d)
trap 'cleanup' EXIT

say() { printf 'suites: %s\n' "$*"; }
die() { printf 'suites: FAILED: %s\n' "$*" >&2; exit 1; }

[ -x "$BIN" ] || die "$BIN not found: run make build"
[ -d "$SUITES/okta" ] && [ -d "$SUITES/entra" ] || die "suites not found in $SUITES"
NEWMAN="$NEWMAN_DIR/node_modules/.bin/newman"
if ! "$NEWMAN" --version 2>/dev/null | grep -qx "$NEWMAN_VERSION"; then
	say "installing newman@$NEWMAN_VERSION into $NEWMAN_DIR"
	mkdir -p "$NEWMAN_DIR"
	npm install --silent --no-save --no-audit --no-fund --prefix "$NEWMAN_DIR" "newman@$NEWMAN_VERSION" >/dev/null
fi

server_pid=
mysql_db=
cleanup() {
	stop_server
	if [ -n "$mysql_db" ]; then
		mysql_admin -e "DROP DATABASE IF EXISTS \`$mysql_db\`" || true
	fi
	rm -rf "$OUT"
}
stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}

# mysql_admin runs the mariadb (or mysql) client against the server of
# SCIMD_TEST_MYSQL_DSN.
mysql_admin() {
	local rest=${SCIMD_TEST_MYSQL_DSN#mysql://} userinfo hostport user pass=
	userinfo=${rest%%@*}; hostport=${rest#*@}; hostport=${hostport%%/*}
	user=${userinfo%%:*}
	[ "$userinfo" != "$user" ] && pass=${userinfo#*:}
	local client=mariadb
	command -v mariadb >/dev/null || client=mysql
	MYSQL_PWD=$pass "$client" --no-defaults --protocol=tcp -h"${hostport%%:*}" -P"${hostport##*:}" -u"$user" "$@"
}

# start_server DB starts scimd on a free port and sets PORT.
start_server() {
	local log="$OUT/serve.log"
	"$BIN" serve --addr 127.0.0.1:0 --db "$1" --log-format text >"$OUT/serve.out" 2>"$log" &
	server_pid=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*msg=listening addr=127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
		[ -n "$PORT" ] && return 0
		kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "scimd did not start"; }
		sleep 0.1
	done
	die "scimd did not start listening"
}

# new_tenant DB NAME prints the token of a fresh tenant.
new_tenant() {
	"$BIN" tenant create "$2" --json --db "$1" | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p'
}

failed=0
run_suites() { # ENGINE DB
	local engine=$1 db=$2 token base
	start_server "$db"
	say "$engine: scimd on 127.0.0.1:$PORT"

	token=$(new_tenant "$db" "okta-$engine")
	base="http://127.0.0.1:$PORT/tenants/okta-$engine/scim/v2"
	if "$NEWMAN" run "$SUITES/okta/seed-one-user.postman_collection.json" \
		--env-var "SCIMBaseURL=$base" --env-var "auth=Bearer $token" >"$OUT/okta-seed-$engine.txt" 2>&1 &&
		"$NEWMAN" run "$SUITES/okta/spec-test.postman_collection.json" \
			--env-var "SCIMBaseURL=$base" --env-var "auth=Bearer $token" --timeout-request 10000 \
			--reporters cli,junit --reporter-junit-export "$OUT/okta-$engine.xml" >"$OUT/okta-$engine.txt" 2>&1; then
		say "$engine: Okta SPEC test: $(summary "$OUT/okta-$engine.txt")"
	else
		failed=1
		cat "$OUT/okta-seed-$engine.txt" "$OUT/okta-$engine.txt"
		say "$engine: Okta SPEC test FAILED: $(summary "$OUT/okta-$engine.txt")"
	fi

	token=$(new_tenant "$db" "entra-$engine")
	if "$NEWMAN" run "$SUITES/entra/scim-tests.postman_collection.json" -e "$SUITES/entra/local.postman_environment.json" \
		--env-var "Port=:$PORT" --env-var "Api=tenants/entra-$engine/scim/v2" --env-var "token=$token" \
		--timeout-request 10000 --reporters cli,junit --reporter-junit-export "$OUT/entra-$engine.xml" \
		>"$OUT/entra-$engine.txt" 2>&1; then
		say "$engine: Microsoft SCIM tests: $(summary "$OUT/entra-$engine.txt")"
	else
		failed=1
		cat "$OUT/entra-$engine.txt"
		say "$engine: Microsoft SCIM tests FAILED: $(summary "$OUT/entra-$engine.txt")"
	fi
	stop_server
}

# summary reads newman's table: "N assertions, M failed".
summary() {
	sed -n 's/.*│ *assertions *│ *\([0-9]*\) *│ *\([0-9]*\) *│.*/\1 assertions, \2 failed/p' "$1" | tail -n 1
}

run_suites sqlite "sqlite:$OUT/suites.db"

if [ -n "${SCIMD_TEST_MYSQL_DSN:-}" ]; then
	mysql_db="scimd_suites_$$_$RANDOM"
	mysql_admin -e "CREATE DATABASE \`$mysql_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	run_suites mysql "${SCIMD_TEST_MYSQL_DSN%/}/$mysql_db"
else
	say "SCIMD_TEST_MYSQL_DSN unset: the MySQL run is skipped"
fi

[ "$failed" = 0 ] || die "a suite failed"
say "all suites passed"
