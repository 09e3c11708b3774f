#!/usr/bin/env bash
# zfleet at scale: many small filesystems, against syncoid on a tree of the same shape.
#
#   deploy/bench/scale.sh [N]        (N defaults to 1000)
#
# Makes two pools of its own (recreated every run), and on them two source trees of N + 11
# filesystems each, nested as a new user's fleet would be: a root, 10 parents, N/10 empty children
# under each, all with mountpoint=none (zfs-fuse mounts at most about 1,000 filesystems). Then, in
# the same run:
#   zfleet   one daemon with a push job (hourly snapshots, sender and receiver pruning) and a local
#            sink job: the initial replication from start-up until every filesystem has arrived,
#            then one incremental cycle after `zfleet signal wakeup` (snapshot, replicate, prune)
#            until every filesystem has been replicated and pruned on both sides
#   syncoid  `syncoid -r` of the other tree: its initial run, then one more run (a new sync
#            snapshot, its send, the old sync snapshot's pruning)
# zfleet runs `zfs` through a counting wrapper (its zfs.zfs-path), syncoid through the same wrapper
# first on its PATH, so the bench counts every zfs process and every tree listing of each phase.
# The daemon's resident memory is sampled every half second (peak of each phase; idle after the
# initial replication and after the cycle). It runs with the launcher's JVM options
# (deploy/zfleet) plus ZFLEET_SCALE_JAVA_OPTS.
#
# Prints each figure and, as its last line, `ratio <syncoid s per filesystem / zfleet s per
# filesystem>` for the incremental cycle.
#
# ZFLEET_SCALE_POOLS    the two pools, sender and receiver (default "zfleet_scale_a zfleet_scale_b");
#                       they are destroyed and created anew: never name pools holding anything else
# ZFLEET_SCALE_DIR      work directory (default /var/tmp/zfleet-scale)
# ZFLEET_SCALE_SYNCOID_N  children per syncoid tree in total (default N); syncoid takes about 0.4 s
#                       per filesystem here, so a smaller tree of the same shape saves time
# ZFLEET_SCALE_CONCURRENCY  the push job's replication.concurrency (default 8, as a fleet of small
#                       filesystems would be configured; the job default 1 replicates one
#                       filesystem at a time, as syncoid -r does); above 4 the node's
#                       limits.transfers is raised to match
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
n=${1:-1000}
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 10 ] || { echo "usage: $0 [N >= 10]" >&2; exit 2; }
read -r pool_a pool_b <<<"${ZFLEET_SCALE_POOLS:-zfleet_scale_a zfleet_scale_b}"
[ -n "$pool_b" ] && [ "$pool_a" != "$pool_b" ] || { echo "ZFLEET_SCALE_POOLS needs two pools" >&2; exit 2; }
syncoid_n=${ZFLEET_SCALE_SYNCOID_N:-$n}
concurrency=${ZFLEET_SCALE_CONCURRENCY:-8}
[[ $concurrency =~ ^[1-9][0-9]*$ ]] || { echo "ZFLEET_SCALE_CONCURRENCY must be a positive number" >&2; exit 2; }
work=${ZFLEET_SCALE_DIR:-/var/tmp/zfleet-scale}
zfleet="$root/deploy/zfleet"

log() { echo "scale: $(date +%T) $*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# --- pools and trees ---------------------------------------------------------------------------
bash deploy/zfs-fuse.sh up >/dev/null
real_zfs=$(command -v zfs)
if ! command -v syncoid >/dev/null 2>&1; then
  log "installing sanoid (syncoid) and mbuffer"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sanoid mbuffer pv lzop </dev/null >/dev/null
fi
if [ ! -f node/target/zfleet-cli.jar ]; then
  mvn -B -q -DskipTests package </dev/null
fi
for pool in "$pool_a" "$pool_b"; do
  if zpool list -H -o name "$pool" >/dev/null 2>&1; then
    # Children first: zfs-fuse calls a pool busy while any of its filesystems is mounted.
    zfs list -H -o name -r "$pool" | sort -r | while read -r fs; do zfs unmount "$fs" 2>/dev/null || true; done
    for attempt in $(seq 1 10); do
      zpool destroy -f "$pool" 2>/dev/null && break
      [ "$attempt" -lt 10 ] || { zpool destroy -f "$pool"; exit 1; }
      sleep 3 # zfs-fuse can call a pool busy for a moment after its last unmount
    done
  fi
done
rm -rf "$work"
mkdir -p "$work/bin" "$work/pools"
ZFLEET_POOLS="$pool_a $pool_b" ZFLEET_POOL_SIZE=4G ZFLEET_POOL_DIR="$work/pools" \
  bash deploy/zfs-fuse.sh up >/dev/null

src=$pool_a/zfleet
sysrc=$pool_a/syncoid
sink=$pool_b/sink
# syncoid receives below a parent that mounts nothing (zfs-fuse's mounts are few and shared).
sydst=$pool_b/syncoid/tree
# One tree: a root, 10 parents, children/10 children under each; prints the count.
make_tree() {
  local top=$1 children=$2 per=$(( $2 / 10 ))
  "$real_zfs" create -o mountpoint=none -o atime=off "$top"
  for p in $(seq 0 9); do "$real_zfs" create "$top/p$p"; done
  for p in $(seq 0 9); do for c in $(seq 1 "$per"); do echo "$top/p$p/c$c"; done; done |
    xargs -P 4 -n 25 sh -c 'for fs; do '"$real_zfs"' create "$fs"; done' sh
  echo $(( 11 + per * 10 ))
}
log "creating the trees ($n and $syncoid_n children; load $(load))"
t0=$(now)
total=$(make_tree "$src" "$n")
sytotal=$(make_tree "$sysrc" "$syncoid_n")
"$real_zfs" create -o mountpoint=none "$sink"
"$real_zfs" create -o mountpoint=none "$pool_b/syncoid"
log "created $total + $sytotal filesystems in $(secs "$t0" "$(now)") s"

# The counting wrapper: one line per zfs process (its arguments, cut short), then the real zfs.
cat >"$work/bin/zfs" <<WRAP
#!/bin/sh
printf '%.160s\n' "\$*" >>"\${ZFLEET_SCALE_COUNT:-$work/zfleet.count}"
exec "$real_zfs" "\$@"
WRAP
chmod +x "$work/bin/zfs"
: >"$work/zfleet.count"
: >"$work/syncoid.count"
mark() { wc -l <"$1"; }
# zfs processes and tree listings (zfs get/list -r) between two marks of a count file.
count_between() { sed -n "$(( $2 + 1 )),$3p" "$1" | wc -l; }
listings_between() { sed -n "$(( $2 + 1 )),$3p" "$1" | grep -Ec '^(get|list) .*-r( |$)' || true; }
verbs_between() {
  sed -n "$(( $2 + 1 )),$3p" "$1" | awk '{ v = $1; if ($1 == "get" && / -r /) v = "get -r"; c[v]++ }
    END { for (v in c) printf "%s=%d ", v, c[v]; print "" }'
}

# --- zfleet --------------------------------------------------------------------------------------
port=""
for _ in $(seq 1 50); do
  p=$(( 20000 + RANDOM % 20000 ))
  busy=$(ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -Ec ":($p|$((p + 1000))|$((p + 2000))|$((p + 3000)))\$" || true)
  if [ "$busy" -eq 0 ]; then port=$p; break; fi
done
[ -n "$port" ] || { log "no free port"; exit 1; }
conf="$work/scale.conf"
cat >"$conf" <<CONF
zfleet {
  node {
    name = "scale", data-dir = "$work/node"
    cluster { bind = "127.0.0.1:$port" }
    zfs { zfs-path = "$work/bin/zfs" }
    limits { transfers = $(( concurrency > 4 ? concurrency : 4 )) }
  }
  jobs = [
    { name = "scale_push", type = push, sink = "scale_sink"
      filesystems { "$src<" = true }
      snapshotting { type = periodic, prefix = "zfleet_", interval = 1h }
      replication { concurrency = $concurrency }
      pruning {
        keep-sender   = [ { type = not-replicated }, { type = last-n, count = 10 } ]
        keep-receiver = [ { type = last-n, count = 10 } ]
      }
    }
    { name = "scale_sink", type = sink, root-fs = "$sink", clients = ["scale"] }
  ]
}
CONF
"$zfleet" configcheck --config "$conf" >/dev/null

daemon_log="$work/daemon.log"
pid=""
sampler=""
stop_all() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT
log "starting the daemon (load $(load))"
t_start=$(now)
count_start=$(mark "$work/zfleet.count")
ZFLEET_JAVA_OPTS="${ZFLEET_SCALE_JAVA_OPTS:-}" "$zfleet" daemon --config "$conf" >"$daemon_log" 2>&1 &
pid=$!
# The java process is the launcher's exec'd child: same pid.
rss_file="$work/rss"
(
  while kill -0 "$pid" 2>/dev/null; do
    awk -v t="$(date +%s.%N)" '/^VmRSS/ { print t, $2 }' "/proc/$pid/status" 2>/dev/null || true
    sleep 0.5
  done
) >"$rss_file" &
sampler=$!
rss_peak_between() { awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b && $2 > m { m = $2 } END { printf "%d", m / 1024 }' "$rss_file"; }
rss_now() { awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$pid/status"; }

# Filesystems that, since a line of the log, were replicated (a transfer, not "up to date") and
# then, if asked for, pruned on the sender and on the receiver.
done_count() {
  sed -n "$(( $1 + 1 )),\$p" "$daemon_log" |
    awk -v prune="$2" 'index($0, "step done job=scale_push") && match($0, / fs="[^"]*"/) {
      f = substr($0, RSTART, RLENGTH)
      if (index($0, " step=replicate ") && index($0, "result=\"replicated ")) r[f] = 1
      else if (f in r && index($0, " step=prune-sender ")) s[f] = 1
      else if (f in r && index($0, " step=prune-receiver ")) v[f] = 1
    }
    END { n = 0; for (f in r) if (!prune || (f in s && f in v)) n++; print n }'
}
await() { # what, since-line, prune (0 or 1): until every filesystem is done
  local what=$1 since=$2 prune=$3
  local deadline=$(( $(date +%s) + ${ZFLEET_SCALE_TIMEOUT:-3600} ))
  while :; do
    local c status
    c=$(done_count "$since" "$prune")
    status="done=$c"
    [ "$c" -ge "$total" ] && return 0
    kill -0 "$pid" 2>/dev/null || { log "the daemon exited; see $daemon_log"; tail -20 "$daemon_log" >&2; exit 1; }
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "$what: not done after ${ZFLEET_SCALE_TIMEOUT:-3600} s ($status of $total); see $daemon_log"
      exit 1
    fi
    if [ $(( $(date +%s) % 30 )) -eq 0 ]; then log "$what: $status of $total (load $(load))"; sleep 1; fi
    sleep 0.5
  done
}
# Quiet: no new log line for 3 seconds (the cycle's last steps have ended), for at most a minute.
await_quiet() {
  local last size
  last=$(stat -c %s "$daemon_log")
  for _ in $(seq 1 20); do
    sleep 3
    size=$(stat -c %s "$daemon_log")
    [ "$size" = "$last" ] && return 0
    last=$size
  done
  log "the daemon's log did not go quiet within a minute"
}
on_receiver() { # filesystems of the zfleet tree on the receiver holding snapshot $1
  "$real_zfs" list -H -o name -t snapshot -r "$sink" 2>/dev/null | grep -c "@$1\$" || true
}

await "initial replication" 0 0
t_initial=$(now)
count_initial=$(mark "$work/zfleet.count")
await_quiet
sleep 5
idle_after_initial=$(rss_now)
log "initial replication done in $(secs "$t_start" "$t_initial") s; idle at $idle_after_initial MiB (load $(load))"

since=$(wc -l <"$daemon_log")
count_wake=$(mark "$work/zfleet.count")
load_inc=$(load)
t_wake=$(now)
"$zfleet" signal wakeup -c "$conf" scale_push >/dev/null
await "incremental cycle" "$since" 1
t_inc=$(now)
count_inc=$(mark "$work/zfleet.count")
newest=$("$real_zfs" list -H -o name -t snapshot -r "$src/p0" -s createtxg 2>/dev/null | tail -1 | sed 's/.*@//')
arrived=$(on_receiver "$newest")
await_quiet
sleep 5
idle_after_cycle=$(rss_now)
peak_initial=$(rss_peak_between "$t_start" "$t_initial")
peak_inc=$(rss_peak_between "$t_wake" "$t_inc")
hwm=$(awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
failures=$(grep -c 'step failed' "$daemon_log" || true)
stop_all
trap - EXIT

# --- syncoid -------------------------------------------------------------------------------------
export PATH="$work/bin:$PATH"
export ZFLEET_SCALE_COUNT="$work/syncoid.count"
log "syncoid initial run over $sytotal filesystems (load $(load))"
load_sy=$(load)
c0=$(mark "$work/syncoid.count")
t0=$(now)
syncoid -r --quiet "$sysrc" "$sydst" >"$work/syncoid.log" 2>&1 || { log "syncoid failed"; tail "$work/syncoid.log" >&2; exit 1; }
t1=$(now)
c1=$(mark "$work/syncoid.count")
sleep 1
syncoid -r --quiet "$sysrc" "$sydst" >>"$work/syncoid.log" 2>&1 || { log "syncoid failed"; tail "$work/syncoid.log" >&2; exit 1; }
t2=$(now)
c2=$(mark "$work/syncoid.count")
load_sy_end=$(load)

zf_initial=$(secs "$t_start" "$t_initial")
zf_inc=$(secs "$t_wake" "$t_inc")
sy_initial=$(secs "$t0" "$t1")
sy_inc=$(secs "$t1" "$t2")
echo "filesystems: zfleet $total, syncoid $sytotal (nested: root, 10 parents, children; mountpoint=none); cores $(nproc); zfleet replication.concurrency $concurrency"
echo "zfleet initial replication: $zf_initial s from daemon start, $(per "$zf_initial" "$total") s per filesystem; $(count_between "$work/zfleet.count" "$count_start" "$count_initial") zfs processes ($(per "$(count_between "$work/zfleet.count" "$count_start" "$count_initial")" "$total") per filesystem), $(listings_between "$work/zfleet.count" "$count_start" "$count_initial") tree listings"
echo "zfleet incremental cycle: $zf_inc s, $(per "$zf_inc" "$total") s per filesystem (load $load_inc at wakeup); $(count_between "$work/zfleet.count" "$count_wake" "$count_inc") zfs processes ($(per "$(count_between "$work/zfleet.count" "$count_wake" "$count_inc")" "$total") per filesystem), $(listings_between "$work/zfleet.count" "$count_wake" "$count_inc") tree listings; $arrived of $total replicas at @$newest"
echo "zfleet incremental zfs processes by verb: $(verbs_between "$work/zfleet.count" "$count_wake" "$count_inc")"
echo "zfleet resident memory: peak $peak_initial MiB during the initial replication, $peak_inc MiB during the cycle, idle $idle_after_initial MiB after the initial replication and $idle_after_cycle MiB after the cycle (VmHWM $hwm MiB); failed steps logged: $failures"
echo "syncoid initial run: $sy_initial s, $(per "$sy_initial" "$sytotal") s per filesystem; $(count_between "$work/syncoid.count" "$c0" "$c1") zfs processes ($(per "$(count_between "$work/syncoid.count" "$c0" "$c1")" "$sytotal") per filesystem)"
echo "syncoid incremental run: $sy_inc s, $(per "$sy_inc" "$sytotal") s per filesystem; $(count_between "$work/syncoid.count" "$c1" "$c2") zfs processes ($(per "$(count_between "$work/syncoid.count" "$c1" "$c2")" "$sytotal") per filesystem)"
echo "load average: $load_inc at zfleet's wakeup, $load_sy to $load_sy_end during syncoid"
echo "initial ratio $(awk -v s="$sy_initial" -v sn="$sytotal" -v z="$zf_initial" -v zn="$total" 'BEGIN { printf "%.2f", (s / sn) / (z / zn) }')"
echo "ratio $(awk -v s="$sy_inc" -v sn="$sytotal" -v z="$zf_inc" -v zn="$total" 'BEGIN { printf "%.2f", (s / sn) / (z / zn) }')"
