#!/usr/bin/env bash
# Builds the OpenZFS test guest into the directory OUT (which must not exist): a Debian bookworm
# root file system made with debootstrap, OpenZFS from bookworm-backports compiled by DKMS inside
# the chroot for the guest's own kernel (the host kernel is never touched), sshd with a key made
# here, and this directory's init and poweroff as /sbin/zfleet-init and /sbin/zfleet-poweroff.
#
#   build-image.sh OUT
#
# OUT then holds: vmlinuz, initrd.img, rootfs.qcow2, id_ed25519 (root's key into the guest),
# known_hosts (the guest's host key, under the alias zfleet-openzfs-guest), zfs-version.
# deploy/openzfs-vm.sh calls this through `build`; its cache key is a hash of this directory, so
# any change here makes a new image.
set -euo pipefail

out=${1:?usage: build-image.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
mirror=${ZFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${ZFLEET_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

log() { echo "build-image.sh: $(date +%H:%M:%S) $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"
[ ! -e "$out" ] || die "$out exists"
for tool in debootstrap mkfs.ext4 qemu-img ssh-keygen chroot; do
  command -v "$tool" >/dev/null 2>&1 || die "missing $tool (apt-get install debootstrap qemu-utils openssh-client e2fsprogs)"
done

mkdir -p "$out"
work=$out/work
rootfs=$work/rootfs
mkdir -p "$rootfs"

chroot_mounts=(proc sys dev dev/pts)
unmount_chroot() {
  local m
  for m in dev/pts dev sys proc; do
    if mountpoint -q "$rootfs/$m" 2>/dev/null; then umount -l "$rootfs/$m" || true; fi
  done
}
cleanup() {
  unmount_chroot
  # --one-file-system: never reach through a mount that is still there into the host's /dev.
  if ! grep -q " $rootfs/" /proc/mounts; then rm -rf --one-file-system "$work"; fi
}
trap cleanup EXIT

log "debootstrap (minbase bookworm)"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$out/debootstrap.log" 2>&1 ||
  { tail -n 30 "$out/debootstrap.log" >&2; die "debootstrap failed"; }

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main contrib
deb $mirror bookworm-updates main contrib
deb $security_mirror bookworm-security main contrib
deb $mirror bookworm-backports main contrib
SOURCES
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
chmod +x "$rootfs/usr/sbin/policy-rc.d"
echo zfleet-openzfs >"$rootfs/etc/hostname"
for m in "${chroot_mounts[@]}"; do
  mount --bind "/$m" "$rootfs/$m"
done

in_chroot() {
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 HOME=/root "$@" </dev/null
}
apt_install() {
  in_chroot apt-get install -y -q --no-install-recommends "$@" >>"$out/apt.log" 2>&1 ||
    { tail -n 40 "$out/apt.log" >&2; die "apt-get install $* failed"; }
}

log "kernel and headers"
in_chroot apt-get update -q >"$out/apt.log" 2>&1 || { tail -n 20 "$out/apt.log" >&2; die "apt-get update failed"; }
apt_install linux-image-amd64 linux-headers-amd64 kmod initramfs-tools
log "OpenZFS from bookworm-backports (DKMS compiles the module: the long part)"
apt_install -t bookworm-backports zfs-dkms zfsutils-linux
log "sshd"
apt_install openssh-server iproute2 procps
in_chroot apt-get clean

ko=$(find "$rootfs/lib/modules" -name 'zfs.ko*' | head -n 1)
[ -n "$ko" ] || { in_chroot dkms status >&2 || true; die "DKMS built no zfs module"; }
dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${Version}\n' zfsutils-linux >"$out/zfs-version"
log "zfsutils-linux $(cat "$out/zfs-version"), module $(basename "$ko")"

install -m 0755 "$here/init" "$rootfs/sbin/zfleet-init"
install -m 0755 "$here/poweroff" "$rootfs/sbin/zfleet-poweroff"
ssh-keygen -q -t ed25519 -N '' -C zfleet-openzfs-guest -f "$out/id_ed25519"
install -d -m 0700 "$rootfs/root/.ssh"
install -m 0600 "$out/id_ed25519.pub" "$rootfs/root/.ssh/authorized_keys"
rm -f "$rootfs"/etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C zfleet-openzfs-guest -f "$rootfs/etc/ssh/ssh_host_ed25519_key"
echo "zfleet-openzfs-guest $(cut -d' ' -f1,2 "$rootfs/etc/ssh/ssh_host_ed25519_key.pub")" >"$out/known_hosts"
cat >"$rootfs/etc/ssh/sshd_config.d/zfleet.conf" <<SSHD
# Every zfs command of the tests is one session on one multiplexed connection.
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
MaxSessions 200
MaxStartups 50:30:200
UseDNS no
SSHD
# Never serve the tests an ARC that crowds the guest's 2 GiB.
echo "options zfs zfs_arc_max=536870912" >"$rootfs/etc/modprobe.d/zfleet-zfs.conf"
echo "/dev/vda / ext4 rw 0 1" >"$rootfs/etc/fstab"

unmount_chroot
cp -L "$rootfs"/boot/vmlinuz-* "$out/vmlinuz"
cp -L "$rootfs"/boot/initrd.img-* "$out/initrd.img"
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/var/cache/apt"/*.bin

log "disk image"
truncate -s 8G "$work/rootfs.img"
mkfs.ext4 -q -F -L zfleet-root -d "$rootfs" "$work/rootfs.img"
qemu-img convert -c -O qcow2 "$work/rootfs.img" "$out/rootfs.qcow2"
log "done: $(du -sh "$out/rootfs.qcow2" | cut -f1) image in $out"
