#!/usr/bin/env bash
# Real OpenZFS for zfleet's tests on machines whose kernel has no ZFS: a Debian bookworm guest with
# OpenZFS 2.3 from bookworm-backports, under QEMU (TCG), driven from the host through `zfs` and
# `zpool` wrapper programs that run the same command in the guest over one multiplexed ssh
# connection. docs/zfs.md says what the tests do with it.
#
#   deploy/openzfs-vm.sh build    build the guest image unless the cache holds one for this recipe
#                                 (about 10 minutes of both cores the first time)
#   deploy/openzfs-vm.sh up       build if needed, boot the guest unless it runs, create or import
#                                 its pools, write the wrappers (idempotent)
#   deploy/openzfs-vm.sh run CMD  run the shell command line CMD in the guest (e.g. `run zfs list`)
#   deploy/openzfs-vm.sh status   image, guest, pools, wrappers
#   deploy/openzfs-vm.sh down     export the pools, power the guest off, remove its pool disks
#
# ZFLEET_OPENZFS_CACHE  where images are cached, one directory per recipe hash
#                       (default /var/cache/zfleet/openzfs-guest, outside any checkout)
# ZFLEET_OPENZFS_DIR    this guest's directory: pool disks, wrappers (bin/zfs, bin/zpool), the
#                       pool list (pools), ssh socket, console log (default /var/tmp/zfleet-openzfs)
# ZFLEET_OPENZFS_POOLS  pools to create in the guest, at most 20 characters each
#                       (default "ozfs_t1 ozfs_t2")
# ZFLEET_OPENZFS_POOL_SIZE  size of each sparse pool disk (default 2G)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
recipe_dir=$here/openzfs-guest
cache_root=${ZFLEET_OPENZFS_CACHE:-/var/cache/zfleet/openzfs-guest}
dir=${ZFLEET_OPENZFS_DIR:-/var/tmp/zfleet-openzfs}
pools=${ZFLEET_OPENZFS_POOLS:-ozfs_t1 ozfs_t2}
pool_size=${ZFLEET_OPENZFS_POOL_SIZE:-2G}
host_alias=zfleet-openzfs-guest
boot_timeout=${ZFLEET_OPENZFS_BOOT_TIMEOUT:-300}

log() { echo "openzfs-vm.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# The cache key: the recipe's files, so a change to any of them builds a new image and nothing else does.
recipe_hash() {
  (cd "$recipe_dir" && sha256sum build-image.sh init poweroff) | sha256sum | cut -c1-16
}
image_dir() { echo "$cache_root/$(recipe_hash)"; }
image_ready() { [ -f "$(image_dir)/complete" ]; }

need_host_tools() {
  local missing=() tool
  for tool in debootstrap qemu-system-x86_64 qemu-img ssh ssh-keygen mkfs.ext4; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing[*]}: apt-get install debootstrap qemu-system-x86 qemu-utils openssh-client"
  log "installing debootstrap qemu-system-x86 qemu-utils openssh-client"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >/dev/null
  apt-get install -y -qq --no-install-recommends debootstrap qemu-system-x86 qemu-utils \
    openssh-client e2fsprogs </dev/null >/dev/null
}

build() {
  image_ready && return
  need_host_tools
  [ "$(id -u)" = 0 ] || die "building the guest image needs root (debootstrap, chroot)"
  mkdir -p "$cache_root"
  local target
  target=$(image_dir)
  # One build at a time on a machine; whoever waited finds the image made.
  exec 9>"$cache_root/build.lock"
  if ! flock -n 9; then
    log "another build of the guest image runs; waiting for it"
    flock 9
  fi
  if image_ready; then exec 9>&-; return; fi
  rm -rf --one-file-system "$target.partial"
  log "building the OpenZFS guest image into $target (about 10 minutes; log in $target.partial)"
  local started=$SECONDS
  if ! bash "$recipe_dir/build-image.sh" "$target.partial"; then
    die "the image build failed; its logs are in $target.partial"
  fi
  rm -rf --one-file-system "$target"
  mv "$target.partial" "$target"
  echo "built $(date -u +%FT%TZ) in $((SECONDS - started)) s" >"$target/complete"
  log "image built in $((SECONDS - started)) s: OpenZFS $(cat "$target/zfs-version")"
  # Older recipes' images are no use any more (a guest still running from one keeps its open files).
  local old
  for old in "$cache_root"/*/; do
    old=${old%/}
    [ "$old" = "$target" ] || [ ! -f "$old/complete" ] || rm -rf --one-file-system "$old"
  done
  exec 9>&-
}

qemu_pid() {
  local pid
  [ -f "$dir/qemu.pid" ] || return 1
  pid=$(cat "$dir/qemu.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # A pid file outliving its QEMU names some other process, or none.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$dir/console.log" || return 1
  echo "$pid"
}

guest() { ssh -F "$dir/ssh_config" "$host_alias" -- "$@"; }
guest_answers() { timeout 15 ssh -F "$dir/ssh_config" "$host_alias" -- true </dev/null >/dev/null 2>&1; }

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"
      return
    fi
  done
  die "found no free TCP port for the guest's ssh"
}

write_ssh_config() {
  local port=$1 image=$2
  cat >"$dir/ssh_config" <<CONFIG
# The OpenZFS test guest (deploy/openzfs-vm.sh): one multiplexed connection for every command.
Host $host_alias
  HostName 127.0.0.1
  Port $port
  User root
  IdentityFile $image/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $image/known_hosts
  HostKeyAlias $host_alias
  StrictHostKeyChecking yes
  BatchMode yes
  RequestTTY no
  ControlMaster auto
  ControlPath $dir/ssh.ctl
  ControlPersist yes
  ServerAliveInterval 15
  ConnectTimeout 10
  LogLevel ERROR
CONFIG
}

write_wrappers() {
  mkdir -p "$dir/bin"
  local cmd
  # zfs and zpool: those of the guest. guest: any program of the guest, e.g. to read and write
  # files below the pools' mountpoints (guest sh -c '...').
  for cmd in zfs zpool guest; do
    local program=$cmd
    [ "$cmd" = guest ] && program=
    cat >"$dir/bin/$cmd.tmp" <<WRAPPER
#!/bin/bash
# ${program:-Any program} of the OpenZFS test guest (deploy/openzfs-vm.sh): the same arguments,
# quoted for the guest's shell, over the guest's multiplexed ssh connection; stdin, stdout, stderr
# and the exit status pass through.
exec ssh -F '$dir/ssh_config' $host_alias -- "\$(printf '%q ' $program "\$@")"
WRAPPER
    chmod +x "$dir/bin/$cmd.tmp"
    mv "$dir/bin/$cmd.tmp" "$dir/bin/$cmd"
  done
}

boot() {
  local image port pool args=()
  image=$(image_dir)
  mkdir -p "$dir/disks"
  rm -f "$dir/bin/zfs" "$dir/bin/zpool" "$dir/bin/guest" "$dir/pools" "$dir/ssh.ctl"
  for pool in $pools; do
    [[ $pool =~ ^[A-Za-z][A-Za-z0-9_.:-]{0,19}$ ]] ||
      die "invalid pool name \"$pool\" in ZFLEET_OPENZFS_POOLS (a letter, then letters, digits, _.:-; at most 20)"
    [ -f "$dir/disks/$pool.img" ] || truncate -s "$pool_size" "$dir/disks/$pool.img"
    # The serial names the disk in the guest (/sys/block/vdX/serial); snapshot=off: the pool
    # disks are written, only the root image stays pristine.
    args+=(-drive "file=$dir/disks/$pool.img,if=none,id=disk-$pool,format=raw,cache=unsafe,snapshot=off"
      -device "virtio-blk-pci,drive=disk-$pool,serial=$pool")
  done
  port=$(free_port)
  write_ssh_config "$port" "$image"
  : >"$dir/console.log"
  log "booting the guest (OpenZFS $(cat "$image/zfs-version"), ssh on 127.0.0.1:$port)"
  qemu-system-x86_64 -name zfleet-openzfs -machine q35 -accel tcg,thread=multi -cpu max -m 2048 -smp 2 \
    -display none -monitor none -serial "file:$dir/console.log" -no-reboot \
    -daemonize -pidfile "$dir/qemu.pid" \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=LABEL=zfleet-root rw console=ttyS0 quiet init=/sbin/zfleet-init" \
    -drive "file=$image/rootfs.qcow2,if=none,id=root,format=qcow2,cache=unsafe" \
    -device virtio-blk-pci,drive=root -snapshot "${args[@]}" \
    -nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$port-:22" </dev/null ||
    die "QEMU did not start (see above)"
  local started=$SECONDS
  until grep -q "zfleet-guest: ready" "$dir/console.log" 2>/dev/null && guest_answers; do
    if ! qemu_pid >/dev/null; then
      tail -n 30 "$dir/console.log" >&2 || true
      die "the guest stopped while booting (console above, all of it in $dir/console.log)"
    fi
    if grep -q "Dropping to a shell" "$dir/console.log"; then
      tail -n 30 "$dir/console.log" >&2 || true
      stop_qemu
      die "the guest's initramfs found no root file system (console above, all of it in $dir/console.log)"
    fi
    if [ $((SECONDS - started)) -gt "$boot_timeout" ]; then
      tail -n 30 "$dir/console.log" >&2 || true
      die "the guest did not answer ssh within $boot_timeout s (console in $dir/console.log)"
    fi
    sleep 1
  done
  log "guest up in $((SECONDS - started)) s"
}

# In the guest: each pool on the disk whose serial is its name; imported if the disk holds it
# (a guest that was killed), created otherwise.
ensure_pools() {
  guest bash -s -- $pools <<'SCRIPT'
set -eu
for pool in "$@"; do
  zpool list -H -o name "$pool" >/dev/null 2>&1 && continue
  dev=
  for serial in /sys/block/vd*/serial; do
    [ "$(cat "$serial")" = "$pool" ] && dev=/dev/$(basename "$(dirname "$serial")")
  done
  [ -n "$dev" ] || { echo "the guest has no disk for pool $pool: its disks are fixed at boot (down, then up)" >&2; exit 1; }
  if zpool import -f -d "$dev" "$pool" >/dev/null 2>&1 || zpool import -f -d /dev "$pool" >/dev/null 2>&1; then
    echo "imported pool $pool ($dev)" >&2
  else
    zpool create -f "$pool" "$dev"
    echo "created pool $pool ($dev)" >&2
  fi
done
SCRIPT
  echo "$pools" | tr ' ' '\n' | grep . >"$dir/pools"
}

up() {
  build
  mkdir -p "$dir"
  if qemu_pid >/dev/null && guest_answers; then
    :
  else
    if qemu_pid >/dev/null; then
      log "a guest runs (pid $(qemu_pid)) but does not answer ssh; stopping it"
      stop_qemu
    fi
    boot
  fi
  ensure_pools
  write_wrappers
  status
}

stop_qemu() {
  local pid
  pid=$(qemu_pid) || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
}

down() {
  rm -f "$dir/bin/zfs" "$dir/bin/zpool" "$dir/bin/guest" "$dir/pools"
  local pid
  if pid=$(qemu_pid); then
    if guest_answers; then
      log "exporting the pools and powering the guest off"
      guest /sbin/zfleet-poweroff </dev/null >/dev/null 2>&1 || true
    fi
    for _ in $(seq 1 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "the guest did not power off within 60 s; stopping QEMU"
      stop_qemu
    fi
  fi
  [ -f "$dir/ssh_config" ] && ssh -F "$dir/ssh_config" -O exit "$host_alias" >/dev/null 2>&1 || true
  rm -f "$dir/qemu.pid" "$dir/ssh.ctl" "$dir/ssh_config"
  rm -rf "$dir/disks"
}

status() {
  if image_ready; then
    echo "image: $(image_dir) (OpenZFS $(cat "$(image_dir)/zfs-version"), $(cat "$(image_dir)/complete"))"
  else
    echo "image: not built for this recipe ($(image_dir)); run: bash deploy/openzfs-vm.sh build"
  fi
  if qemu_pid >/dev/null; then
    if guest_answers; then
      echo "guest: running (QEMU pid $(qemu_pid), $(grep -o 'Port [0-9]*' "$dir/ssh_config"))"
      guest zpool list -H -o name,size,health </dev/null 2>/dev/null | sed 's/^/pool: /' || true
    else
      echo "guest: QEMU runs (pid $(qemu_pid)) but ssh does not answer"
    fi
  else
    echo "guest: not running; run: bash deploy/openzfs-vm.sh up"
  fi
  if [ -x "$dir/bin/zfs" ]; then
    echo "wrappers: $dir/bin/zfs $dir/bin/zpool (pools: $(tr '\n' ' ' <"$dir/pools"))"
  fi
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  run)
    shift
    [ $# -gt 0 ] || die "usage: $0 run COMMAND..."
    qemu_pid >/dev/null || die "the guest is not running; run: bash deploy/openzfs-vm.sh up"
    guest "$*"
    ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: $0 build|up|run CMD|down|status" >&2
    exit 2
    ;;
esac
