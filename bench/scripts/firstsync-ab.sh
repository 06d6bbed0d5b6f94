#!/usr/bin/env bash
# First syncs of two or more deltasync builds side by side in one run, alternating: for changes to
# the per-file cost of a first sync that are too small to show in one rsync-compare.sh run (its
# first sync moves by ±15% from run to run on a 2-core machine; CPU seconds move less than wall).
#
#   bench/scripts/firstsync-ab.sh JAR...
#
# One tree of FILES files, TOTAL_BYTES bytes (gen-tree.py). Then ROUNDS rounds; in each, per jar:
# a fresh server and two fresh device homes (through ./deltasync on a copy of the jar, without AOT
# cache, as rsync-compare.sh's first syncs), the tree copied into A's folder, A's first `sync`
# (upload), then B's (download), checked against the tree. Printed per sync: wall seconds, the
# client's user and system CPU seconds, and the server's CPU seconds during that sync.
#
# Rounds are kept until the end (WORKDIR holds ROUNDS × jars × 3 copies of the tree): deleting many
# files right before a measured sync slows file creation on some file systems (ext4 without a
# journal scans recently deleted inodes), so nothing is deleted between syncs.
#
# Environment: FILES [20000], TOTAL_BYTES [400000000], ROUNDS [3], WORKDIR [mktemp -d; must be
# missing or empty; deleted at the end unless KEEP=1].
set -euo pipefail

FILES=${FILES:-20000}
TOTAL_BYTES=${TOTAL_BYTES:-400000000}
ROUNDS=${ROUNDS:-3}
KEEP=${KEEP:-0}
[ "$#" -ge 1 ] || { echo "usage: $0 JAR..." >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
# shellcheck source=common.sh
. "$here/common.sh"
command -v python3 >/dev/null 2>&1 || die "python3 is needed (file generator)"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"

work_directory firstsync-ab

n=0
for jar in "$@"; do
  n=$((n + 1))
  [ -f "$jar" ] || die "no jar at $jar"
  mkdir -p "$W/jar$n"
  cp "$jar" "$W/jar$n/deltasync.jar"
done

log "writing $FILES files, $TOTAL_BYTES bytes"
python3 "$here/gen-tree.py" "$W/src" "$FILES" "$TOTAL_BYTES"

cpu_of() { # cpu_of PID: user + system CPU seconds × 100 of a running process
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# one JAR_N ROUND: one A-then-B first sync with jar N, in $W/rN-jN
one() {
  local v=$1 r=$2 d="$W/r$2-j$1" url="" dev s0 s1 t0 t1 cpu
  mkdir -p "$d/server" "$d/a/tree" "$d/b/tree"
  cp "$W/jar$v/deltasync.jar" "$d/deltasync.jar"
  ds() { DELTASYNC_NO_AOT=1 DELTASYNC_JAR="$d/deltasync.jar" "$root/deltasync" "$@"; }
  DELTASYNC_NO_AOT=1 DELTASYNC_JAR="$d/deltasync.jar" "$root/deltasync" server \
    --data "$d/server" --listen 127.0.0.1:0 >"$d/server.out" 2>"$d/server.err" &
  server_pid=$!
  for _ in $(seq 600); do
    url=$(sed -n 's/^listening on //p' "$d/server.out")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$d/server.err" >&2; die "the server died"; }
    sleep 0.1
  done
  [ -n "$url" ] || die "the server did not start"
  printf 'firstsync-ab-%s-%s\n' "$RANDOM" "$RANDOM" >"$d/password"
  ds user add bench --server "$url" --admin-token-file "$d/server/admin-token" \
    --password-file "$d/password" >/dev/null
  for dev in a b; do
    ds --home "$d/home-$dev" join "$url" --user bench --password-file "$d/password" \
      --device "$dev" >/dev/null
    ds --home "$d/home-$dev" add tree "$d/$dev/tree" >/dev/null
  done
  cp -a "$W/src/." "$d/a/tree/"
  sync
  for dev in a b; do
    s0=$(cpu_of "$server_pid")
    t0=$(now_ns)
    /usr/bin/time -f '%U %S' -o "$d/time-$dev" \
      env DELTASYNC_NO_AOT=1 DELTASYNC_JAR="$d/deltasync.jar" \
      "$root/deltasync" --home "$d/home-$dev" sync tree --json >"$d/$dev.json" 2>"$d/$dev.err"
    t1=$(now_ns)
    s1=$(cpu_of "$server_pid")
    read -r user sys <"$d/time-$dev"
    printf 'round %s  jar %s  %s: wall %6.2f s  user %6.2f s  sys %6.2f s  server %6.2f s\n' \
      "$r" "$v" "$dev" \
      "$(awk -v n=$((t1 - t0)) 'BEGIN { print n / 1e9 }')" "$user" "$sys" \
      "$(awk -v a="$s0" -v b="$s1" 'BEGIN { print (b - a) / 100 }')"
  done
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  diff -r -q -x .deltasync "$W/src" "$d/b/tree" >/dev/null || die "B's tree differs ($d)"
}

for r in $(seq "$ROUNDS"); do
  for v in $(seq "$n"); do
    one "$v" "$r"
  done
done
for v in $(seq "$n"); do
  printf 'jar %s: %s\n' "$v" "$(basename "$1")"
  shift
done
