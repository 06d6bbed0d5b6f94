#!/usr/bin/env bash
# deltasync side by side with rsync (through an rsync daemon on loopback): same data, same run.
#
#   1. edit:      BIG_FILE_MIB MiB file, 100 bytes inserted in the middle.
#                 target: A's bytesUp + B's bytesDown <= 0.5 x rsync's total bytes on the wire
#   2. no change: FILES files, nothing changed.
#                 target: wall time of `deltasync sync` on A <= rsync's no-change run
#   3. first sync: FILES files, TOTAL_BYTES bytes, A -> server -> B.
#                 target: A's sync + B's sync (wall time) <= 1.5 x rsync's transfer
#
# Environment (defaults in brackets):
#   FILES [100000]  TOTAL_BYTES [2000000000]  BIG_FILE_MIB [100]
#   NOCHANGE_RUNS [3]     no-change runs per tool, after one that is not counted; the median is
#                         reported
#   WORKDIR [mktemp -d /tmp/rsync-compare.XXXXXX]   must be missing or empty; deleted at the end
#   KEEP=1                keep WORKDIR (data, logs, rsync and deltasync output)
#   DELTASYNC_JAR         use this jar instead of building deltasync-cli/target/deltasync.jar
#   DELTASYNC_JAVA_OPTS   JVM options for every deltasync process (client and server), after
#                         the launcher's own
#
# Needs about 5 x TOTAL_BYTES + 6 x BIG_FILE_MIB of disk in WORKDIR. Installs rsync with apt-get
# when it is missing. Both tools run warm: the page cache is not dropped, and each tool reads data
# that was just written.
set -euo pipefail

FILES=${FILES:-100000}
TOTAL_BYTES=${TOTAL_BYTES:-2000000000}
BIG_FILE_MIB=${BIG_FILE_MIB:-100}
NOCHANGE_RUNS=${NOCHANGE_RUNS:-3}
KEEP=${KEEP:-0}

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)

# shellcheck source=common.sh
. "$here/common.sh"
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.3f", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# --- tools -------------------------------------------------------------------------------------

need_rsync
command -v python3 >/dev/null 2>&1 || die "python3 is needed (file generator, JSON)"

# shellcheck source=/dev/null
. "$root/.mvn/find-jdk.sh"
[ -n "${JAVA_HOME-}" ] || die "no JDK 21+ found"

if [ -z "${DELTASYNC_JAR-}" ]; then
  log "building deltasync (./deltasync builds when its sources changed)"
  "$root/deltasync" --version >/dev/null
  DELTASYNC_JAR="$root/deltasync-cli/target/deltasync.jar"
fi
[ -f "$DELTASYNC_JAR" ] || die "no jar at $DELTASYNC_JAR"

# --- work directory and clean-up ---------------------------------------------------------------

work_directory rsync-compare
# A copy, so that a rebuild during the run (other work on the sources) cannot change the jar.
cp "$DELTASYNC_JAR" "$W/deltasync.jar"


# Every deltasync process runs through ./deltasync on the copy of the jar, as a user runs it: with
# its JVM options and start-up caches (made beside the copy). The first syncs run without the
# AOT training (DELTASYNC_NO_AOT=1: its recording would add a second or two to a first sync); the
# no-change part trains the AOT cache (JDK 25+) on uncounted runs before the counted ones.
ds() {
  DELTASYNC_JAR="$W/deltasync.jar" "$root/deltasync" "$@"
}
# The same as a process of its own (exec), so that $! of `ds_exec ... &` is the JVM itself.
ds_exec() {
  DELTASYNC_JAR="$W/deltasync.jar" exec "$root/deltasync" "$@"
}

# --- servers -----------------------------------------------------------------------------------

log "starting the deltasync server"
mkdir -p "$W/server"
ds_exec server --data "$W/server" --listen 127.0.0.1:0 >"$W/server.out" 2>"$W/server.err" &
server_pid=$!
url=""
for _ in $(seq 600); do
  url=$(sed -n 's/^listening on //p' "$W/server.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$W/server.out" "$W/server.err" >&2; die "server died"; }
  sleep 0.1
done
[ -n "$url" ] || die "the server did not start"

mkdir -p "$W/rsync-dst/big" "$W/rsync-dst/tree"
start_rsyncd "big=$W/rsync-dst/big" "tree=$W/rsync-dst/tree"

# --- deltasync user and devices ----------------------------------------------------------------

printf 'bench-password-%s\n' "$RANDOM$RANDOM" >"$W/password"
chmod 600 "$W/password"
ds user add bench --server "$url" --admin-token-file "$W/server/admin-token" \
  --password-file "$W/password" >/dev/null
mkdir -p "$W/a" "$W/b"
for dev in a b; do
  ds --home "$W/home-$dev" join "$url" --user bench --password-file "$W/password" \
    --device "$dev" >/dev/null
  ds --home "$W/home-$dev" add big "$W/$dev/big" >/dev/null
  ds --home "$W/home-$dev" add tree "$W/$dev/tree" >/dev/null
done

# rsync_run NAME SRC MODULE: rsync -a --stats SRC/ to the daemon; sets rs_ns, rs_bytes.
rsync_run() {
  local t0 t1 sent recv
  t0=$(now_ns)
  rsync -a --stats "$2/" "rsync://127.0.0.1:$rport/$3/" >"$W/rsync-$1.out"
  t1=$(now_ns)
  sent=$(sed -n 's/^Total bytes sent: *\([0-9,]*\).*/\1/p' "$W/rsync-$1.out" | tr -d ,)
  recv=$(sed -n 's/^Total bytes received: *\([0-9,]*\).*/\1/p' "$W/rsync-$1.out" | tr -d ,)
  [ -n "$sent" ] && [ -n "$recv" ] || die "no totals in $W/rsync-$1.out"
  rs_ns=$((t1 - t0))
  rs_bytes=$((sent + recv))
}

# ds_sync NAME DEVICE COLLECTION: deltasync sync --json; sets ds_ns, ds_up, ds_down.
ds_sync() {
  local t0 t1
  t0=$(now_ns)
  ds --home "$W/home-$2" sync "$3" --json >"$W/ds-$1.json"
  t1=$(now_ns)
  ds_ns=$((t1 - t0))
  read -r ds_up ds_down < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["bytesUp"], r["bytesDown"])' "$W/ds-$1.json")
}

# --- 3. first sync of FILES files, TOTAL_BYTES bytes -------------------------------------------

log "writing $FILES files, $TOTAL_BYTES bytes"
python3 "$here/gen-tree.py" "$W/src/tree" "$FILES" "$TOTAL_BYTES"
cp -a "$W/src/tree/." "$W/a/tree/"

log "first sync: rsync"
rsync_run first "$W/src/tree" tree
first_rs_ns=$rs_ns first_rs_bytes=$rs_bytes
log "first sync: deltasync A"
DELTASYNC_NO_AOT=1 ds_sync first-a a tree
first_a_ns=$ds_ns first_a_up=$ds_up
log "first sync: deltasync B"
DELTASYNC_NO_AOT=1 ds_sync first-b b tree
first_b_ns=$ds_ns first_b_down=$ds_down
diff -r -q -x .deltasync "$W/src/tree" "$W/b/tree" >/dev/null || die "B's tree differs from the source"
diff -r -q "$W/src/tree" "$W/rsync-dst/tree" >/dev/null || die "rsync's tree differs from the source"

# --- 2. no change, FILES files -----------------------------------------------------------------

# One run of each first, not counted, and for deltasync as many more (up to 3) as its launcher
# needs to train its AOT cache (JDK 25+: it records the 2nd sync after a build, and a copy of the
# launcher builds the cache in the background); the counted runs are the steady state.
log "no change: uncounted runs first (deltasync's train its start-up cache)"
rsync_run nochange-0 "$W/src/tree" tree
warmup_rs_ns=$rs_ns
major=$(deltasync_jdk_major "$JAVA_HOME")
aot_cache() { # whether the cache is there, for this JDK, and no training is running
  [ -f "$W/deltasync.aot" ] && [ -f "$W/deltasync.aot.stamp" ] && [ ! -d "$W/deltasync.aot.training" ]
}
warmup_ds=""
for _ in 1 2 3; do
  ds_sync nochange-a-0 a tree
  warmup_ds="$warmup_ds $(secs "$ds_ns")"
  if [ "${DELTASYNC_NO_AOT-}" = 1 ] || [ "${major:-0}" -lt 25 ]; then break; fi
  for _ in $(seq 300); do # a build runs in the background: wait up to 30 s for it
    [ -d "$W/deltasync.aot.training" ] || break
    sleep 0.1
  done
  aot_cache && break
done
if [ "${DELTASYNC_NO_AOT-}" = 1 ] || [ "${major:-0}" -lt 25 ]; then
  startup_cache="class-data archive (no AOT cache: JDK < 25 or DELTASYNC_NO_AOT=1)"
elif aot_cache; then
  startup_cache="AOT cache, trained on an uncounted run"
else
  startup_cache="NOT ready: see $W/deltasync.aot.log (the counted runs may have recorded)"
fi
rs_times=() ds_times=()
for i in $(seq "$NOCHANGE_RUNS"); do
  log "no change: rsync, run $i"
  rsync_run "nochange-$i" "$W/src/tree" tree
  rs_times+=("$rs_ns")
  nochange_rs_bytes=$rs_bytes
  log "no change: deltasync A, run $i"
  ds_sync "nochange-a-$i" a tree
  ds_times+=("$ds_ns")
  nochange_ds_bytes=$((ds_up + ds_down))
done
nochange_rs_ns=$(printf '%s\n' "${rs_times[@]}" | median)
nochange_ds_ns=$(printf '%s\n' "${ds_times[@]}" | median)

# --- 1. 100 bytes inserted in the middle of a BIG_FILE_MIB MiB file ----------------------------

log "writing a $BIG_FILE_MIB MiB file"
mkdir -p "$W/src/big"
head -c "$((BIG_FILE_MIB * 1048576))" /dev/urandom >"$W/src/big/big.bin"
cp -a "$W/src/big/." "$W/a/big/"
log "edit: initial copies"
rsync_run big-initial "$W/src/big" big
ds_sync big-initial-a a big
ds_sync big-initial-b b big

head -c 100 /dev/urandom >"$W/insert.bin"
insert_middle() {
  python3 - "$1" "$W/insert.bin" <<'EOF'
import os, sys
path, ins = sys.argv[1], open(sys.argv[2], "rb").read()
data = open(path, "rb").read()
mid = len(data) // 2
with open(path + ".tmp", "wb") as f:
    f.write(data[:mid]); f.write(ins); f.write(data[mid:])
os.replace(path + ".tmp", path)
EOF
}
insert_middle "$W/src/big/big.bin"
insert_middle "$W/a/big/big.bin"

log "edit: rsync"
rsync_run big-edit "$W/src/big" big
edit_rs_ns=$rs_ns edit_rs_bytes=$rs_bytes
log "edit: deltasync A"
ds_sync big-edit-a a big
edit_a_ns=$ds_ns edit_a_up=$ds_up
log "edit: deltasync B"
ds_sync big-edit-b b big
edit_b_ns=$ds_ns edit_b_down=$ds_down
cmp -s "$W/src/big/big.bin" "$W/b/big/big.bin" || die "B's big file differs from the source"
cmp -s "$W/src/big/big.bin" "$W/rsync-dst/big/big.bin" || die "rsync's big file differs"

# --- table -------------------------------------------------------------------------------------

edit_ds_bytes=$((edit_a_up + edit_b_down))
edit_ratio=$(ratio "$edit_ds_bytes" "$edit_rs_bytes")
nochange_ratio=$(ratio "$nochange_ds_ns" "$nochange_rs_ns")
first_ds_ns=$((first_a_ns + first_b_ns))
first_ratio=$(ratio "$first_ds_ns" "$first_rs_ns")
all_secs() { local t out=""; for t in "$@"; do out="$out $(secs "$t")"; done; echo "${out# }"; }
met() { if le "$1" "$2"; then echo met; else echo "NOT met"; fi; }

cat <<EOF

deltasync vs rsync (daemon on loopback): FILES=$FILES TOTAL_BYTES=$TOTAL_BYTES BIG_FILE_MIB=$BIG_FILE_MIB
$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(rsync --version | head -n 1 | sed 's/  */ /g'), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)

| scenario | rsync | deltasync | ratio | target | |
| --- | ---: | ---: | ---: | ---: | --- |
| 1. edit: 100 B inserted in ${BIG_FILE_MIB} MiB, bytes | $edit_rs_bytes | $edit_ds_bytes (A up $edit_a_up + B down $edit_b_down) | $edit_ratio | <= 0.5 | $(met "$edit_ratio" 0.5) |
| 2. no change, $FILES files, wall s (median of $NOCHANGE_RUNS) | $(secs "$nochange_rs_ns") | $(secs "$nochange_ds_ns") (A) | $nochange_ratio | <= 1.0 | $(met "$nochange_ratio" 1.0) |
| 3. first sync, $FILES files / $TOTAL_BYTES B, wall s | $(secs "$first_rs_ns") | $(secs "$first_ds_ns") (A $(secs "$first_a_ns") + B $(secs "$first_b_ns")) | $first_ratio | <= 1.5 | $(met "$first_ratio" 1.5) |

other numbers:
  1. edit, wall s: rsync $(secs "$edit_rs_ns"); deltasync A $(secs "$edit_a_ns"), B $(secs "$edit_b_ns")
  2. no change, bytes: rsync $nochange_rs_bytes; deltasync A $nochange_ds_bytes (up + down);
     all runs, s: rsync $(all_secs "${rs_times[@]}") / deltasync $(all_secs "${ds_times[@]}")
     the runs before them, not counted: rsync $(secs "$warmup_rs_ns") / deltasync$warmup_ds (train the start-up cache)
     deltasync's start-up cache in the counted runs: $startup_cache
  3. first sync, bytes: rsync $first_rs_bytes; deltasync A up $first_a_up, B down $first_b_down
EOF
