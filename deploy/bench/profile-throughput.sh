#!/usr/bin/env bash
# Where the data plane's CPU goes: runs deploy/bench/throughput.sh and profiles both daemons over
# its warm transfers (and the unmeasured ones ZFLEET_BENCH_WARMUP asks for) with async-profiler
# (from Maven Central, tools.profiler:async-profiler; CPU time sampled every 2 ms by a timer, so
# system time shows under the call that made it), then prints for each node its CPU by kind, its
# busiest threads and the top frames, self and total, with their share.
# The environment is throughput.sh's (ZFLEET_BENCH_POOLS, ZFLEET_BENCH_DIR, ...). The collapsed
# stacks stay in $ZFLEET_BENCH_DIR/profile-<node>.collapsed (a flame graph tool reads them).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${ZFLEET_BENCH_DIR:-/var/tmp/zfleet-bench}
version=3.0
jar=$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar
if [ ! -f "$jar" ]; then
  mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:$version </dev/null >/dev/null
fi
mkdir -p "$work"
lib=$work/libasyncProfiler.so
unzip -o -q -j "$jar" linux-x64/libasyncProfiler.so -d "$work"
rm -f "$work/benchsrc.log" "$work"/profile-*.collapsed

sent() { local c; c=$(grep -c 'sent job_step=' "$work/benchsrc.log" 2>/dev/null) || true; echo "${c:-0}"; }
# jcmd reads key=value arguments itself: the agent's options go in quotes.
agent() { jcmd "$1" JVMTI.agent_load "$lib" "\"$2\"" >/dev/null; }
profile() {
  local pids=() n p
  for _ in $(seq 1 6000); do [ "$(sent)" -ge 1 ] && break; sleep 0.1; done
  for n in benchsrc benchdst; do
    p=$(pgrep -f "java.*$work/$n.conf" | head -1)
    pids+=("$n:$p")
    agent "$p" "start,event=itimer,interval=2ms,threads"
  done
  for _ in $(seq 1 12000); do [ "$(sent)" -ge $((4 + ${ZFLEET_BENCH_WARMUP:-0})) ] && break; sleep 0.1; done
  for n in "${pids[@]}"; do agent "${n#*:}" "stop,file=$work/profile-${n%%:*}.collapsed,collapsed"; done
}
profile &
profiler=$!
bash deploy/bench/throughput.sh
wait "$profiler"

for n in benchsrc benchdst; do
  python3 - "$work/profile-$n.collapsed" "$n" <<'PY'
import collections, re, sys
path, node = sys.argv[1], sys.argv[2]
own, total, threads, samples = collections.Counter(), collections.Counter(), collections.Counter(), 0
for line in open(path):
    stack, _, count = line.rstrip().rpartition(' ')
    frames, c = stack.split(';'), int(count)
    thread = re.sub(r'(-\d+)? tid=\d+\]$', '', frames[0]).lstrip('[')
    frames = frames[1:] or ['(no frame)']
    samples += c
    threads[thread] += c
    own[frames[-1]] += c
    for f in set(frames):
        total[f] += c
def show(title, counter, n, keep=lambda f: True):
    print(f"  {title}:")
    for f, c in [(f, c) for f, c in counter.most_common(300) if keep(f)][:n]:
        print(f"    {100 * c / samples:5.1f} %  {f}")
def kind(thread, frames):
    leaf, stack = frames[-1], ';'.join(frames)
    if thread == 'VM Thread' or 'CollectedHeap' in stack:
        return 'garbage collection'
    if 'CompilerThre' in thread:
        return 'JIT compiler'
    if re.search(r'ghash|AESCrypt|aescrypt|GaloisCounterMode|CounterMode', leaf):
        return 'TLS: AES-GCM'
    if re.search(r'__GI_read|__GI_write|__libc_(read|write)', leaf):
        pipe = re.search(r'FileInputStream|FileOutputStream', stack)
        return ('pipe ' if pipe else 'socket ') + ('read' if 'read' in leaf else 'write') + ' (system call)'
    if re.search(r'arraycopy|memcpy|memmove', leaf):
        return 'copies between buffers'
    if re.search(r'futex|pthread_cond|park|Unsafe_Unpark|lll_lock', leaf):
        return 'thread hand-offs (wait, wake)'
    if 'sun/security/ssl' in stack:
        return 'TLS: records, other'
    if 'org/apache/pekko' in stack:
        return 'Pekko (streams, actors, cluster, scheduler)'
    return 'other'
kinds = collections.Counter()
for line in open(path):
    stack, _, count = line.rstrip().rpartition(' ')
    frames = stack.split(';')
    thread = re.sub(r'(-\d+)? tid=\d+\]$', '', frames[0]).lstrip('[')
    kinds[kind(thread, frames[1:] or ['(no frame)'])] += int(count)
print(f"{node}: {samples} samples ({samples * 2 / 1000:.1f} CPU-s)")
show("by kind", kinds, 12)
show("threads", threads, 6)
show("self", own, 15)
generic = ('java/lang/Thread', 'java/util/concurrent/', 'scala/', 'org/apache/pekko/actor/',
           'org/apache/pekko/dispatch/', 'org/apache/pekko/stream/impl/fusing/', 'start_thread',
           'thread_native_entry', 'Thread::', 'JavaThread::', 'JavaCalls::', 'java_start')
show("total (without thread and actor plumbing)", total, 20, lambda f: not f.startswith(generic))
PY
done
