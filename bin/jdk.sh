# Sourced by the launchers: selects JDK 25, knows the repository root, and holds the JVM flags the
# launchers (and bin/build-aot-cache) share. Starts no JVM: a JDK's version is read from its
# `release` file, which every JDK and jlink-made runtime carries.
# shellcheck shell=bash
# (Parameter expansion rather than dirname: every process a launcher starts is time on each call.)
trellis_bin="${BASH_SOURCE[0]%/*}"
[ "$trellis_bin" != "${BASH_SOURCE[0]}" ] || trellis_bin=.
TRELLIS_HOME="$(cd -P "$trellis_bin/.." && pwd)"
unset trellis_bin

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
  TRELLIS_JAVA_HOME="$JAVA_HOME"
else
  JAVA=java
  # A java on the PATH: its home is two levels above the resolved binary.
  TRELLIS_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java || echo /nonexistent)")")")"
fi
if ! trellis_java_ok "$TRELLIS_JAVA_HOME"; then
  if [ -x "$TRELLIS_JAVA_HOME/bin/java" ] && [ ! -r "$TRELLIS_JAVA_HOME/release" ]; then
    # No release file to read (an unusual runtime): ask the JVM itself, once.
    found=$("$JAVA" -version 2>&1 | head -1)
    case "$found" in *'version "'2[5-9]* | *'version "'[3-9][0-9]*) ;; *)
      echo "trellis: JDK 25 or newer is required (set JAVA_HOME); found: $found" >&2
      exit 1
      ;;
    esac
  else
    echo "trellis: JDK 25 or newer is required (set JAVA_HOME); found:" \
      "${TRELLIS_JAVA_FEATURE:+Java $TRELLIS_JAVA_FEATURE in }${TRELLIS_JAVA_HOME:-no java}" >&2
    exit 1
  fi
fi

# JVM flags for Hazelcast on JDK 25 and for the FFM TUN device.
TRELLIS_JVM_FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# trellis_cli_flags TOOL: sets TRELLIS_CLI_FLAGS to the JVM flags of a short-lived command-line tool
# (trellis or trellis-admin). bin/build-aot-cache trains each tool's AOT cache with exactly these
# flags: a cache made with other flags would not be used.
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

# trellis_aot_flags JAR: sets TRELLIS_AOT_FLAGS to use JAR's AOT cache (the same path with .aot
# for .jar, made by bin/build-aot-cache) when TRELLIS_AOT is not 0 and the cache fits this run: it
# is newer than the jar and than the JDK's class library, and its stamp (JAR.aot.jvm) names this
# JDK and the flags in TRELLIS_CLI_FLAGS (call trellis_cli_flags first). A cache that does not fit
# is left out, because the JVM would reject it and then start without even its default class-data
# archive, slower than with no cache at all. Whatever the JVM still finds wrong with a cache (a
# damaged file) it reports to nobody: the command starts without it and prints nothing extra.
trellis_aot_flags() {
  local cache="${1%.jar}.aot" stamp=""
  TRELLIS_AOT_FLAGS=()
  if [ "${TRELLIS_AOT:-1}" != 0 ] && [ "$cache" -nt "$1" ] \
    && [ "$cache" -nt "$TRELLIS_JAVA_HOME/lib/modules" ] && [ -r "$cache.jvm" ]; then
    IFS= read -r stamp <"$cache.jvm" || true
    if [ "$stamp" = "$TRELLIS_JAVA_HOME ${TRELLIS_CLI_FLAGS[*]}" ]; then
      TRELLIS_AOT_FLAGS=("-XX:AOTCache=$cache" "-Xlog:aot*=off" "-Xlog:cds*=off")
    fi
  fi
}

# trellis_aot_stamp: what an AOT cache made now is made with (this JDK, TRELLIS_CLI_FLAGS), as
# trellis_aot_flags compares it.
trellis_aot_stamp() {
  printf '%s %s' "$TRELLIS_JAVA_HOME" "${TRELLIS_CLI_FLAGS[*]}"
}

# trellis_jar_path MODULE_DIR JAR_NAME: sets TRELLIS_JAR to the path of a shaded jar, building it
# with Maven when missing (exits when the build fails).
trellis_jar_path() {
  TRELLIS_JAR="$TRELLIS_HOME/$1/target/$2.jar"
  if [ ! -f "$TRELLIS_JAR" ]; then
    echo "trellis: building $2.jar (first run) ..." >&2
    (cd "$TRELLIS_HOME" && mvn -B -q -DskipTests -Dspotless.check.skip=true install -pl "$1" -am) >&2 || {
      echo "trellis: build failed" >&2
      exit 1
    }
  fi
}

# trellis_jar MODULE_DIR JAR_NAME: prints the path of a shaded jar, building it when missing.
trellis_jar() {
  trellis_jar_path "$1" "$2"
  printf '%s' "$TRELLIS_JAR"
}
