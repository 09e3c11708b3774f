#!/bin/sh
# zfleet (Debian package): runs the command-line jar. ZFLEET_JAVA_OPTS adds JVM options;
# ZFLEET_JAVA names the java program (default: java on PATH, Java 17 or newer).
jar=/usr/share/zfleet/zfleet-cli.jar
java=${ZFLEET_JAVA:-java}
if ! command -v "$java" >/dev/null 2>&1; then
  echo "zfleet: no '$java' on PATH; zfleet needs Java 17 or newer (apt-get install openjdk-17-jre-headless)" >&2
  exit 2
fi
# shellcheck disable=SC2086
exec "$java" ${ZFLEET_JAVA_OPTS:-} -jar "$jar" "$@"
