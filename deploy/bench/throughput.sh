#!/usr/bin/env bash
# Throughput of zfleet's replication against the physical limit on this machine.
#
# 1 GiB of random data in one filesystem, replicated three ways between two zfs-fuse pools, in
# the same run:
#   raw      zfs send | zfs receive                       (the limit)
#   zfleet   node A (push job) -> node B (sink job): two JVMs on loopback, cluster and data plane
#            over mutual TLS
#   syncoid  Debian's sanoid package, local mode
# Prints MB/s for each, the two zfleet JVMs' CPU seconds per GiB, and as its last line
# `ratio <zfleet MB/s / raw MB/s>`. ZFLEET_BENCH_MIB sets the size (default 1024).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
mib=${ZFLEET_BENCH_MIB:-1024}
work=${ZFLEET_BENCH_DIR:-/var/tmp/zfleet-bench}
src=zfleet_bench_a/data
dst=zfleet_bench_b
zfleet="$root/deploy/zfleet"

log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

# --- setup ------------------------------------------------------------------------------------
bash deploy/zfs-fuse.sh up >/dev/null
pool_gib=$(( mib * 3 / 1024 + 2 ))
ZFLEET_POOLS="zfleet_bench_a zfleet_bench_b" ZFLEET_POOL_SIZE=${pool_gib}G bash deploy/zfs-fuse.sh up >/dev/null
for pool in zfleet_bench_a zfleet_bench_b; do
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

clean_dst() {
  for fs in raw syncoid zfleet; do
    for _ in 1 2 3 4 5; do
      zfs destroy -r "$dst/$fs" 2>/dev/null && break
      zfs list -H "$dst/$fs" >/dev/null 2>&1 || break
      sleep 1
    done
  done
}
clean_dst
zfs create -o atime=off -o mountpoint=none "$dst/zfleet"

# --- raw pipe ---------------------------------------------------------------------------------
t0=$(now)
zfs send "$src@bench" | zfs receive "$dst/raw"
t1=$(now)
raw_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
raw=$(mbps "$bytes" "$raw_s")

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
ZFLEET_JAVA_OPTS="-Xmx1g" "$zfleet" daemon --config "$work/benchdst.conf" >"$work/benchdst.log" 2>&1 &
pids+=($!)
ZFLEET_JAVA_OPTS="-Xmx1g" "$zfleet" daemon --config "$work/benchsrc.conf" >"$work/benchsrc.log" 2>&1 &
pids+=($!)
target="$dst/zfleet/benchsrc/$src"
# The push job replicates at start-up once the sink is found. The rate is the transfer's own:
# bytes over the time from the first byte read from zfs send to the receiver's acknowledgement.
line=""
for _ in $(seq 1 1200); do
  line=$(grep -h 'sent job_step=' "$work/benchsrc.log" | tail -1 || true)
  [ -n "$line" ] && break
  sleep 0.1
done
[ -n "$line" ] || { log "zfleet did not replicate; logs in $work"; tail -5 "$work"/*.log; exit 1; }
zfs list -H -t snapshot "$target@bench" >/dev/null || { log "no $target@bench on the sink"; exit 1; }
zf_bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$line")
zf_rate=$(sed -n 's/.*rate=\([0-9]*\)B\/s.*/\1/p' <<<"$line")
zfleet_mbps=$(awk -v r="$zf_rate" 'BEGIN { printf "%.1f", r / 1e6 }')
cpu_ticks=0
for p in "${pids[@]}"; do cpu_ticks=$((cpu_ticks + $(cpu_of "$p"))); done
hz=$(getconf CLK_TCK)
cpu_per_gib=$(awk -v t="$cpu_ticks" -v hz="$hz" -v b="$zf_bytes" 'BEGIN { printf "%.1f", t / hz / (b / 1073741824) }')
stop_nodes
trap - EXIT

# --- syncoid ----------------------------------------------------------------------------------
t0=$(now)
syncoid --quiet --no-sync-snap "$src" "$dst/syncoid" >/dev/null 2>&1 || syncoid --quiet "$src" "$dst/syncoid" >/dev/null
t1=$(now)
sy=$(mbps "$bytes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")

clean_dst
echo "raw zfs send | zfs receive: $raw MB/s"
echo "zfleet node->node over TLS: $zfleet_mbps MB/s ($zf_bytes bytes), JVM CPU ${cpu_per_gib} s/GiB (both nodes, whole run)"
echo "syncoid (local):            $sy MB/s"
echo "ratio $(awk -v z="$zfleet_mbps" -v r="$raw" 'BEGIN { printf "%.2f", z / r }')"
