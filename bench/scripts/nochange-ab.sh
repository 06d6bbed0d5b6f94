#!/usr/bin/env bash
# No-change syncs of two or more deltasync builds or JVM option sets, side by side in one run,
# next to rsync's no-change run of the same tree: for changes too small to show in one
# rsync-compare.sh run (its no-change median moves by ±5% from run to run on a 2-core machine).
#
#   bench/scripts/nochange-ab.sh VARIANT...      VARIANT = JAR or JAR::JVM-OPTIONS
#
# e.g.  bench/scripts/nochange-ab.sh /tmp/before.jar /tmp/after.jar
#       bench/scripts/nochange-ab.sh /tmp/x.jar /tmp/x.jar::-XX:+UseSerialGC
#
# One server and one device home with FILES files (gen-tree.py, FILES × 1 KB on average), synced
# once; an rsync daemon on loopback with the same tree already copied. Each variant runs through
# ./deltasync on its own copy of the jar, so it has its own AOT cache (JDK 25+), trained first on
# uncounted syncs. Then ROUNDS rounds: per variant RUNS syncs, then two rsync runs; wall times in
# seconds. All variants sync the same home: a variant that does not keep the saved stat index
# makes the next one's first run read the items table.
#
# Environment: FILES [100000], ROUNDS [4], RUNS [3], WORKDIR [mktemp -d; must be missing or empty;
# deleted at the end unless KEEP=1].
set -euo pipefail

FILES=${FILES:-100000}
ROUNDS=${ROUNDS:-4}
RUNS=${RUNS:-3}
KEEP=${KEEP:-0}
[ "$#" -ge 1 ] || { echo "usage: $0 JAR[::JVM-OPTIONS]..." >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
# shellcheck source=common.sh
. "$here/common.sh"
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }
need_rsync

work_directory nochange-ab

# variant N: its jar copy and options
n=0
for variant in "$@"; do
  n=$((n + 1))
  jar=${variant%%::*}
  [ -f "$jar" ] || die "no jar at $jar"
  mkdir -p "$W/v$n"
  cp "$jar" "$W/v$n/deltasync.jar"
  case "$variant" in *::*) printf '%s\n' "${variant#*::}" >"$W/v$n/opts" ;; *) : >"$W/v$n/opts" ;; esac
done
ds() { # ds N ARGS...: deltasync through the launcher, variant N
  local v=$1
  shift
  DELTASYNC_JAR="$W/v$v/deltasync.jar" DELTASYNC_JAVA_OPTS="$(cat "$W/v$v/opts")" "$root/deltasync" "$@"
}

log "writing $FILES files"
python3 "$here/gen-tree.py" "$W/src" "$FILES" $((FILES * 1000))
mkdir -p "$W/server" "$W/a" "$W/rsync-dst"
DELTASYNC_JAR="$W/v1/deltasync.jar" exec "$root/deltasync" server --data "$W/server" \
  --listen 127.0.0.1:0 >"$W/server.out" 2>"$W/server.err" &
server_pid=$!
url=""
for _ in $(seq 600); do
  url=$(sed -n 's/^listening on //p' "$W/server.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || die "the server died: $(cat "$W/server.err")"
  sleep 0.1
done
[ -n "$url" ] || die "the server did not start"
printf 'bench-password-%s\n' "$RANDOM$RANDOM" >"$W/password"
chmod 600 "$W/password"
ds 1 user add bench --server "$url" --admin-token-file "$W/server/admin-token" \
  --password-file "$W/password" >/dev/null
ds 1 --home "$W/home" join "$url" --user bench --password-file "$W/password" --device a >/dev/null
ds 1 --home "$W/home" add tree "$W/a/tree" >/dev/null
cp -a "$W/src/." "$W/a/tree/"
log "first sync"
DELTASYNC_NO_AOT=1 ds 1 --home "$W/home" sync tree --quiet

start_rsyncd "tree=$W/rsync-dst"
rsync -a "$W/src/" "rsync://127.0.0.1:$rport/tree/"

timed() { # prints the wall time of the command
  local t0 t1
  t0=$(now_ns)
  "$@" >/dev/null
  t1=$(now_ns)
  secs $((t1 - t0))
}

log "training each variant's start-up cache (uncounted syncs)"
for v in $(seq "$n"); do
  for _ in 1 2 3 4; do
    ds "$v" --home "$W/home" sync tree --quiet 2>>"$W/training.log" # the JVM notes its record
    for _ in $(seq 300); do [ -d "$W/v$v/deltasync.aot.training" ] || break; sleep 0.1; done
  done
done

echo "no-change sync of $FILES files, wall s; $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for v in $(seq "$n"); do echo "  variant $v: ${@:v:1}"; done
for round in $(seq "$ROUNDS"); do
  line="round $round"
  for v in $(seq "$n"); do
    times=""
    for _ in $(seq "$RUNS"); do times="$times $(timed ds "$v" --home "$W/home" sync tree --quiet)"; done
    line="$line | variant $v:$times"
  done
  line="$line | rsync: $(timed rsync -a "$W/src/" "rsync://127.0.0.1:$rport/tree/") $(timed rsync -a "$W/src/" "rsync://127.0.0.1:$rport/tree/")"
  echo "$line"
done
