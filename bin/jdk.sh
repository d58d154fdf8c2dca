# Sourced by the launchers: selects JDK 25, knows the repository root, and holds the JVM flags the
# launchers share. Starts no JVM: a JDK's version is read from its
# `release` file, which every JDK and jlink-made runtime carries.
# shellcheck shell=bash
TRELLIS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# trellis_java_feature HOME: sets TRELLIS_JAVA_FEATURE to the feature version (25 for "25.0.3",
# 8 for "1.8.0_402") of the Java runtime in HOME, from HOME/release; empty when HOME has none.
trellis_java_feature() {
  local line v=""
  TRELLIS_JAVA_FEATURE=""
  [ -n "$1" ] && [ -r "$1/release" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      JAVA_VERSION=*)
        v=${line#JAVA_VERSION=}
        v=${v//\"/}
        break
        ;;
    esac
  done <"$1/release"
  case "$v" in 1.*) v=${v#1.} ;; esac
  v=${v%%[!0-9]*}
  TRELLIS_JAVA_FEATURE=$v
}

# trellis_java_ok HOME: whether HOME holds a Java 25 or newer runtime.
trellis_java_ok() {
  trellis_java_feature "$1"
  [ -x "$1/bin/java" ] && [ -n "$TRELLIS_JAVA_FEATURE" ] && [ "$TRELLIS_JAVA_FEATURE" -ge 25 ]
}

if ! trellis_java_ok "${JAVA_HOME:-}" && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [ -n "${JAVA_HOME:-}" ]; then
  export JAVA_HOME
  JAVA="$JAVA_HOME/bin/java"
  trellis_java_home="$JAVA_HOME"
else
  JAVA=java
  # A java on the PATH: its home is two levels above the resolved binary.
  trellis_java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java || echo /nonexistent)")")")"
fi
if ! trellis_java_ok "$trellis_java_home"; then
  if [ -x "$trellis_java_home/bin/java" ] && [ ! -r "$trellis_java_home/release" ]; then
    # No release file to read (an unusual runtime): ask the JVM itself, once.
    found=$("$JAVA" -version 2>&1 | head -1)
    case "$found" in *'version "'2[5-9]* | *'version "'[3-9][0-9]*) ;; *)
      echo "trellis: JDK 25 or newer is required (set JAVA_HOME); found: $found" >&2
      exit 1
      ;;
    esac
  else
    echo "trellis: JDK 25 or newer is required (set JAVA_HOME); found:" \
      "${TRELLIS_JAVA_FEATURE:+Java $TRELLIS_JAVA_FEATURE in }${trellis_java_home:-no java}" >&2
    exit 1
  fi
fi
unset trellis_java_home

# JVM flags for Hazelcast on JDK 25 and for the FFM TUN device.
TRELLIS_JVM_FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# trellis_cli_flags TOOL: sets TRELLIS_CLI_FLAGS to the JVM flags of a short-lived command-line tool
# (trellis or trellis-admin).
#   TieredStopAtLevel=1  C1 only: a run is over before C2 would pay off
#   SerialGC, small heap  no GC threads to start, little memory to map
#   -UsePerfData          no hsperfdata file to create and delete (jcmd/jps do not see the tool)
trellis_cli_flags() {
  TRELLIS_CLI_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
  case "$1" in
    trellis) TRELLIS_CLI_FLAGS+=(-Xmx64m --enable-native-access=ALL-UNNAMED) ;;
    trellis-admin) TRELLIS_CLI_FLAGS+=(-Xmx256m) ;;
    *)
      echo "trellis_cli_flags: unknown tool '$1'" >&2
      return 1
      ;;
  esac
}

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
