#!/usr/bin/env bash
# Starts a single-node Cassandra for development and the Cassandra store tests, in the background,
# and returns once it answers CQL. Idempotent: when the node is already running it only checks it.
#
# Cassandra (org.apache.cassandra:cassandra-all, see scripts/cassandra/pom.xml) runs as its own
# JVM on the machine's Java 17, never on Sealpost's classpath (it brings Netty 4.1; Vert.x uses
# 4.2). Its classpath is resolved by Maven on the first start and cached.
#
# Environment:
#   SEALPOST_VAR                        state directory (default: var, relative to the repository)
#   SEALPOST_CASSANDRA_ADDRESS          address the node listens on, CQL and internode (default 127.0.0.1)
#   SEALPOST_CASSANDRA_SEEDS            seed addresses of its ring (default: its own address);
#                                       scripts/cassandra-ring.sh starts three nodes this way
#   SEALPOST_CASSANDRA_PORT             CQL port (default 9042)
#   SEALPOST_CASSANDRA_STORAGE_PORT     internode port (default 7000)
#   SEALPOST_CASSANDRA_HEAP             max heap (default 512M)
#   SEALPOST_CASSANDRA_START_TIMEOUT    seconds to wait for CQL (default 120)
#
# Files under $SEALPOST_VAR/cassandra: data/ etc. (storage), cassandra.pid, cassandra.log,
# classpath.txt (cached). Stop with scripts/cassandra-stop.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
VAR="${SEALPOST_VAR:-var}"
case "$VAR" in /*) ;; *) VAR="$ROOT/$VAR" ;; esac
DIR="$VAR/cassandra"
PIDFILE="$DIR/cassandra.pid"
LOG="$DIR/cassandra.log"
CLASSPATH_FILE="$DIR/classpath.txt"
ADDRESS="${SEALPOST_CASSANDRA_ADDRESS:-127.0.0.1}"
SEEDS="${SEALPOST_CASSANDRA_SEEDS:-$ADDRESS}"
PORT="${SEALPOST_CASSANDRA_PORT:-9042}"
STORAGE_PORT="${SEALPOST_CASSANDRA_STORAGE_PORT:-7000}"
HEAP="${SEALPOST_CASSANDRA_HEAP:-512M}"
TIMEOUT="${SEALPOST_CASSANDRA_START_TIMEOUT:-120}"
POM="$ROOT/scripts/cassandra/pom.xml"
CONF="$ROOT/conf/cassandra"

fail() {
  echo "cassandra-start: $*" >&2
  exit 1
}

# True when $1 is a live Cassandra daemon (a reused pid of another program does not count).
is_cassandra() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'org.apache.cassandra.service.CassandraDaemon'
}

# True when something accepts TCP connections on the CQL port.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$ADDRESS/$PORT" 2>/dev/null
}

# True when the port speaks CQL: an OPTIONS frame (protocol v4) is answered by a SUPPORTED frame
# (response version byte 0x84, opcode 0x06). Needs neither cqlsh nor nodetool.
answers_cql() {
  local header
  header="$(timeout 3 bash -c "exec 3<>/dev/tcp/$ADDRESS/$PORT &&
    printf '\x04\x00\x00\x00\x05\x00\x00\x00\x00' >&3 && od -An -tx1 -N5 <&3" 2>/dev/null | tr -d ' \n')" || return 1
  [ "${header:0:2}" = "84" ] && [ "${header:8:2}" = "06" ]
}

java_major() {
  "$1" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'
}

mkdir -p "$DIR/triggers"

# A node of a ring (another address or other seeds) gets its own copy of the configuration. It
# joins without streaming (auto_bootstrap: false): the scripts start rings empty.
YAML="$CONF/cassandra.yaml"
if [ "$ADDRESS" != "127.0.0.1" ] || [ "$SEEDS" != "$ADDRESS" ]; then
  YAML="$DIR/cassandra.yaml"
  sed -e "s/^listen_address: .*/listen_address: $ADDRESS/" -e "s/^rpc_address: .*/rpc_address: $ADDRESS/" \
    -e "s/- seeds: .*/- seeds: \"$SEEDS\"/" -e "s/^cluster_name: .*/cluster_name: sealpost-ring/" \
    "$CONF/cassandra.yaml" >"$YAML"
  echo "auto_bootstrap: false" >>"$YAML"
fi

if [ -f "$PIDFILE" ]; then
  PID="$(cat "$PIDFILE")"
  if is_cassandra "$PID"; then
    if answers_cql; then
      echo "cassandra-start: already running (pid $PID), CQL on $ADDRESS:$PORT"
      exit 0
    fi
    echo "cassandra-start: pid $PID is running but CQL does not answer yet; waiting"
  else
    echo "cassandra-start: removing stale pidfile (pid $PID is not running)"
    rm -f "$PIDFILE"
    PID=""
  fi
else
  PID=""
fi

if [ -z "$PID" ]; then
  if port_open; then
    fail "port $PORT is already in use by another process (not started by this script); set SEALPOST_CASSANDRA_PORT"
  fi

  JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$JAVA" >/dev/null || fail "java not found (install Java 17 or set JAVA_HOME)"
  [ "$(java_major "$JAVA")" = "17" ] || fail "$JAVA is Java $(java_major "$JAVA"); Cassandra here runs on Java 17 (set JAVA_HOME)"

  if [ ! -s "$CLASSPATH_FILE" ] || [ "$POM" -nt "$CLASSPATH_FILE" ]; then
    echo "cassandra-start: resolving Cassandra's classpath (first start: downloads about 70 MB)"
    command -v mvn >/dev/null || fail "mvn not found: needed once to resolve Cassandra's classpath"
    mvn -B -q -f "$POM" dependency:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE.tmp" >&2 ||
      fail "could not resolve org.apache.cassandra:cassandra-all (see Maven's output above)"
    mv "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
  fi

  # The module flags are those of Cassandra's conf/jvm17-server.options.
  JVM_OPTS=(
    -Xms128M "-Xmx$HEAP" -Xss256k -XX:MaxDirectMemorySize=256M
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:MaxGCPauseMillis=300
    -XX:+ExitOnOutOfMemoryError
    -Djava.net.preferIPv4Stack=true
    -Djdk.attach.allowAttachSelf=true
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED
    --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/java.util=ALL-UNNAMED
    -Dio.netty.tryReflectionSetAccessible=true
    -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11
    "-Dcassandra.config=file://$YAML"
    "-Dlogback.configurationFile=$CONF/logback.xml"
    "-Dcassandra.storagedir=$DIR"
    "-Dcassandra.logdir=$DIR"
    "-Dcassandra.triggers_dir=$DIR/triggers"
    "-Dcassandra.native_transport_port=$PORT"
    "-Dcassandra.storage_port=$STORAGE_PORT"
    # A single node has no ring to wait for: saves 30 s on the first start, 1-2 s later.
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.ring_delay_ms=1000
    -Dcassandra-foreground=yes
  )

  echo "cassandra-start: starting Cassandra (CQL port $PORT, data in $DIR, log $LOG)"
  # setsid: the node outlives the shell that started it and ignores its Ctrl-C.
  setsid "$JAVA" "${JVM_OPTS[@]}" -cp "$(cat "$CLASSPATH_FILE")" \
    org.apache.cassandra.service.CassandraDaemon >>"$LOG" 2>&1 </dev/null &
  PID=$!
  echo "$PID" >"$PIDFILE"
fi

deadline=$((SECONDS + TIMEOUT))
until answers_cql; do
  if ! kill -0 "$PID" 2>/dev/null; then
    rm -f "$PIDFILE"
    echo "cassandra-start: Cassandra exited during start-up; last lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "cassandra-start: no CQL answer on $ADDRESS:$PORT after ${TIMEOUT}s (pid $PID still running;" \
      "stop it with scripts/cassandra-stop.sh); last lines of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  sleep 1
done
echo "cassandra-start: ready (pid $PID), CQL on $ADDRESS:$PORT"
