# Sourced by bin/witness and bin/bench (set PROG first): the JDK they run with and the Debian packages they install.

die() { echo "$PROG: $*" >&2; exit 1; }

need_cmd() { command -v "$1" >/dev/null 2>&1; }

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

# JAVA_HOME if it is a JDK >= 21, else the newest JDK >= 21 under /usr/lib/jvm.
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d" 2>/dev/null || echo 0)
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] || die "no JDK >= 21 found (JAVA_HOME or /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+."
  echo "$best"
}

# Installs Debian packages when missing (as root), else explains what to install. Each argument is
# <package>:<command or file it installs>.
ensure_packages() {
  local missing=() pkg bin pair
  for pair in "$@"; do
    pkg=${pair%%:*}; bin=${pair#*:}
    need_cmd "$bin" || [ -e "$bin" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -eq 0 ] && need_cmd apt-get; then
    echo "$PROG: installing ${missing[*]} from Debian packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } \
      || die "could not install ${missing[*]}"
  else
    die "missing ${missing[*]}: install them (as root: apt-get install ${missing[*]})"
  fi
}

export JAVA_HOME=$(find_jdk)
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
