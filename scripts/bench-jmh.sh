#!/usr/bin/env bash
# JMH micro-benchmarks (src/jmh/java): the frame codec, the embedded durable queue, the key log's Merkle tree and the key log with its storage.
# Usage: scripts/bench-jmh.sh [JMH options]   e.g.  scripts/bench-jmh.sh FrameCodec -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pjmh test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main "$@"
