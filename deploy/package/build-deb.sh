#!/usr/bin/env bash
# Builds the Debian package zfleet_<version>_all.deb from the built command-line jar:
#   mvn -B -DskipTests package && deploy/package/build-deb.sh [OUTPUT-DIR]
# (default output: node/target). The man pages (picocli-codegen's ManPageGenerator, then
# asciidoctor) and the bash completion (picocli's AutoComplete) are generated from the command
# line itself, so they always match it. Needs dpkg-deb, asciidoctor and Java 17.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/node/target}
jar=$root/node/target/zfleet-cli.jar
codegen=$root/node/target/package-tools/picocli-codegen.jar
main=org.zfleet.node.cli.ZfleetCommand

fail() { echo "build-deb: $*" >&2; exit 2; }
[ -f "$jar" ] && [ -f "$codegen" ] || fail "build zfleet first: (cd '$root' && mvn -B -DskipTests package)"
for tool in java dpkg-deb asciidoctor gzip; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (apt-get install dpkg asciidoctor openjdk-17-jdk-headless)"
done

# 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT, which Debian sorts before 0.1.0.
version=$(java -jar "$jar" --version | sed -n 's/^zfleet //p')
[ -n "$version" ] || fail "cannot read the version from $jar"
debversion=${version//-/\~}

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/root
install -D -m 0644 "$jar" "$pkg/usr/share/zfleet/zfleet-cli.jar"
install -D -m 0755 "$here/zfleet.sh" "$pkg/usr/bin/zfleet"
install -D -m 0644 "$here/zfleet.service" "$pkg/lib/systemd/system/zfleet.service"
install -D -m 0644 "$here/zfleet.conf" "$pkg/etc/zfleet/zfleet.conf"
install -d -m 0750 "$pkg/var/lib/zfleet"

java -cp "$jar:$codegen" picocli.codegen.docgen.manpage.ManPageGenerator -d "$stage/adoc" "$main" >/dev/null
install -d "$pkg/usr/share/man/man1"
asciidoctor -b manpage -a reproducible -D "$pkg/usr/share/man/man1" "$stage"/adoc/*.adoc
gzip -9n "$pkg"/usr/share/man/man1/*.1

install -d "$pkg/usr/share/bash-completion/completions"
java -cp "$jar" picocli.AutoComplete --force -n zfleet \
  -o "$pkg/usr/share/bash-completion/completions/zfleet" "$main" >/dev/null

doc=$pkg/usr/share/doc/zfleet
install -d "$doc/examples"
install -m 0644 "$root/README.md" "$root"/docs/*.md "$doc/"
install -m 0644 "$root"/deploy/examples/*.conf "$doc/examples/"
cat > "$doc/copyright" <<TEXT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: zfleet

Files: *
Copyright: the zfleet developers
License: see the zfleet source repository
TEXT

install -d "$pkg/DEBIAN"
install -m 0644 "$here/debian/conffiles" "$pkg/DEBIAN/conffiles"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$pkg/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@SIZE@/$size/" "$here/debian/control.in" > "$pkg/DEBIAN/control"

mkdir -p "$out"
deb="$out/zfleet_${debversion}_all.deb"
# The jar is compressed already: xz would spend minutes for 1 %.
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$deb" >/dev/null
echo "$deb"
