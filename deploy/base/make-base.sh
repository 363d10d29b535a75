#!/usr/bin/env bash
# Makes the base image every Saima image starts from, without any container registry: a minimal Debian 12
# (debootstrap --variant=minbase) from the machine's own apt mirror, imported into Podman as
#   localhost/saima-base:bookworm
# Usage: deploy/base/make-base.sh [--force]
set -euo pipefail
IMAGE=localhost/saima-base:bookworm
if [ "${1:-}" != "--force" ] && podman image exists "$IMAGE"; then
  echo "$IMAGE exists"
  exit 0
fi
# The first Debian mirror this machine's apt uses (deb822 sources or the one-line format).
mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n 1 || true)
[ -n "$mirror" ] || mirror=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d /tmp/saima-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
# Smaller: no documentation, manuals, locales or apt lists in the image.
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/lib/apt/lists/* \
  "$root"/var/cache/apt/*.bin "$root"/var/log/*
cat > "$root/etc/dpkg/dpkg.cfg.d/01-saima-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
tar -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
podman image ls "$IMAGE"
