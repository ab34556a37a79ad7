# Shared settings for the build scripts; sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../upstream.conf
. "$ROOT/upstream.conf"
BUILD="${BUILD_DIR:-$ROOT/build}"
CACHE="$BUILD/cache"
SRC="$BUILD/cpython"            # the assembled tree (a git repository)
OBJ="${OBJ_DIR:+$ROOT/$OBJ_DIR}"  # out-of-tree build of $SRC
OBJ="${OBJ:-$BUILD/obj}"
TARBALL_NAME="${UPSTREAM_DEBIAN_SOURCE}_${UPSTREAM_VERSION}.orig.tar.xz"
# Directories of the overlay: new files in CPython's own layout.
OVERLAY_DIRS="Include Python Modules Lib Doc Tools"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Commits in the assembled tree are made with fixed identities and dates so
# that re-assembling the same inputs gives the same commit ids.
export GIT_AUTHOR_NAME="LDP build" GIT_AUTHOR_EMAIL="ldp-build@invalid"
export GIT_COMMITTER_NAME="LDP build" GIT_COMMITTER_EMAIL="ldp-build@invalid"
export GIT_COMMITTER_DATE="2025-06-11T00:00:00Z"

# Files of the overlay, relative to $ROOT, one per line.
overlay_files() {
    (cd "$ROOT" && for d in $OVERLAY_DIRS; do
        if [ -d "$d" ]; then
            find "$d" -type f ! -name '*.pyc' ! -path '*/__pycache__/*'
        fi
    done) | LC_ALL=C sort
}

# Patch files in series order, one per line (absolute paths).
series_files() {
    [ -f "$ROOT/patches/series" ] || return 0
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$ROOT/patches/series" |
        while read -r p; do
            [ -n "$p" ] || continue
            [ -f "$ROOT/patches/$p" ] || die "patches/series names $p, which does not exist"
            printf '%s\n' "$ROOT/patches/$p"
        done
}

file_digest() { sha256sum < "$1" | cut -d' ' -f1; }

# The overlay manifest records the digest of each overlay file as it was
# last laid into the tree, so that an edit on either side can be told
# from an edit on both.  load_manifest NAME fills the associative array
# NAME with path -> digest.
MANIFEST="$SRC/.git/ldp-overlay-manifest"
load_manifest() {
    local -n _manifest=$1
    local sum f
    [ -f "$MANIFEST" ] || return 0
    while read -r sum f; do
        if [ -n "$f" ]; then _manifest[$f]=$sum; fi
    done < "$MANIFEST"
}

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

# Download the pinned suite's source package into $APT_DL with
# `apt-get source --download-only`, from a deb-src entry made at run time
# from this machine's apt sources, in a private apt state directory (/etc
# is not touched).  The Debian packaging tarball is kept in $CACHE.
# Appends what it tried to the array "tried"; returns 1 if nothing worked.
APT_STATE="$CACHE/apt"
APT_DL="$APT_STATE/dl"
apt_source_fetch() {
    command -v apt-get >/dev/null || { tried+=("apt-get source: apt-get is not installed"); return 1; }
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg uri uris
    [ -f "$keyring" ] || { tried+=("apt-get source: $keyring is missing (install debian-archive-keyring)"); return 1; }
    uris=$(apt_uris)
    [ -n "$uris" ] || { tried+=("apt-get source: no archive URI in /etc/apt sources"); return 1; }
    for uri in $uris; do
        rm -rf "$APT_STATE"
        mkdir -p "$APT_STATE/lists/partial" "$APT_STATE/cache/archives/partial" "$APT_DL"
        printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$uri" "$UPSTREAM_DEBIAN_SUITE" \
            > "$APT_STATE/sources.list"
        local opts=(-o "Dir::Etc::SourceList=$APT_STATE/sources.list"
                    -o "Dir::Etc::SourceParts=$APT_STATE/none"
                    -o "Dir::State::Lists=$APT_STATE/lists"
                    -o "Dir::Cache=$APT_STATE/cache"
                    -o "APT::Sandbox::User=root")
        say "upstream: trying apt-get source $UPSTREAM_DEBIAN_SOURCE from $uri ($UPSTREAM_DEBIAN_SUITE)"
        if ! apt-get "${opts[@]}" -q update >"$APT_STATE/update.log" 2>&1; then
            tried+=("apt-get update of $uri $UPSTREAM_DEBIAN_SUITE: failed (see $APT_STATE/update.log)")
            continue
        fi
        if ! (cd "$APT_DL" && apt-get "${opts[@]}" -q source --download-only \
                "$UPSTREAM_DEBIAN_SOURCE" >"$APT_STATE/source.log" 2>&1); then
            tried+=("apt-get source from $uri: failed (see $APT_STATE/source.log)")
            continue
        fi
        cp -f "$APT_DL/"*.debian.tar.* "$CACHE/" 2>/dev/null || true
        return 0
    done
    return 1
}

# What the fix and patch commits of the assembled tree were made from.
patches_digest() {
    { cat "$ROOT/upstream-fixes.txt" "$ROOT/patches/series" 2>/dev/null; series_files | xargs -r cat; } |
        sha256sum | cut -d' ' -f1
}
