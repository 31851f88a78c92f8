# Sealpost node image. Build: docker build -t sealpost .
# Run:   docker run -p 5222:5222 -p 8080:8080 -p 8081:8081 -v sealpost-data:/var/lib/sealpost sealpost
# See docs/operations.md.

# --- build: the shaded jar (tests run in CI, not here) ---
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
# Dependencies first, so a source change does not download them again.
RUN mvn -B -q dependency:go-offline -DskipTests || true
COPY src ./src
COPY conf ./conf
RUN mvn -B -q package -DskipTests && cp target/sealpost.jar /sealpost.jar

# --- runtime: a slim JRE on Ubuntu 22.04 (glibc 2.35: libsignal's native library needs >= 2.34) ---
FROM eclipse-temurin:17-jre-jammy
RUN groupadd --system --gid 10001 sealpost \
 && useradd --system --uid 10001 --gid sealpost --home-dir /var/lib/sealpost --shell /usr/sbin/nologin sealpost \
 && mkdir -p /opt/sealpost/conf /var/lib/sealpost \
 && chown -R sealpost:sealpost /var/lib/sealpost
WORKDIR /opt/sealpost
COPY --from=build /sealpost.jar /opt/sealpost/sealpost.jar
COPY conf/ /opt/sealpost/conf/
# Listen on every interface inside the container; keep data on the volume.
# The console verification provider (the only one so far) logs numbers and codes; listening on all
# of the container's addresses needs the explicit flag (docs/security.md).
ENV SEALPOST_GATEWAY_HOST=0.0.0.0 \
    SEALPOST_MEDIA_HOST=0.0.0.0 \
    SEALPOST_ACCOUNTS_ALLOW_CONSOLE_PROVIDER_OFF_LOOPBACK=true \
    SEALPOST_NODE_DATA_DIR=/var/lib/sealpost \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER sealpost
VOLUME ["/opt/sealpost/conf", "/var/lib/sealpost"]
# tcp frames, HTTP (REST, WebSocket, /health, /metrics, /admin), media; TLS: 5223, 8443
EXPOSE 5222 8080 8081 5223 8443
# `sealpost health` asks /health/live: no curl or wget needed in the image.
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", "/opt/sealpost/sealpost.jar", "health", "--url", "http://127.0.0.1:8080"]
# exec: the JVM replaces the shell as PID 1, so `docker stop` (SIGTERM) reaches its shutdown hook (graceful drain).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/sealpost/sealpost.jar server --config /opt/sealpost/conf/sealpost.yaml \"$@\"", "sealpost"]
STOPSIGNAL SIGTERM
