#!/usr/bin/env bash
# What a first sync through a store costs with nothing but the file system at work, beside rsync.
#
# rsync copies a tree once: its sender reads the files while its receiver writes them, on two
# processes at once, and nothing is made durable. A first sync through a store (the deltasync
# server, or a directory store) is two syncs, one after the other: device A reads every file and
# the store keeps the bytes durably before A's sync ends (an acknowledged log is never lost);
# then device B writes every file and makes it durable before it records the log as applied (a
# file lost in a crash after that would be taken for a delete and propagated). This script times
# the plain-tool version of each step, on the same tree in the same run as rsync through its
# daemon on loopback (as rsync-compare.sh runs it):
#
#   rsync       rsync -a SRC/ rsync://127.0.0.1:PORT/MODULE/ into an empty module
#   A, read     tar -c of SRC into a pipe read by cat (every file opened and read, nothing kept)
#   A, store    tar -c of SRC into one file, then syncfs (sync -f): read and kept durably
#   B, write    tar -x of that file into an empty directory, then syncfs: every file created
#               and made durable
#
# A store + B write is the least a first sync through a store can take on this machine: no
# hashing, no network, no process start, no database, no second copy of the bytes in memory,
# and one syncfs instead of the server's and the receiver's fsyncs. The script prints it as a
# ratio to rsync, beside deltasync's target of 1.5 x rsync (issue 5; docs/benchmarks.md).
#
# Environment (defaults in brackets):
#   FILES [100000]  TOTAL_BYTES [2000000000]  ROUNDS [3]
#   WORKDIR [mktemp -d /tmp/firstsync-floor.XXXXXX]   must be missing or empty; deleted at the end
#   KEEP=1          keep WORKDIR
# Needs about (1 + 3 x ROUNDS) x TOTAL_BYTES of disk in WORKDIR. Installs rsync with apt-get when it is missing.
set -euo pipefail

FILES=${FILES:-100000}
TOTAL_BYTES=${TOTAL_BYTES:-2000000000}
ROUNDS=${ROUNDS:-3}
KEEP=${KEEP:-0}

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source=common.sh
. "$here/common.sh"
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

need_rsync
command -v python3 >/dev/null 2>&1 || die "python3 is needed (file generator)"

work_directory firstsync-floor
log "work directory $W"
log "generating $FILES files, $TOTAL_BYTES bytes"
python3 "$here/gen-tree.py" "$W/src" "$FILES" "$TOTAL_BYTES"
sync -f "$W/src"

mkdir -p "$W/rsync-dst"
start_rsyncd "dst=$W/rsync-dst"

# timed NAME COMMAND...: runs COMMAND; its nanoseconds go to ns[NAME,round].
declare -A ns
timed() {
  local name=$1 t0 t1
  shift
  t0=$(now_ns)
  "$@"
  t1=$(now_ns)
  ns[$name,$round]=$((t1 - t0))
  log "round $round: $name $(secs $((t1 - t0))) s"
}

for round in $(seq "$ROUNDS"); do
  # Every round writes into directories of its own, and nothing is deleted before the end: on
  # ext4 without a journal, files created soon after many were deleted are much slower to create
  # (the allocator skips recently freed inodes), which would slow whichever step came next.
  # Every step starts with nothing left to write back (the untimed sync before it).
  r="$W/round-$round"
  mkdir -p "$r/b" "$W/rsync-dst/$round"
  sync
  timed rsync rsync -a "$W/src/" "rsync://127.0.0.1:$rport/dst/$round/"
  sync
  timed read sh -c 'tar -cf - -C "$1" . | cat >/dev/null' sh "$W/src"
  timed store sh -c 'tar -cf "$2" -C "$1" . && sync -f "$2"' sh "$W/src" "$r/store.tar"
  timed write sh -c 'tar -xf "$1" -C "$2" && sync -f "$2"' sh "$r/store.tar" "$r/b"
  cmp -s <(cd "$W/src" && find . -type f -printf '%p %s\n' | sort) \
    <(cd "$r/b" && find . -type f -printf '%p %s\n' | sort) || die "B's copy differs from the source"
done

echo "first sync through a store, plain tools: FILES=$FILES TOTAL_BYTES=$TOTAL_BYTES ROUNDS=$ROUNDS"
echo "$(date -u +%FT%TZ), $(nproc) CPUs, $(rsync --version | head -1)"
echo
echo "| round | rsync | A, read | A, store | B, write | A store + B write | ratio to rsync |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq "$ROUNDS"); do
  rs=${ns[rsync,$round]}
  rd=${ns[read,$round]}
  st=${ns[store,$round]}
  wr=${ns[write,$round]}
  echo "| $round | $(secs "$rs") | $(secs "$rd") | $(secs "$st") | $(secs "$wr") | $(secs $((st + wr))) | $(awk -v a=$((st + wr)) -v b="$rs" 'BEGIN { printf "%.2f", a / b }') |"
done
echo
echo "deltasync's target for its first sync (A's sync + B's sync): 1.5 x rsync"
