#!/usr/bin/env bash
# Media upload/download throughput: plain curl vs the SDK's HTTP client (MediaClient) vs the
# CLI end to end (send --file / receive: encryption + upload, download + check + decryption),
# against one server started here on free loopback ports. Needs target/sealpost.jar and curl.
#   scripts/bench-media.sh [SIZE_MIB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MIB=${1:-90}
RUNS=${2:-3}
JAR=target/sealpost.jar
WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
HTTP=$(free_port); TCP=$(free_port); MEDIA=$(free_port)
A=+15557770001; B=+15557770002; CODE=123456

SEALPOST_GATEWAY_HTTP_PORT=$HTTP SEALPOST_GATEWAY_TCP_PORT=$TCP SEALPOST_MEDIA_PORT=$MEDIA \
SEALPOST_ACCOUNTS_TEST_NUMBERS="{\"+1555777*\": \"$CODE\"}" \
SEALPOST_LIMITS_MEDIA_UPLOAD_MEBIBYTES_PER_ACCOUNT_BUCKET_SIZE=1000000 \
SEALPOST_LIMITS_MEDIA_UPLOADS_PER_ACCOUNT_BUCKET_SIZE=100000 \
  java -jar $JAR server --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$HTTP/health" >/dev/null && break; sleep 0.2; done

SESSION=$(curl -sf -XPOST "http://127.0.0.1:$HTTP/v1/registration/code" -H 'content-type: application/json' -d "{\"number\":\"$A\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessionId"])')
PW=$(curl -sf -XPOST "http://127.0.0.1:$HTTP/v1/registration/verify" -H 'content-type: application/json' \
  -d "{\"number\":\"$A\",\"sessionId\":\"$SESSION\",\"code\":\"$CODE\",\"registrationId\":42,\"deviceName\":\"bench\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])')
FILE="$WORK/blob.bin"
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$FILE"
SIZE=$(stat -c %s "$FILE")
echo "server: http $HTTP, media $MEDIA; file $SIZE_MIB MiB; $(nproc) cores; $(java -version 2>&1 | head -1)"

for run in $(seq "$RUNS"); do
  OUT=$(curl -s -D - -o /dev/null -w 'speed=%{speed_upload}\n' -u "$A.1:$PW" -X POST -T "$FILE" \
    -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $SIZE" -H 'Content-Type: application/offset+octet-stream' \
    "http://127.0.0.1:$MEDIA/v1/media/uploads")
  ID=$(echo "$OUT" | tr -d '\r' | sed -n 's#^Location: .*/##Ip')
  UP=$(echo "$OUT" | sed -n 's/^speed=//p')
  DOWN=$(curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$MEDIA/v1/media/$ID")
  python3 -c "print(f'curl run $run: upload {$UP/1e6:.1f} MB/s, download {$DOWN/1e6:.1f} MB/s (id $ID)')"
done

java -cp $JAR scripts/MediaBench.java "http://127.0.0.1:$MEDIA" "$A" "$PW" "$FILE" "$RUNS"

# The CLI end to end: register two devices, then send --file and receive --download-dir.
for who in a b; do
  NUM=$([ $who = a ] && echo $A || echo $B)
  java -jar $JAR register --server "http://127.0.0.1:$HTTP" --phone "$NUM" --state "$WORK/$who" >/dev/null 2>&1 || true
  java -jar $JAR register --server "http://127.0.0.1:$HTTP" --phone "$NUM" --state "$WORK/$who" --code $CODE >/dev/null
done
for run in $(seq "$RUNS"); do
  S=$(date +%s.%N); java -jar $JAR send --state "$WORK/a" --to $B --file "$FILE" >/dev/null; E=$(date +%s.%N)
  R=$(date +%s.%N); java -jar $JAR receive --state "$WORK/b" --download-dir "$WORK/dl" >/dev/null; F=$(date +%s.%N)
  python3 -c "print(f'cli run $run: send --file {$SIZE/1e6/($E-$S):.1f} MB/s ({$E-$S:.1f} s), receive {$SIZE/1e6/($F-$R):.1f} MB/s ({$F-$R:.1f} s), JVM start included')"
  rm -rf "$WORK/dl"
done
