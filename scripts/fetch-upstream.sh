#!/usr/bin/env bash
# Find the pinned upstream tarball, verify its sha256 and print its path.
#
# Sources, in order: the tarball the user names (UPSTREAM_TARBALL), the cache
# under build/, `apt-get source --download-only` from a deb-src entry for the
# pinned Debian suite derived from this machine's own apt sources (with a
# private apt state directory: /etc is not touched), python.org.
. "$(dirname "$0")/common.sh"

verify() {  # verify FILE -> 0 if its sha256 is the pinned one
    local sum
    sum=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$sum" = "$UPSTREAM_SHA256" ]; then
        return 0
    fi
    say "  sha256 mismatch for $1"
    say "    expected $UPSTREAM_SHA256"
    say "    got      $sum"
    return 1
}

tried=()
mkdir -p "$CACHE"
cached="$CACHE/$TARBALL_NAME"

if [ -n "${UPSTREAM_TARBALL:-}" ]; then
    say "upstream: using UPSTREAM_TARBALL=$UPSTREAM_TARBALL"
    [ -f "$UPSTREAM_TARBALL" ] || die "UPSTREAM_TARBALL=$UPSTREAM_TARBALL does not exist"
    verify "$UPSTREAM_TARBALL" ||
        die "UPSTREAM_TARBALL is not CPython $UPSTREAM_VERSION; unset it or name the right file"
    cp -f "$UPSTREAM_TARBALL" "$cached.tmp" && mv -f "$cached.tmp" "$cached"
    printf '%s\n' "$cached"; exit 0
fi

if [ -f "$cached" ]; then
    if verify "$cached"; then
        printf '%s\n' "$cached"; exit 0
    fi
    say "upstream: removing the corrupt cached tarball"
    rm -f "$cached"
fi
tried+=("cache $cached: absent")

fetch_apt() {
    apt_source_fetch || return 1
    if [ -f "$APT_DL/$TARBALL_NAME" ] && verify "$APT_DL/$TARBALL_NAME"; then
        mv -f "$APT_DL/$TARBALL_NAME" "$cached"
        return 0
    fi
    tried+=("apt-get source: no $TARBALL_NAME with the pinned sha256")
    return 1
}

if fetch_apt; then
    printf '%s\n' "$cached"; exit 0
fi

fetch_url() {
    local tmp="$cached.download"
    say "upstream: trying $UPSTREAM_RELEASE_URL"
    if command -v curl >/dev/null; then
        curl -fsSL --retry 2 -o "$tmp" "$UPSTREAM_RELEASE_URL" || { tried+=("$UPSTREAM_RELEASE_URL: download failed"); return 1; }
    elif command -v wget >/dev/null; then
        wget -q -O "$tmp" "$UPSTREAM_RELEASE_URL" || { tried+=("$UPSTREAM_RELEASE_URL: download failed"); return 1; }
    else
        tried+=("$UPSTREAM_RELEASE_URL: neither curl nor wget is installed"); return 1
    fi
    verify "$tmp" || { rm -f "$tmp"; tried+=("$UPSTREAM_RELEASE_URL: sha256 mismatch"); return 1; }
    mv -f "$tmp" "$cached"
}

if fetch_url; then
    printf '%s\n' "$cached"; exit 0
fi

say "error: could not get CPython $UPSTREAM_VERSION (sha256 $UPSTREAM_SHA256). Tried:"
for t in "${tried[@]}"; do say "  - $t"; done
say "Download Python-$UPSTREAM_VERSION.tar.xz (or Debian's $TARBALL_NAME) yourself and run"
say "  make UPSTREAM_TARBALL=/path/to/the/tarball"
exit 1
