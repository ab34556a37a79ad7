# Shared settings for the build scripts; sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../upstream.conf
. "$ROOT/upstream.conf"
BUILD="${BUILD_DIR:-$ROOT/build}"
CACHE="$BUILD/cache"
SRC="$BUILD/cpython"            # the assembled tree (a git repository)
OBJ="$BUILD/obj"                # out-of-tree build of $SRC
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

# What the patch commits of the assembled tree were made from.
patches_digest() {
    { cat "$ROOT/patches/series" 2>/dev/null; series_files | xargs -r cat; } | sha256sum | cut -d' ' -f1
}
