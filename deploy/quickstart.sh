#!/usr/bin/env bash
# zfleet's main job on one machine: two nodes of a cluster, a real replication between them.
#
# Sets up zfs-fuse with file-backed pools if no ZFS is there, builds zfleet, makes the cluster's
# certificates, creates a small tree of filesystems on pool zfleet_prod, starts a production node
# (push job) and a backup node (sink job) on 127.0.0.1, which form a cluster over mutual TLS;
# replicates the tree into pool zfleet_backup (full, then incremental after more data is written),
# verifies the data byte for byte and shows the result. The nodes keep running:
#   deploy/quickstart.sh stop    stops them (SIGTERM)
#   deploy/quickstart.sh clean   stops them and removes the demo filesystems and files
#   deploy/quickstart.sh local   the same replication with both jobs in one daemon
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo=${ZFLEET_DEMO_DIR:-/var/tmp/zfleet-demo}
zfleet="$root/deploy/zfleet"
src=zfleet_prod/data
sink=zfleet_backup/sink

say() { printf '\n== %s\n' "$*"; }
mode=${1:-cluster}

# Node name -> pid file; the local mode runs one daemon named "demo".
stop_nodes() {
  for pidfile in "$demo"/*.pid; do
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$pidfile"
  done
}

# The demo's own trees: first the holds zfleet put on the sender's snapshots (they protect the
# incremental base and block `zfs destroy`), then the tree; zfs-fuse can call a just-used
# filesystem busy for a moment, so retry before giving up.
destroy_tree() {
  zfs list -H "$1" >/dev/null 2>&1 || return 0
  { zfs list -H -t snapshot -o name,userrefs -r "$1" 2>/dev/null || true; } | while IFS=$'\t' read -r snap refs; do
    [ "$refs" != 0 ] || continue
    for tag in zfleet_cursor.prod_to_backup.backup zfleet_step.prod_to_backup.backup; do
      zfs release "$tag" "$snap" 2>/dev/null || true
    done
  done
  for _ in $(seq 1 20); do
    zfs list -H "$1" >/dev/null 2>&1 || return 0
    zfs destroy -r "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "cannot destroy $1: $(zfs destroy -r "$1" 2>&1)" >&2
  return 1
}

case "$mode" in
  stop) stop_nodes; echo "stopped"; exit 0 ;;
  clean)
    stop_nodes
    destroy_tree "$src"
    destroy_tree "$sink"
    rm -rf "$demo"
    echo "removed the demo filesystems and $demo (the pools stay: deploy/zfs-fuse.sh down removes them)"
    exit 0 ;;
  cluster|local) ;;
  *) echo "usage: $0 [cluster|local|stop|clean]" >&2; exit 2 ;;
esac

say "ZFS"
bash deploy/zfs-fuse.sh up >/dev/null
ZFLEET_POOLS="zfleet_prod zfleet_backup" bash deploy/zfs-fuse.sh up

if [ ! -f node/target/zfleet-cli.jar ] || [ -n "$(find pom.xml protocol config core node -newer node/target/zfleet-cli.jar \( -name '*.java' -o -name '*.xml' -o -name '*.conf' \) -print -quit)" ]; then
  say "building zfleet (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package </dev/null
fi
"$zfleet" version

say "a fresh demo: filesystems on zfleet_prod, an empty sink on zfleet_backup"
stop_nodes
destroy_tree "$src"
destroy_tree "$sink"
rm -rf "$demo"
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

push_job() { # the push job, sending to sink "backup"
  cat <<CONF
    { name = "prod_to_backup", type = push, sink = "backup"
      filesystems { "$src<" = true, "$src/tmp<" = false }
      snapshotting { type = periodic, prefix = "zfleet_", interval = 10m }
      pruning {
        keep-sender   = [ { type = not-replicated }, { type = last-n, count = 5 } ]
        keep-receiver = [ { type = grid, grid = "1x1h(keep=all) | 24x1h | 30x1d", regex = "^zfleet_" } ]
      }
      replication { stall-timeout = 1m }
    }
CONF
}
sink_job() { echo "    { name = \"backup\", type = sink, root-fs = \"$sink\", clients = [\"prod\"] }"; }

if [ "$mode" = local ]; then
  prod_conf="$demo/prod.conf"
  cat > "$prod_conf" <<CONF
zfleet {
  node { name = "prod", data-dir = "$demo/prod", cluster { bind = "127.0.0.1:25620" } }
  jobs = [
$(push_job)
$(sink_job)
  ]
}
CONF
  confs=("$prod_conf")
  names=(prod)
else
  say "certificates for the cluster (zfleet cert)"
  "$zfleet" cert create-ca --dir "$demo/certs"
  "$zfleet" cert create-node prod --dir "$demo/certs"
  "$zfleet" cert create-node backup1 --dir "$demo/certs"
  tls() { echo "tls { ca = \"$demo/certs/ca.crt\", cert = \"$demo/certs/$1.crt\", key = \"$demo/certs/$1.key\" }"; }
  prod_conf="$demo/prod.conf"
  backup_conf="$demo/backup1.conf"
  cat > "$backup_conf" <<CONF
zfleet {
  node { name = "backup1", data-dir = "$demo/backup1"
    cluster { bind = "127.0.0.1:25621", seed-nodes = ["127.0.0.1:25621"] }
    $(tls backup1) }
  jobs = [
$(sink_job)
  ]
}
CONF
  cat > "$prod_conf" <<CONF
zfleet {
  node { name = "prod", data-dir = "$demo/prod"
    cluster { bind = "127.0.0.1:25620", seed-nodes = ["127.0.0.1:25621"] }
    $(tls prod) }
  jobs = [
$(push_job)
  ]
}
CONF
  confs=("$backup_conf" "$prod_conf")
  names=(backup1 prod)
fi
for c in "${confs[@]}"; do "$zfleet" configcheck --config "$c"; done

say "what the push job selects, and its plan before anything is sent"
"$zfleet" test filesystems --config "$prod_conf" --job prod_to_backup
if [ "$mode" = local ]; then "$zfleet" test plan --config "$prod_conf" --job prod_to_backup || true; fi

for i in "${!confs[@]}"; do
  say "starting node ${names[$i]} (log: $demo/${names[$i]}.log)"
  nohup "$zfleet" daemon --config "${confs[$i]}" >"$demo/${names[$i]}.log" 2>&1 </dev/null &
  echo $! > "$demo/${names[$i]}.pid"
done

replica() { echo "$sink/prod/$1"; }
wait_for_snapshots() { # count: every replica has at least this many snapshots
  for _ in $(seq 1 180); do
    local ok=yes
    for fs in "$src" "$src/projects" "$src/projects/website" "$src/my vm.disk"; do
      local n
      n=$(zfs list -H -t snapshot -o name -r -d 1 "$(replica "$fs")" 2>/dev/null | grep -c '@' || true)
      [ "${n:-0}" -ge "$1" ] || ok=no
    done
    [ $ok = yes ] && return 0
    for name in "${names[@]}"; do
      kill -0 "$(cat "$demo/$name.pid")" 2>/dev/null || { echo "node $name exited:"; tail -20 "$demo/$name.log"; exit 1; }
    done
    sleep 0.5
  done
  echo "replication did not finish within 90 s:"; tail -20 "$demo"/*.log; exit 1
}
wait_for_snapshots 1
echo "full replication done"

say "more data, then 'zfleet signal wakeup' for an incremental replication"
head -c 3000000 /dev/urandom >> "/$src/projects/website/assets.bin"
echo "second version" >> "/$src/projects/README"
sleep 1 # snapshot names have one-second resolution
"$zfleet" signal wakeup prod_to_backup --config "$prod_conf"
wait_for_snapshots 2
echo "incremental replication done"

say "the backup, byte for byte"
status=0
# Mount the replicas anew, parents first: zfs-fuse can serve pages cached before the last
# receive. A replica whose child arrived first began as a placeholder and stays canmount=off
# (see docs/operations.md): let it mount for the comparison.
zfs list -H -o name -r "$sink/prod" | sort -r | while read -r d; do zfs unmount "$d" 2>/dev/null || true; done
# Mounting a child before its parent left empty mountpoint directories in the way.
find "/$sink/prod" -depth -mindepth 1 -type d -empty -delete 2>/dev/null || true
zfs list -H -o name,zfleet:role,canmount -r "$sink/prod" | while IFS=$'\t' read -r d role canmount; do
  if [ "$role" = replica ] && [ "$canmount" = off ]; then zfs set canmount=on "$d"; fi
done
zfs list -H -o name -r "$sink/prod" | sort | while read -r d; do zfs mount "$d" 2>/dev/null || true; done
for fs in "$src/projects/website" "$src/projects" "$src/my vm.disk"; do
  (cd "/$fs" && find . -maxdepth 1 -type f -exec sha256sum {} + | sort) > "$demo/a.sum"
  (cd "/$(replica "$fs")" && find . -maxdepth 1 -type f -exec sha256sum {} + | sort) > "$demo/b.sum"
  if cmp -s "$demo/a.sum" "$demo/b.sum"; then echo "equal: $fs"; else echo "DIFFERENT: $fs"; status=1; fi
done
if zfs list -H "$(replica "$src/tmp")" >/dev/null 2>&1; then echo "excluded $src/tmp was replicated"; status=1; else echo "excluded, as configured: $src/tmp"; fi

say "zfs list -t all -r $sink"
zfs list -t all -r -o name,used "$sink"
say "zfleet status of node prod"
"$zfleet" status --config "$prod_conf" || true

say "the nodes keep running"
for name in "${names[@]}"; do echo "  $name: pid $(cat "$demo/$name.pid"), config $demo/$name.conf, log $demo/$name.log"; done
echo "Try:   $zfleet status --config $prod_conf"
echo "       $zfleet test prune --config $prod_conf --job prod_to_backup"
echo "Stop:  deploy/quickstart.sh stop      Clean up: deploy/quickstart.sh clean"
exit $status
