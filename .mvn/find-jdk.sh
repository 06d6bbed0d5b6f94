# Finds a JDK 21 or newer and exports JAVA_HOME to it. POSIX sh; sourced by ./mvnw, ./deltasync
# and .ci/run, so that none of them depends on the machine's default java.
#
# Order: $DELTASYNC_JAVA_HOME, $JAVA_HOME, the javac on PATH, then the newest JDK found in the
# usual install locations. Exits with a message saying what to install when there is none.

deltasync_jdk_major() {
  # Prints the major version of the JDK at $1, or nothing when $1 is not a JDK.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  _ds_v=""
  if [ -f "$1/release" ]; then
    _ds_v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
  fi
  if [ -z "$_ds_v" ]; then
    _ds_v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  case "$_ds_v" in 1.*) _ds_v=${_ds_v#1.} ;; esac
  _ds_v=${_ds_v%%[!0-9]*}
  [ -n "$_ds_v" ] && printf '%s\n' "$_ds_v"
  return 0
}

deltasync_find_jdk() {
  _ds_min=21
  for _ds_home in "${DELTASYNC_JAVA_HOME-}" "${JAVA_HOME-}"; do
    [ -n "$_ds_home" ] || continue
    _ds_major=$(deltasync_jdk_major "$_ds_home")
    if [ -n "$_ds_major" ] && [ "$_ds_major" -ge "$_ds_min" ]; then
      printf '%s\n' "$_ds_home"
      return 0
    fi
  done
  if _ds_javac=$(command -v javac 2>/dev/null); then
    _ds_home=$(dirname "$(dirname "$(readlink -f "$_ds_javac" 2>/dev/null || printf '%s' "$_ds_javac")")")
    _ds_major=$(deltasync_jdk_major "$_ds_home")
    if [ -n "$_ds_major" ] && [ "$_ds_major" -ge "$_ds_min" ]; then
      printf '%s\n' "$_ds_home"
      return 0
    fi
  fi
  _ds_best=""
  _ds_best_major=0
  _ds_noglob=0
  case $- in *f*) _ds_noglob=1; set +f ;; esac
  for _ds_home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*/jdk* \
      "${HOME-/nonexistent}"/.sdkman/candidates/java/* "${HOME-/nonexistent}"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home /opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home; do
    [ -d "$_ds_home" ] || continue
    _ds_major=$(deltasync_jdk_major "$_ds_home")
    if [ -n "$_ds_major" ] && [ "$_ds_major" -gt "$_ds_best_major" ]; then
      _ds_best=$_ds_home
      _ds_best_major=$_ds_major
    fi
  done
  [ "$_ds_noglob" = 1 ] && set -f
  if [ -n "$_ds_best" ] && [ "$_ds_best_major" -ge "$_ds_min" ]; then
    printf '%s\n' "$_ds_best"
    return 0
  fi
  return 1
}

if DELTASYNC_FOUND_JDK=$(deltasync_find_jdk); then
  JAVA_HOME=$DELTASYNC_FOUND_JDK
  export JAVA_HOME
  PATH="$JAVA_HOME/bin:$PATH"
  export PATH
else
  {
    echo "deltasync needs a JDK 21 or newer, and none was found."
    echo "  looked at: \$DELTASYNC_JAVA_HOME, \$JAVA_HOME, javac on PATH, /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks, /Library/Java"
    if command -v java >/dev/null 2>&1; then
      echo "  the default java is: $(java -version 2>&1 | head -n 1)"
    fi
    echo "Install one, for example:"
    echo "  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk-headless   (or a newer openjdk-NN-jdk-headless)"
    echo "  Fedora:         sudo dnf install java-21-openjdk-devel"
    echo "  macOS:          brew install openjdk@21"
    echo "or point DELTASYNC_JAVA_HOME (or JAVA_HOME) at an installed JDK 21+."
  } >&2
  exit 1
fi
