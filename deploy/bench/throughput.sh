#!/usr/bin/env bash
# Throughput of zfleet's replication against the physical limit on this machine.
#
# 1 GiB of random data in one filesystem, replicated three ways between two zfs-fuse pools, in
# the same run:
#   raw      zfs send | zfs receive                       (the limit)
#   zfleet   node A (push job) -> node B (sink job): two JVMs on loopback, cluster and data plane
#            over mutual TLS
#   syncoid  Debian's sanoid package, local mode
# zfleet is measured on its first transfer after the nodes start (cold: the JVMs have not compiled
# their TLS and copying paths yet) and on three more (warm, the median counts: a daemon runs for
# weeks; ZFLEET_BENCH_WARMUP=N sends N more, unmeasured, before those three). The raw pipe varies
# from run to run on zfs-fuse, so it runs three times between the others and its median counts.
# Prints MB/s for each, CPU seconds per GiB of the two zfleet JVMs and of the zfs-fuse daemon (the
# budget they share on a small machine), and as its last line `ratio <zfleet warm MB/s / raw MB/s>`.
# ZFLEET_BENCH_MIB sets the size (default 1024); ZFLEET_BENCH_POOLS the two pools it makes and
# uses (default "zfleet_bench_a zfleet_bench_b"). The daemons run with the launcher's JVM options
# (deploy/zfleet), as a node does, plus ZFLEET_BENCH_JAVA_OPTS_SRC / _DST.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
mib=${ZFLEET_BENCH_MIB:-1024}
work=${ZFLEET_BENCH_DIR:-/var/tmp/zfleet-bench}
read -r pool_a pool_b <<<"${ZFLEET_BENCH_POOLS:-zfleet_bench_a zfleet_bench_b}"
src=$pool_a/data
dst=$pool_b
zfleet="$root/deploy/zfleet"

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

# --- setup ------------------------------------------------------------------------------------
bash deploy/zfs-fuse.sh up >/dev/null
pool_gib=$(( mib * 3 / 1024 + 2 ))
ZFLEET_POOLS="$pool_a $pool_b" ZFLEET_POOL_SIZE=${pool_gib}G bash deploy/zfs-fuse.sh up >/dev/null
for pool in "$pool_a" "$pool_b"; do
  size=$(zpool list -H -o size "$pool")
  case "$size" in
    *G) [ "${size%%.*}" -ge $((pool_gib - 1)) ] 2>/dev/null || { log "pool $pool ($size) is too small for $mib MiB: zpool destroy it and run again"; exit 1; } ;;
  esac
done
if ! command -v syncoid >/dev/null 2>&1; then
  log "installing sanoid (syncoid) and mbuffer"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sanoid mbuffer pv lzop </dev/null >/dev/null
fi
if [ ! -f node/target/zfleet-cli.jar ]; then
  mvn -B -q -DskipTests package </dev/null
fi
mkdir -p "$work"

if [ "$(zfs get -H -o value zfleet:bench-mib "$src" 2>/dev/null)" != "$mib" ]; then
  log "writing $mib MiB of random data into $src (once; zfs-fuse writes about 50 MB/s)"
  # An earlier run's replication cursor holds the source snapshot: release it first.
  zfs release zfleet_cursor.bench_push.bench_sink "$src@bench" 2>/dev/null || true
  zfs destroy -r "$src" 2>/dev/null || true
  zfs create -o atime=off "$src"
  head -c $((mib * 1024 * 1024)) /dev/urandom > "/$src/random.bin"
  zfs snapshot "$src@bench"
  zfs set zfleet:bench-mib="$mib" "$src"
fi
# This first read also warms the cache, so every variant below reads the stream the same way.
bytes=$(zfs send "$src@bench" | wc -c)
log "stream size: $bytes bytes"

# zfs-fuse can refuse to destroy a freshly received, mounted filesystem ("dataset is busy") after it
# has already destroyed its snapshots: unmount and try again until it is gone.
destroy_tree() {
  for _ in $(seq 1 10); do
    zfs list -H "$1" >/dev/null 2>&1 || return 0
    zfs destroy -r "$1" 2>/dev/null && return 0
    zfs unmount -f "$1" 2>/dev/null || true
    sleep 1
  done
  log "cannot destroy $1"
  return 1
}
clean_dst() {
  for fs in raw syncoid zfleet; do
    destroy_tree "$dst/$fs"
  done
}
clean_dst
zfs create -o atime=off -o mountpoint=none "$dst/zfleet"

# --- raw pipe ---------------------------------------------------------------------------------
# The pipe's rate varies from run to run on zfs-fuse (the daemon's cache, its threads): it is
# measured three times, before, between and after the zfleet transfers, and the median is used.
raw_rates=()
# zfs-fuse does the work of zfs send and zfs receive in its daemon; OpenZFS has none (kernel).
zfs_daemon_ticks() {
  local p
  p=$(pgrep -x zfs-fuse | head -1 || true)
  if [ -n "$p" ]; then awk '{ print $14 + $15 }' "/proc/$p/stat"; else echo 0; fi
}
raw_daemon_ticks=0
raw_pipe() {
  destroy_tree "$dst/raw"
  local t0 t1
  local d0
  d0=$(zfs_daemon_ticks)
  t0=$(now)
  zfs send "$src@bench" | zfs receive "$dst/raw"
  t1=$(now)
  raw_daemon_ticks=$((raw_daemon_ticks + $(zfs_daemon_ticks) - d0))
  raw_rates+=("$(mbps "$bytes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")")
}
raw_pipe

# --- zfleet, two nodes over TLS ---------------------------------------------------------------
certs="$work/certs"
if [ ! -f "$certs/ca.crt" ]; then
  "$zfleet" cert create-ca --dir "$certs" >/dev/null
fi
for n in benchsrc benchdst; do
  [ -f "$certs/$n.crt" ] || "$zfleet" cert create-node "$n" --dir "$certs" >/dev/null
done
cat > "$work/benchdst.conf" <<CONF
zfleet {
  node { name = "benchdst", data-dir = "$work/benchdst"
    cluster { bind = "127.0.0.1:25701", seed-nodes = ["127.0.0.1:25701"] }
    tls { ca = "$certs/ca.crt", cert = "$certs/benchdst.crt", key = "$certs/benchdst.key" } }
  jobs = [ { name = "bench_sink", type = sink, root-fs = "$dst/zfleet", clients = ["benchsrc"] } ]
}
CONF
cat > "$work/benchsrc.conf" <<CONF
zfleet {
  node { name = "benchsrc", data-dir = "$work/benchsrc"
    cluster { bind = "127.0.0.1:25700", seed-nodes = ["127.0.0.1:25701"] }
    tls { ca = "$certs/ca.crt", cert = "$certs/benchsrc.crt", key = "$certs/benchsrc.key" } }
  jobs = [ { name = "bench_push", type = push, sink = "bench_sink"
    filesystems { "$src" = true }
    snapshotting { type = manual }
    pruning { scope = all, keep-sender = [ { type = regex, regex = "." } ], keep-receiver = [ { type = regex, regex = "." } ] }
    replication { initial-replication = all, stall-timeout = 2m } } ]
}
CONF
pids=()
stop_nodes() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_nodes EXIT
cpu_of() { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"; }
ZFLEET_JAVA_OPTS="${ZFLEET_BENCH_JAVA_OPTS_DST:-}" "$zfleet" daemon --config "$work/benchdst.conf" >"$work/benchdst.log" 2>&1 &
pids+=($!)
ZFLEET_JAVA_OPTS="${ZFLEET_BENCH_JAVA_OPTS_SRC:-}" "$zfleet" daemon --config "$work/benchsrc.conf" >"$work/benchsrc.log" 2>&1 &
pids+=($!)
target="$dst/zfleet/benchsrc/$src"
hz=$(getconf CLK_TCK)
jvm_ticks() { local t=0 p; for p in "${pids[@]}"; do t=$((t + $(cpu_of "$p"))); done; echo "$t"; }
# The Nth replication's log line, once it is there. Its rate is the transfer's own: bytes over the
# time from the first byte read from zfs send to the receiver's acknowledgement.
await_sent() {
  local n=$1 line=""
  for _ in $(seq 1 1200); do
    line=$(grep -h 'sent job_step=' "$work/benchsrc.log" | sed -n "${n}p")
    [ -n "$line" ] && break
    sleep 0.1
  done
  [ -n "$line" ] || { log "zfleet did not replicate (transfer $n); logs in $work"; tail -5 "$work"/*.log; exit 1; }
  zfs list -H -t snapshot "$target@bench" >/dev/null || { log "no $target@bench on the sink"; exit 1; }
  echo "$line"
}
rate_of() { awk -v r="$(sed -n 's/.*rate=\([0-9]*\)B\/s.*/\1/p' <<<"$1")" 'BEGIN { printf "%.1f", r / 1e6 }'; }

# Cold: the push job replicates at start-up, once the sink is found, in JVMs that have not yet
# compiled their TLS and copying paths.
cold_line=$(await_sent 1)
zfleet_cold=$(rate_of "$cold_line")
zf_bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$cold_line")
startup_ticks=$(jvm_ticks)
raw_pipe

# Warm: the same GiB again, three times, as a long-running daemon sends it; the median counts.
# Destroying the replica makes the next cycle a full send again; the sender's cursor is the same
# snapshot, so nothing else changes. ZFLEET_BENCH_WARMUP (default 0) transfers go first, unmeasured:
# two minutes after start the JIT still compiles the daemon's own code (cluster, actors), which a
# daemon that has run for a while no longer does.
replicate_again() {
  destroy_tree "$dst/zfleet/benchsrc"
  "$zfleet" signal wakeup -c "$work/benchsrc.conf" bench_push >/dev/null
  await_sent "$1" >/dev/null
}
first_warm=2
for _ in $(seq 1 "${ZFLEET_BENCH_WARMUP:-0}"); do
  replicate_again "$first_warm"
  first_warm=$((first_warm + 1))
done
warm_rates=()
warm_ticks=0
warm_daemon_ticks=0
for n in $first_warm $((first_warm + 1)) $((first_warm + 2)); do
  destroy_tree "$dst/zfleet/benchsrc"
  d0=$(zfs_daemon_ticks)
  ticks0=$(jvm_ticks)
  "$zfleet" signal wakeup -c "$work/benchsrc.conf" bench_push >/dev/null
  warm_line=$(await_sent "$n")
  ticks1=$(jvm_ticks)
  warm_rates+=("$(rate_of "$warm_line")")
  warm_ticks=$((warm_ticks + ticks1 - ticks0))
  warm_daemon_ticks=$((warm_daemon_ticks + $(zfs_daemon_ticks) - d0))
done
zfleet_warm=$(printf '%s\n' "${warm_rates[@]}" | sort -n | sed -n 2p)
cpu_per_gib() { awk -v t="$1" -v hz="$hz" -v b="$zf_bytes" 'BEGIN { printf "%.1f", t / hz / (b / 1073741824) }'; }
warm_cpu=$(cpu_per_gib $((warm_ticks / 3)))
cold_cpu=$(cpu_per_gib "$startup_ticks")
# Peak resident memory of each JVM over the whole run (the launcher caps the heap).
peak_rss=""
for p in "${pids[@]}"; do
  peak_rss+="$(awk '/^VmHWM/ { printf "%d MiB ", $2 / 1024 }' "/proc/$p/status")"
done
stop_nodes
trap - EXIT
raw_pipe

# --- syncoid ----------------------------------------------------------------------------------
t0=$(now)
syncoid --quiet --no-sync-snap "$src" "$dst/syncoid" >/dev/null 2>&1 || syncoid --quiet "$src" "$dst/syncoid" >/dev/null
t1=$(now)
sy=$(mbps "$bytes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")

clean_dst
raw=$(printf '%s\n' "${raw_rates[@]}" | sort -n | sed -n 2p)
echo "raw zfs send | zfs receive: $raw MB/s (median of ${raw_rates[*]})"
echo "zfleet node->node over TLS, first transfer after start: $zfleet_cold MB/s, both JVMs ${cold_cpu} CPU-s/GiB (start-up and cluster join included)"
echo "zfleet node->node over TLS, warm: $zfleet_warm MB/s (median of ${warm_rates[*]}; $zf_bytes bytes each), both JVMs ${warm_cpu} CPU-s/GiB"
echo "zfleet peak resident memory (sink node, push node): ${peak_rss% }"
echo "syncoid (local, mbuffer): $sy MB/s"
if [ "$raw_daemon_ticks" -gt 0 ]; then
  echo "zfs-fuse daemon: $(cpu_per_gib $((raw_daemon_ticks / 3))) CPU-s/GiB under the raw pipe, $(cpu_per_gib $((warm_daemon_ticks / 3))) under zfleet (warm); cores: $(nproc)"
fi
echo "cold ratio $(awk -v z="$zfleet_cold" -v r="$raw" 'BEGIN { printf "%.2f", z / r }')"
echo "ratio $(awk -v z="$zfleet_warm" -v r="$raw" 'BEGIN { printf "%.2f", z / r }')"
