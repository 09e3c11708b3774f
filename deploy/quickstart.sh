#!/usr/bin/env bash
# zfleet's main job on one machine: real ZFS (zfs-fuse with file-backed pools when no ZFS is
# there), a build, and what zfleet sees.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/zfs-fuse.sh up
if [ ! -f node/target/zfleet-cli.jar ] || [ -n "$(find protocol config core node -name '*.java' -newer node/target/zfleet-cli.jar -print -quit)" ]; then
  echo "== building zfleet"
  mvn -B -q -DskipTests package </dev/null
fi
echo "== zfleet"
deploy/zfleet version
echo "== ZFS filesystems"
zfs list -H -o name,used,mountpoint
