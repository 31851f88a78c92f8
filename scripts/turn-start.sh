#!/usr/bin/env bash
# Starts a dedicated TURN server (Debian's coturn) for Sealpost on 127.0.0.1:PORT, for the call
# tests and local development, with the TURN REST API scheme (use-auth-secret): Sealpost hands
# out time-limited credentials derived from the same secret (turn.secret). Installs coturn first
# if it is missing. Idempotent: a turnserver already listening on PORT is left as it is.
#
# Usage: scripts/turn-start.sh [PORT]   (default: $SEALPOST_TURN_PORT, else 3479)
# Secret: $SEALPOST_TURN_SECRET, else "sealpost-dev-turn-secret" (development only).
# State:  ${SEALPOST_VAR:-var}/turn-PORT/ (pidfile, log, the empty user database)
set -euo pipefail
cd "$(dirname "$0")/.."   # a relative SEALPOST_VAR is relative to the project root

port="${1:-${SEALPOST_TURN_PORT:-3479}}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1024 || port > 65535 )); then
  echo "turn-start: PORT must be a number in 1024..65535, got '$port'" >&2
  exit 2
fi
if (( port == 3478 )); then
  echo "turn-start: 3478 is the system's default TURN service; pick another port" >&2
  exit 2
fi
secret="${SEALPOST_TURN_SECRET:-sealpost-dev-turn-secret}"
realm="${SEALPOST_TURN_REALM:-sealpost.test}"
timeout_seconds="${SEALPOST_TURN_START_TIMEOUT:-20}"

ensure_installed() {
  if command -v turnserver >/dev/null && command -v turnutils_uclient >/dev/null; then
    return
  fi
  echo "turn-start: installing Debian's coturn"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q coturn >/dev/null; then
    apt-get update -q >/dev/null
    apt-get install -y -q coturn >/dev/null
  fi
  # The package may enable the default 3478 service; Sealpost's tests never use it.
  if command -v systemctl >/dev/null && systemctl is-active --quiet coturn 2>/dev/null; then
    systemctl stop coturn >/dev/null 2>&1 || true
  fi
}

listening() {
  # a STUN binding request answered on PORT (bounded: something else may never answer)
  timeout 2 turnutils_stunclient -p "$port" 127.0.0.1 2>/dev/null | grep -q "UDP reflexive addr"
}

ensure_installed

if listening; then
  echo "turn-start: a TURN server already answers on 127.0.0.1:$port"
  echo "stop it with: scripts/turn-stop.sh $port"
  exit 0
fi

dir="$(mkdir -p "${SEALPOST_VAR:-var}/turn-$port" && cd "${SEALPOST_VAR:-var}/turn-$port" && pwd)"
rm -f "$dir/turnserver.pid"
# -n: ignore /etc/turnserver.conf (Debian's logs to syslog). Relay ports just above the listener, so two instances on different ports do not collide.
turnserver -n \
  --daemon \
  --listening-ip 127.0.0.1 \
  --relay-ip 127.0.0.1 \
  --listening-port "$port" \
  --min-port $(( port + 1 )) --max-port $(( port + 200 )) \
  --use-auth-secret --static-auth-secret "$secret" \
  --realm "$realm" \
  --fingerprint \
  --allow-loopback-peers \
  --no-tls --no-dtls --no-cli --no-rfc5780 \
  --userdb "$dir/turndb" \
  --pidfile "$dir/turnserver.pid" \
  --log-file "$dir/turnserver.log" --simple-log --no-stdout-log \
  >/dev/null 2>&1

deadline=$(( SECONDS + timeout_seconds ))
until listening; do
  if (( SECONDS >= deadline )); then
    echo "turn-start: turnserver on 127.0.0.1:$port did not answer within ${timeout_seconds} s;" \
      "see $dir/turnserver.log" >&2
    tail -n 20 "$dir/turnserver.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done
echo "turn-start: coturn $(turnserver --version 2>/dev/null | head -n 1) answers on 127.0.0.1:$port" \
  "(realm $realm, dir $dir)"
echo "stop it with: scripts/turn-stop.sh $port"
