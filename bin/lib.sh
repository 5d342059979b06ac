# Shared by bin/sparklm and bin/spark-submit. Sourced with HOME_DIR set to the checkout.

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
SPARKLM_JAR="$HOME_DIR/jobs/target/sparklm.jar"
export SPARK_HOME="$HOME_DIR/jobs/target/spark-home"
# Workers launched from this SPARK_HOME need to know the Scala version (there are no build dirs).
export SPARK_SCALA_VERSION=2.13
# DJL never downloads at run time: libtorch comes from the pytorch-native-cpu jar (or a local
# CUDA build named by PYTORCH_LIBRARY_PATH), its cache lives under the user's cache folder.
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sparklm/djl}"
export ENGINE_CACHE_DIR="${ENGINE_CACHE_DIR:-$DJL_CACHE_DIR}"

sparklm_jvm_options() {
  grep -v '^#' "$HOME_DIR/bin/jvm-options" | grep -v '^$'
  echo "-Dai.djl.offline=true"
  echo "-DDJL_CACHE_DIR=$DJL_CACHE_DIR"
}

# Builds with Maven when the application jar is missing or older than any source or pom.
sparklm_ensure_built() {
  local stale=""
  [ "${SPARKLM_SKIP_BUILD:-}" = "1" ] && return 0
  if [ ! -f "$SPARKLM_JAR" ] || [ ! -d "$SPARK_HOME/jars" ]; then
    stale="missing"
  elif [ -n "$(find "$HOME_DIR/pom.xml" "$HOME_DIR/model" "$HOME_DIR/udfs" "$HOME_DIR/jobs" \
      -path '*/target' -prune -o -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$SPARKLM_JAR" -print -quit)" ]; then
    stale="stale"
  fi
  if [ -n "$stale" ]; then
    echo "sparklm: building the jars ($stale; mvn package, tests skipped)..." >&2
    if ! (cd "$HOME_DIR" && mvn -B -q -DskipTests package >&2); then
      echo "sparklm: error: the build failed; run 'mvn -B -DskipTests package' in $HOME_DIR to see why" >&2
      exit 1
    fi
  fi
}
