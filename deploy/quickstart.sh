#!/usr/bin/env bash
# zfleet's main job on one machine: a real replication between two ZFS pools.
#
# Sets up zfs-fuse with file-backed pools if no ZFS is there, builds zfleet, creates a small tree
# of filesystems on pool zfleet_prod, runs a daemon with a push job and a sink job, replicates the
# tree to pool zfleet_backup (full, then incremental after more data is written), verifies the
# data byte for byte, and shows the result. `deploy/quickstart.sh clean` removes what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo=${ZFLEET_DEMO_DIR:-/var/tmp/zfleet-demo}
zfleet="$root/deploy/zfleet"
src=zfleet_prod/data
sink=zfleet_backup/sink

say() { printf '\n== %s\n' "$*"; }

stop_daemon() {
  if [ -f "$demo/daemon.pid" ] && kill -0 "$(cat "$demo/daemon.pid")" 2>/dev/null; then
    kill -TERM "$(cat "$demo/daemon.pid")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$demo/daemon.pid")" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$demo/daemon.pid"
}

if [ "${1:-}" = clean ]; then
  stop_daemon
  zfs destroy -r "$src" 2>/dev/null || true
  zfs destroy -r "$sink" 2>/dev/null || true
  rm -rf "$demo"
  echo "removed the demo filesystems and $demo (the pools stay: deploy/zfs-fuse.sh down removes them)"
  exit 0
fi

say "ZFS"
bash deploy/zfs-fuse.sh up >/dev/null
ZFLEET_POOLS="zfleet_prod zfleet_backup" bash deploy/zfs-fuse.sh up

if [ ! -f node/target/zfleet-cli.jar ] || [ -n "$(find pom.xml protocol config core node -newer node/target/zfleet-cli.jar \( -name '*.java' -o -name '*.xml' -o -name '*.conf' \) -print -quit)" ]; then
  say "building zfleet (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package </dev/null
fi
"$zfleet" version

say "a fresh demo: filesystems on zfleet_prod, an empty sink on zfleet_backup"
stop_daemon
zfs destroy -r "$src" 2>/dev/null || true
zfs destroy -r "$sink" 2>/dev/null || true
mkdir -p "$demo"
zfs create -p "$src/projects/website"
zfs create "$src/my vm.disk"
zfs create "$src/tmp"
# The sink's replicas are never written to here: atime off keeps reads from counting as changes.
zfs create -o atime=off "$sink"
head -c 8000000 /dev/urandom > "/$src/projects/website/assets.bin"
echo "hello from zfleet" > "/$src/projects/README"
head -c 2000000 /dev/urandom > "/$src/my vm.disk/disk.img"
echo "scratch, not backed up" > "/$src/tmp/scratch"

cat > "$demo/zfleet.conf" <<CONF
zfleet {
  node { name = "demo", data-dir = "$demo/state", cluster { bind = "127.0.0.1:25620" } }
  jobs = [
    { name = "prod_to_backup", type = push, sink = "backup"
      filesystems { "$src<" = true, "$src/tmp<" = false }
      snapshotting { type = periodic, prefix = "zfleet_", interval = 10m }
      pruning {
        keep-sender   = [ { type = not-replicated }, { type = last-n, count = 5 } ]
        keep-receiver = [ { type = grid, grid = "1x1h(keep=all) | 24x1h | 30x1d", regex = "^zfleet_" } ]
      }
      replication { stall-timeout = 1m }
    }
    { name = "backup", type = sink, root-fs = "$sink", clients = ["demo"] }
  ]
}
CONF
"$zfleet" configcheck --config "$demo/zfleet.conf"

say "what the push job selects, and its plan before anything is sent"
"$zfleet" test filesystems --config "$demo/zfleet.conf" --job prod_to_backup
"$zfleet" test plan --config "$demo/zfleet.conf" --job prod_to_backup || true

say "starting the daemon (log: $demo/daemon.log)"
nohup "$zfleet" daemon --config "$demo/zfleet.conf" >"$demo/daemon.log" 2>&1 </dev/null &
echo $! > "$demo/daemon.pid"

replica() { echo "$sink/demo/$1"; }
wait_for_snapshots() { # count: every replica has at least this many snapshots
  for _ in $(seq 1 120); do
    local ok=yes
    for fs in "$src" "$src/projects" "$src/projects/website" "$src/my vm.disk"; do
      local n
      n=$(zfs list -H -t snapshot -o name -r -d 1 "$(replica "$fs")" 2>/dev/null | grep -c '@' || true)
      [ "${n:-0}" -ge "$1" ] || ok=no
    done
    [ $ok = yes ] && return 0
    kill -0 "$(cat "$demo/daemon.pid")" 2>/dev/null || { echo "the daemon exited:"; tail -20 "$demo/daemon.log"; exit 1; }
    sleep 0.5
  done
  echo "replication did not finish within 60 s:"; tail -20 "$demo/daemon.log"; exit 1
}
wait_for_snapshots 1
echo "full replication done"

say "more data, then 'zfleet signal wakeup' for an incremental replication"
head -c 3000000 /dev/urandom >> "/$src/projects/website/assets.bin"
echo "second version" >> "/$src/projects/README"
sleep 1 # snapshot names have one-second resolution
"$zfleet" signal wakeup prod_to_backup --config "$demo/zfleet.conf"
wait_for_snapshots 2
echo "incremental replication done"

say "the backup, byte for byte"
status=0
for fs in "$src/projects/website" "$src/projects" "$src/my vm.disk"; do
  (cd "/$fs" && find . -maxdepth 1 -type f -exec sha256sum {} + | sort) > "$demo/a.sum"
  (cd "/$(replica "$fs")" && find . -maxdepth 1 -type f -exec sha256sum {} + | sort) > "$demo/b.sum"
  if cmp -s "$demo/a.sum" "$demo/b.sum"; then echo "equal: $fs"; else echo "DIFFERENT: $fs"; status=1; fi
done
if zfs list -H "$(replica "$src/tmp")" >/dev/null 2>&1; then echo "excluded $src/tmp was replicated"; status=1; else echo "excluded, as configured: $src/tmp"; fi

say "zfs list -t all -r $sink"
zfs list -t all -r -o name,used "$sink"
say "zfleet status"
"$zfleet" status --config "$demo/zfleet.conf" || true

say "stopping the daemon (SIGTERM)"
stop_daemon
echo "done. Try: $zfleet test prune --config $demo/zfleet.conf --job prod_to_backup"
echo "clean up: deploy/quickstart.sh clean"
exit $status
