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

# Archive URIs of this machine's apt sources (one-line and deb822 formats),
# skipping the security archive, whose suites have other names.
apt_uris() {
    {
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            sed -n 's/^[[:space:]]*deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([a-z]\+:[^[:space:]]*\).*/\3/p'
        cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
            sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
    } | grep -v -e '-security' -e '^$' | sed 's:/*$::' | awk '!seen[$0]++'
}

fetch_apt() {
    command -v apt-get >/dev/null || { tried+=("apt-get source: apt-get is not installed"); return 1; }
    local state="$CACHE/apt" uri found=1 keyring
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -f "$keyring" ] || { tried+=("apt-get source: $keyring is missing (install debian-archive-keyring)"); return 1; }
    local uris
    uris=$(apt_uris)
    [ -n "$uris" ] || { tried+=("apt-get source: no archive URI in /etc/apt sources"); return 1; }
    for uri in $uris; do
        rm -rf "$state"
        mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/dl"
        printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$uri" "$UPSTREAM_DEBIAN_SUITE" \
            > "$state/sources.list"
        local opts=(-o "Dir::Etc::SourceList=$state/sources.list"
                    -o "Dir::Etc::SourceParts=$state/none"
                    -o "Dir::State::Lists=$state/lists"
                    -o "Dir::Cache=$state/cache"
                    -o "APT::Sandbox::User=root")
        say "upstream: trying apt-get source $UPSTREAM_DEBIAN_SOURCE from $uri ($UPSTREAM_DEBIAN_SUITE)"
        if ! apt-get "${opts[@]}" -q update >"$state/update.log" 2>&1; then
            tried+=("apt-get update of $uri $UPSTREAM_DEBIAN_SUITE: failed (see $state/update.log)")
            continue
        fi
        if ! (cd "$state/dl" && apt-get "${opts[@]}" -q source --download-only \
                "$UPSTREAM_DEBIAN_SOURCE" >"$state/source.log" 2>&1); then
            tried+=("apt-get source from $uri: failed (see $state/source.log)")
            continue
        fi
        if [ -f "$state/dl/$TARBALL_NAME" ] && verify "$state/dl/$TARBALL_NAME"; then
            mv -f "$state/dl/$TARBALL_NAME" "$cached"
            # The Debian packaging tarball is kept for the upstream-fixes work.
            mv -f "$state/dl/"*.debian.tar.* "$CACHE/" 2>/dev/null || true
            found=0
            break
        fi
        tried+=("apt-get source from $uri: no $TARBALL_NAME with the pinned sha256")
    done
    return $found
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
