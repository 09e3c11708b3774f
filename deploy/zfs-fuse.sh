#!/usr/bin/env bash
# Real ZFS for zfleet's tests, CI and quickstart, on machines without a ZFS kernel module:
# Debian's zfs-fuse with file-backed pools.
#
#   deploy/zfs-fuse.sh up       install zfs-fuse if no `zfs` exists, start its daemon if none runs,
#                               wait until `zpool list` answers, create the pools (idempotent)
#   deploy/zfs-fuse.sh status   daemon, pools, and what this script created
#   deploy/zfs-fuse.sh down     destroy the pools this script created, stop the daemon if it started it
#   deploy/zfs-fuse.sh restart  stop the running daemon, whoever started it, and start it again as `up`
#                               does (the fault test ZfsDaemonRestartIT; it breaks every other user
#                               of the daemon meanwhile)
#
# ZFLEET_POOLS   pools to create (default: "zfleet_t1 zfleet_t2", the pools the tests use)
# ZFLEET_POOL_SIZE  size of each sparse image file (default 4G)
# ZFLEET_POOL_DIR   where the image files and this script's records live (default /var/tmp/zfleet)
set -euo pipefail

pools=${ZFLEET_POOLS:-zfleet_t1 zfleet_t2}
size=${ZFLEET_POOL_SIZE:-4G}
dir=${ZFLEET_POOL_DIR:-/var/tmp/zfleet}
state=$dir/created            # one line per pool this script created
started=$dir/started-daemon   # exists if this script started the daemon
pidfile=/run/zfleet-zfs-fuse.pid

log() { echo "zfs-fuse.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# Live zfs-fuse processes only: a zombie left by a killed daemon must not count as running.
daemon_pids() { ps -C zfs-fuse -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }'; }

daemon_answers() { timeout 10 zpool list -H >/dev/null 2>&1; }

valid_pool_name() { [[ $1 =~ ^[A-Za-z][A-Za-z0-9_.:-]*$ ]]; }

install_if_missing() {
  if command -v zfs >/dev/null 2>&1 && command -v zpool >/dev/null 2>&1; then
    return
  fi
  [ "$(id -u)" = 0 ] || die "no 'zfs' command and not root: install zfs-fuse (apt-get install zfs-fuse) or run as root"
  command -v apt-get >/dev/null 2>&1 || die "no 'zfs' command and no apt-get to install zfs-fuse with"
  log "installing zfs-fuse"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >/dev/null
  apt-get install -y -qq zfs-fuse </dev/null >/dev/null
  command -v zfs >/dev/null 2>&1 || die "zfs-fuse installed but no 'zfs' command on PATH"
}

# With no daemon running, every zfs-fuse mount left in the mount table belongs to a daemon that was
# killed: its directories answer "Transport endpoint is not connected", and a new daemon can mount
# nothing over them. Detach them, deepest first.
unmount_stale() {
  local m path stale
  stale=$(awk '$3 == "fuse.zfs"' /proc/mounts | wc -l)
  [ "$stale" -eq 0 ] && return
  log "detaching $stale stale zfs-fuse mounts left by a daemon that was killed"
  awk '$3 == "fuse.zfs" { print $2 }' /proc/mounts | sort -ru | while IFS= read -r m; do
    path=$(printf '%b' "$m") # /proc/mounts writes a space as \040
    # A mount listed twice, or under one already detached, is gone by the time its turn comes.
    umount -l "$path" 2>/dev/null || fusermount -uz "$path" 2>/dev/null || true
  done
  local left
  left=$(awk '$3 == "fuse.zfs"' /proc/mounts | wc -l)
  [ "$left" -eq 0 ] || log "$left stale zfs-fuse mounts could not be detached: see /proc/mounts"
}

start_daemon() {
  if daemon_answers; then
    return
  fi
  # A daemon that is stopping unmounts everything first and takes seconds: wait for it to go,
  # or the new one exits at once.
  for _ in $(seq 1 60); do
    [ -z "$(daemon_pids)" ] && break
    if daemon_answers; then return; fi
    sleep 0.5
  done
  if [ -n "$(daemon_pids)" ]; then
    daemon_answers && return
    die "a zfs-fuse process runs (pid $(daemon_pids | tr '\n' ' ')) but 'zpool list' does not answer"
  fi
  [ -e /dev/fuse ] || die "/dev/fuse is missing: zfs-fuse needs FUSE"
  command -v zfs-fuse >/dev/null 2>&1 || die "no zfs-fuse daemon binary: apt-get install zfs-fuse"
  log "starting the zfs-fuse daemon"
  mkdir -p "$dir"
  unmount_stale
  # No zfs-fuse process runs, so a pid file left by a killed daemon (or a machine whose /run
  # survived) is stale; zfs-fuse refuses to daemonize while it exists.
  if [ -e "$pidfile" ]; then
    log "removing stale pid file $pidfile"
    rm -f "$pidfile"
  fi
  # Right after a daemon was killed, its socket and FUSE connection take a moment to be released,
  # and a new daemon exits at once meanwhile: try for up to 15 s.
  local tries=0
  until zfs-fuse --pidfile "$pidfile" </dev/null >"$dir/zfs-fuse.log" 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      sed 's/^/  /' "$dir/zfs-fuse.log" >&2
      die "zfs-fuse failed to start (see above, and syslog)"
    fi
    rm -f "$pidfile"
    sleep 0.5
  done
  touch "$started"
  for _ in $(seq 1 120); do
    if daemon_answers; then
      # A restarted daemon re-imports the pools in its cache but mounts nothing.
      zfs mount -a >/dev/null 2>&1 || true
      return
    fi
    sleep 0.25
  done
  die "the zfs-fuse daemon started but 'zpool list' did not answer within 30 s"
}

pool_exists() { zpool list -H -o name "$1" >/dev/null 2>&1; }

create_pools() {
  mkdir -p "$dir/pools"
  touch "$state"
  for pool in $pools; do
    valid_pool_name "$pool" || die "invalid pool name \"$pool\" in ZFLEET_POOLS"
    local image=$dir/pools/$pool.img
    if pool_exists "$pool"; then
      continue
    fi
    if [ -f "$image" ] && zpool import -d "$dir/pools" "$pool" >/dev/null 2>&1; then
      log "imported pool $pool from $image"
      zfs mount -a >/dev/null 2>&1 || true
    else
      if zpool import -d "$dir/pools" 2>/dev/null | grep -q "pool: $pool\$"; then
        die "pool $pool exists in $dir/pools but cannot be imported"
      fi
      rm -f "$image"
      truncate -s "$size" "$image"
      zpool create -f "$pool" "$image" || die "zpool create $pool failed"
      log "created pool $pool ($size, $image)"
    fi
    grep -qx "$pool" "$state" || echo "$pool" >>"$state"
  done
}

destroy_created_pools() {
  [ -f "$state" ] || return 0
  local remaining=()
  while read -r pool; do
    [ -n "$pool" ] || continue
    valid_pool_name "$pool" || continue
    if pool_exists "$pool"; then
      zfs unmount -a >/dev/null 2>&1 || true
      local destroyed=no
      for _ in 1 2 3 4 5; do
        if zpool destroy -f "$pool" >/dev/null 2>&1; then destroyed=yes; break; fi
        sleep 1
      done
      if [ $destroyed = no ]; then
        log "could not destroy pool $pool (busy?); leaving it"
        remaining+=("$pool")
        continue
      fi
      log "destroyed pool $pool"
    fi
    rm -f "$dir/pools/$pool.img"
  done <"$state"
  if [ ${#remaining[@]} -eq 0 ]; then
    rm -f "$state"
  else
    printf '%s\n' "${remaining[@]}" >"$state"
  fi
}

stop_daemon() {
  [ -f "$started" ] || return 0
  local pids
  pids=$(daemon_pids)
  if [ -n "$pids" ]; then
    log "stopping the zfs-fuse daemon"
    kill $pids 2>/dev/null || true
    for _ in $(seq 1 120); do
      [ -z "$(daemon_pids)" ] && break
      sleep 0.25
    done
    [ -z "$(daemon_pids)" ] || die "the zfs-fuse daemon did not stop within 30 s"
  fi
  rm -f "$started" "$pidfile"
}

status() {
  if daemon_answers; then
    echo "daemon: running (pid $(daemon_pids | tr '\n' ' '))$([ -f "$started" ] && echo ', started by this script')"
  elif command -v zfs >/dev/null 2>&1; then
    echo "daemon: not answering"
  else
    echo "daemon: zfs not installed"
  fi
  echo "pools created by this script: $(tr '\n' ' ' <"$state" 2>/dev/null || true)"
  if daemon_answers; then
    zpool list -H -o name,size,health 2>/dev/null | sed 's/^/pool: /' || true
  fi
}

# Stops the running daemon whoever started it (for restart): SIGTERM, and SIGKILL if it is still
# there after 20 s, as a service manager does. zfs-fuse does not stop on SIGTERM while a receive
# runs; killed, it leaves its pools in its cache, and the next start imports them again.
stop_any_daemon() {
  local pids
  pids=$(daemon_pids)
  [ -n "$pids" ] || return 0
  log "stopping the zfs-fuse daemon (pid $(echo $pids | tr '\n' ' '))"
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 80); do
    [ -z "$(daemon_pids)" ] && break
    sleep 0.25
  done
  pids=$(daemon_pids)
  if [ -n "$pids" ]; then
    log "the zfs-fuse daemon did not stop within 20 s; killing it"
    kill -9 $pids 2>/dev/null || true
    for _ in $(seq 1 80); do
      [ -z "$(daemon_pids)" ] && break
      sleep 0.25
    done
  fi
  [ -z "$(daemon_pids)" ] || die "the zfs-fuse daemon did not stop, not even on SIGKILL"
  rm -f "$pidfile"
}

case "${1:-}" in
  up)
    install_if_missing
    start_daemon
    create_pools
    status
    ;;
  down)
    if command -v zfs >/dev/null 2>&1 && daemon_answers; then
      destroy_created_pools
    fi
    stop_daemon
    ;;
  status)
    status
    ;;
  restart)
    stop_any_daemon
    start_daemon
    create_pools
    status
    ;;
  *)
    echo "usage: $0 up|down|status|restart" >&2
    exit 2
    ;;
esac
