# Shared by the scenario scripts beside it (sourced, not run): logging, a free loopback port, the
# work directory with its clean-up, and rsync with its daemon. The sourcing script sets KEEP and may set server_pid and
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

# need_rsync: installs rsync with apt-get when it is missing.
need_rsync() {
  command -v rsync >/dev/null 2>&1 && return
  log "installing rsync"
  if ! apt-get install -y rsync >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y rsync >/dev/null
  fi
}

# start_rsyncd NAME=PATH...: an rsync daemon on a free loopback port (config and log in W), with a
# writable module NAME at PATH per argument; sets rport and rsyncd_pid (stopped at exit).
start_rsyncd() {
  local module
  rport=$(free_port)
  {
    printf '%s\n' "pid file = $W/rsyncd.pid" "log file = $W/rsyncd.log" "use chroot = no" \
      "uid = root" "gid = root" "read only = no"
    for module in "$@"; do
      printf '[%s]\npath = %s\n' "${module%%=*}" "${module#*=}"
    done
  } >"$W/rsyncd.conf"
  log "starting the rsync daemon on port $rport"
  rsync --daemon --no-detach --config="$W/rsyncd.conf" --port="$rport" --address=127.0.0.1 &
  rsyncd_pid=$!
  for _ in $(seq 100); do
    rsync "rsync://127.0.0.1:$rport/" >/dev/null 2>&1 && return
    sleep 0.1
  done
  die "the rsync daemon did not start"
}
