# Shared by the scenario scripts beside it (sourced, not run): logging, a free loopback port, and
# the work directory with its clean-up. The sourcing script sets KEEP and may set server_pid and
# rsyncd_pid (processes stopped at exit).

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
now_ns() { date +%s%N; }
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# work_directory NAME: sets W to WORKDIR (must be missing or empty), else to a new
# /tmp/NAME.XXXXXX; at exit stops server_pid and rsyncd_pid and deletes W unless KEEP=1.
server_pid=""
rsyncd_pid=""
work_directory() {
  if [ -z "${WORKDIR-}" ]; then
    WORKDIR=$(mktemp -d "/tmp/$1.XXXXXX")
  else
    mkdir -p "$WORKDIR"
    [ -z "$(ls -A "$WORKDIR")" ] || die "WORKDIR $WORKDIR is not empty"
  fi
  W=$(cd "$WORKDIR" && pwd -P)
  trap clean_up EXIT
  trap 'exit 130' INT TERM
}

clean_up() {
  set +e
  local pid
  for pid in $server_pid $rsyncd_pid; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ "${KEEP:-0}" = 1 ]; then
    log "kept $W"
  else
    rm -rf "$W"
  fi
}
