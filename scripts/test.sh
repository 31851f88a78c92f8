#!/usr/bin/env bash
# Runs the whole test suite: unit tests, store contract suites on every backend (embedded,
# Redis, Cassandra), and end-to-end tests against real servers on loopback, first on the
# embedded store, then again on Cassandra + Redis.
#
# Starts what the tests need with the project's scripts (Redis from Debian's packages,
# Cassandra from Maven Central) unless they already run, and stops what it started.
# Usage: scripts/test.sh [extra maven args]
# Environment: SEALPOST_TEST_EMBEDDED_ONLY=1 skips Redis/Cassandra and their tests.
set -euo pipefail
cd "$(dirname "$0")/.."

started=()
cleanup() {
  for service in "${started[@]}"; do
    "scripts/${service}-stop.sh" || true
  done
}
trap cleanup EXIT

# The admin page and web client tests drive headless Debian chromium (skipped without one, except in
# CI: SEALPOST_CI=1, set by .ci/run, makes a missing browser fail the run).
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null; then
  echo "test: installing Debian's chromium for the admin page and web client tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
    || echo "test: chromium could not be installed; the browser tests will be skipped" >&2
fi
if [ "${SEALPOST_CI:-0}" = 1 ] && ! command -v chromium >/dev/null; then
  echo "test: chromium is missing and CI needs it for the browser tests" >&2
  exit 1
fi

if [[ "${SEALPOST_TEST_EMBEDDED_ONLY:-0}" == "1" ]]; then
  exec mvn -B verify "$@"
fi

redis_port="${SEALPOST_REDIS_PORT:-6380}"
cassandra_port="${SEALPOST_CASSANDRA_PORT:-9042}"
if ! (command -v redis-cli >/dev/null && redis-cli -p "$redis_port" ping >/dev/null 2>&1); then
  scripts/redis-start.sh "$redis_port"
  started+=(redis)
fi
if ! (exec 3<>"/dev/tcp/127.0.0.1/$cassandra_port") 2>/dev/null; then
  scripts/cassandra-start.sh
  started+=(cassandra)
fi
# coturn for the calls' TURN test (org.sealpost.calls.TurnIT); turn-start.sh leaves one running alone.
turn_port="${SEALPOST_TURN_PORT:-3479}"
if ! (command -v turnutils_stunclient >/dev/null \
    && timeout 2 turnutils_stunclient -p "$turn_port" 127.0.0.1 2>/dev/null | grep -q "reflexive addr"); then
  scripts/turn-start.sh "$turn_port"
  started+=(turn)
fi

export SEALPOST_TEST_REDIS="redis://127.0.0.1:$redis_port"
export SEALPOST_TEST_CASSANDRA="127.0.0.1:$cassandra_port"
export SEALPOST_TEST_TURN="127.0.0.1:$turn_port"
# Every test, with the store contract suites on all three backends.
mvn -B verify -Dsurefire.excludedGroups= "$@"
# The end-to-end suites once more, with servers on Cassandra + Redis (the gateway's fuzz,
# limit and TLS tests exercise the edge, not the stores, and run once above).
e2e='org.sealpost.routing.*Test,org.sealpost.accounts.*Test,org.sealpost.keys.*Test,org.sealpost.client.*Test'
e2e+=',org.sealpost.cli.*Test,org.sealpost.gateway.AuthenticationTest,org.sealpost.gateway.AuthorizationTest'
e2e+=',org.sealpost.gateway.BadInputTest,org.sealpost.groups.GroupsTest,org.sealpost.presence.*Test'
e2e+=',org.sealpost.media.MediaHttpTest,org.sealpost.push.PushTest,org.sealpost.ops.OperationsTest'
e2e+=',org.sealpost.lifecycle.*Test,org.sealpost.transparency.KeyLogCrashTest'
mvn -B test -Dsealpost.test.backend=cassandra -Dtest="$e2e" "$@"
