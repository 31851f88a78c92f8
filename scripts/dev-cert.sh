#!/usr/bin/env bash
# Makes a self-signed TLS certificate for development: an ECDSA P-256 key and a certificate for
# localhost / 127.0.0.1 (plus any extra names given), valid for 365 days. Installs Debian's openssl
# if it is missing. Never use it in production: clients must be told to trust it explicitly.
#
# Usage: scripts/dev-cert.sh [DIR] [EXTRA_NAME ...]   (default DIR: conf/tls)
# Then:  SEALPOST_GATEWAY_TLS_ENABLED=true SEALPOST_GATEWAY_TLS_CERT_FILE=DIR/cert.pem \
#        SEALPOST_GATEWAY_TLS_KEY_FILE=DIR/key.pem java -jar target/sealpost.jar server
set -euo pipefail

dir="${1:-conf/tls}"
shift || true
if ! command -v openssl >/dev/null; then
  echo "dev-cert: installing Debian's openssl"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null
fi
names="DNS:localhost,IP:127.0.0.1"
for extra in "$@"; do
  if [[ "$extra" =~ ^[0-9.]+$ ]]; then names="$names,IP:$extra"; else names="$names,DNS:$extra"; fi
done
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
  -subj "/CN=localhost" -addext "subjectAltName=$names" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
echo "dev-cert: wrote $dir/cert.pem and $dir/key.pem for $names"
