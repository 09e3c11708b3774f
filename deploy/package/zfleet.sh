#!/bin/sh
# zfleet (Debian package): runs the command-line jar. ZFLEET_JAVA_OPTS adds JVM options (after
# ours: the last one wins); ZFLEET_JAVA names the java program (default: java on PATH, Java 17 or
# newer). The daemon's options are those of deploy/zfleet, which says why, flag by flag
# (docs/architecture.md, "Costs and bounds").
jar=/usr/share/zfleet/zfleet-cli.jar
java=${ZFLEET_JAVA:-java}
if ! command -v "$java" >/dev/null 2>&1; then
  echo "zfleet: no '$java' on PATH; zfleet needs Java 17 or newer (apt-get install openjdk-17-jre-headless)" >&2
  exit 2
fi
if [ "${1:-}" = daemon ]; then
  opts="-Xms32m -Xmx96m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC
    -Xss512k -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m
    -XX:+ExitOnOutOfMemoryError"
else
  opts="-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k"
fi
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
export MALLOC_ARENA_MAX
# shellcheck disable=SC2086
exec "$java" $opts ${ZFLEET_JAVA_OPTS:-} -jar "$jar" "$@"
