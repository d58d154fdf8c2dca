# Sourced by the launchers: selects JDK 25 and knows the repository root.
# shellcheck shell=bash
TRELLIS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  fi
fi
export JAVA_HOME
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! "$JAVA" -version 2>&1 | grep -q 'version "2[5-9]'; then
  echo "trellis: JDK 25 or newer is required (set JAVA_HOME); found: $("$JAVA" -version 2>&1 | head -1)" >&2
  exit 1
fi
# JVM flags for Hazelcast on JDK 25 and for the FFM TUN device.
TRELLIS_JVM_FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# trellis_jar MODULE_DIR JAR_NAME: the path of a shaded jar, building it with Maven when missing.
trellis_jar() {
  local jar="$TRELLIS_HOME/$1/target/$2.jar"
  if [ ! -f "$jar" ]; then
    echo "trellis: building $2.jar (first run) ..." >&2
    (cd "$TRELLIS_HOME" && mvn -B -q -DskipTests -Dspotless.check.skip=true install -pl "$1" -am) >&2 || {
      echo "trellis: build failed" >&2
      exit 1
    }
  fi
  printf '%s' "$jar"
}
