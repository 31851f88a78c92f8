#!/usr/bin/env bash
# Runs scripts/cluster-up.sh as README.md documents it and checks what it promises: three nodes
# up, each with its own ports (media included), a message sent through node-1 delivered through
# node-2, and a file uploaded through node-1's media listener downloaded through node-2's (the
# nodes share one media directory). Then scripts/cluster-down.sh. .ci/run runs it after the tests.
# Works in a temporary SEALPOST_VAR, keyspace sealpost_cluster_check and a Redis prefix of its own,
# so it leaves a running local cluster's state alone (but needs its ports free).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JAR="$ROOT/target/sealpost.jar"
[ -f "$JAR" ] || mvn -B -q package -DskipTests

export SEALPOST_VAR="$(mktemp -d "${TMPDIR:-/tmp}/sealpost-cluster-check.XXXXXX")"
export SEALPOST_STORE_CASSANDRA_KEYSPACE=sealpost_cluster_check
export SEALPOST_STORE_REDIS_KEY_PREFIX="cluster-check-$$:"
export SEALPOST_ACCOUNTS_TEST_NUMBERS='{"+1555888*": "424242"}'
work="$SEALPOST_VAR/clients"
mkdir -p "$work"
finish() {
  status=$?
  scripts/cluster-down.sh >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    for log in "$SEALPOST_VAR"/cluster/node-*/server.log; do
      echo "--- $log (last 20 lines)" >&2
      tail -n 20 "$log" >&2 || true
    done
  fi
  rm -rf "$SEALPOST_VAR"
  exit "$status"
}
trap finish EXIT
fail() { echo "cluster-check: $*" >&2; exit 1; }
cli() { java -jar "$JAR" "$@"; }

scripts/cluster-up.sh
for n in 1 2 3; do
  grep -q "started on .*media 127.0.0.1:$((8180 + n))" "$SEALPOST_VAR/cluster/node-$n/server.log" \
    || fail "node-$n's start-up line does not list media port $((8180 + n))"
done

alice=+15558880001
bob=+15558880002
register() { # number, node, state: the code is requested (exit 3: not registered yet), then given
  status=0
  cli register --server "http://127.0.0.1:$2" --phone "$1" --state "$3" </dev/null >/dev/null || status=$?
  [ "$status" -eq 3 ] || fail "register without a code exited $status, not 3"
  cli register --server "http://127.0.0.1:$2" --phone "$1" --state "$3" --code 424242 >/dev/null
}
register "$alice" 8091 "$work/alice"
register "$bob" 8092 "$work/bob"
head -c 100000 /dev/urandom > "$work/photo.bin"
cli send --state "$work/alice" --to "$bob" --text "across the cluster" >/dev/null
cli send --state "$work/alice" --to "$bob" --file "$work/photo.bin" >/dev/null
received="$(cli receive --state "$work/bob" --timeout 30 --download-dir "$work/downloads")"
echo "$received" | grep -q "^$alice: across the cluster$" || fail "bob (node-2) did not get alice's (node-1) message: $received"
cmp -s "$work/photo.bin" "$work/downloads/photo.bin" \
  || fail "the file uploaded through node-1 did not download intact through node-2: $received"
echo "cluster-check: 3 nodes with their own ports; a message and a file crossed from node-1 to node-2"
