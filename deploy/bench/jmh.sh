#!/usr/bin/env bash
# JMH benchmarks of the pure planning code at fleet scale (core/src/bench/java, Maven profile
# "bench"): the cycle planner (PlannerBenchmark: plan and prepare) and the pruner
# (PrunerBenchmark), at 1,000 and 10,000 filesystems of 1,000 snapshots each.
#
#   deploy/bench/jmh.sh [JMH arguments]     e.g. deploy/bench/jmh.sh PlannerBenchmark -p filesystems=10000
#
# Builds the benchmarks (never part of mvn verify's tests) and runs org.openjdk.jmh.Main on them.
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -q -Pbench -pl core -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test </dev/null
exec java -cp "core/target/bench-classes:core/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
