# verba: multi-stage build. Stage 1 builds the jars with Maven on Temurin 25; stage 2 is a small jlinked runtime.
# Build:  docker build -t verba .
# Run:    docker run -p 8080:8080 -v verba-hf:/data/hf_cache -v verba-voices:/data/voices verba

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# Dependencies first, so that source edits do not re-download them.
COPY pom.xml ./
COPY verba-engine/pom.xml verba-engine/
COPY verba-marytts/pom.xml verba-marytts/
COPY verba-server/pom.xml verba-server/
RUN mvn -B -q -DskipTests dependency:go-offline || true
COPY verba-engine/src verba-engine/src
COPY verba-marytts/src verba-marytts/src
COPY verba-server/src verba-server/src
RUN mvn -B -q -DskipTests package
# A runtime with only the modules verba and its libraries use (jdeps --print-module-deps over the jars; the
# Vector API incubator included): about 66 MB.
# jdk.charsets: charsets looked up by name at run time, which jdeps cannot see.
RUN jlink --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.incubator.vector,jdk.management,jdk.unsupported,jdk.zipfs,jdk.charsets \
          --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output /opt/verba-jre

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /home/verba verba \
 && mkdir -p /data/hf_cache /data/voices /data/cache \
 && chown -R verba:verba /data
COPY --from=build /opt/verba-jre /opt/verba-jre
COPY --from=build /src/verba-server/target/verba-server.jar /app/verba-server.jar
COPY --from=build /src/verba-server/target/lib /app/lib
ENV PATH=/opt/verba-jre/bin:$PATH \
    HOST=0.0.0.0 \
    PORT=8080 \
    HF_HOME=/data/hf_cache \
    VERBA_ENGINES=pocket,mary,espeak \
    VERBA_POCKET_VOICES_DIR=/data/voices \
    VERBA_CACHE_DIR=/data/cache \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
VOLUME ["/data/hf_cache", "/data/voices", "/data/cache"]
USER verba
WORKDIR /home/verba
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseZGC", "-jar", "/app/verba-server.jar", "serve"]
