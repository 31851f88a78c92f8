#!/usr/bin/env bash
# Runs the whole test suite: unit, integration and end-to-end tests against real servers
# started on loopback. Usage: scripts/test.sh [extra maven args]
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify "$@"
