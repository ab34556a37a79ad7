#!/usr/bin/env bash
# Upstream security and crash fixes carried from Debian's python3.13 source
# package (see upstream-fixes.txt).
#
#   upstream-fixes.sh prepare   get the package's debian/patches, verify every
#                               pinned fix, warn about unpinned ones, and print
#                               the pinned files in order (absolute paths)
#   upstream-fixes.sh list      say which fixes are applied, available but not
#                               pinned, and pinned but missing
#
# The Debian packaging tarball comes from DEBIAN_TARBALL if set, else the
# newest one in the cache, else `apt-get source` (as for the upstream tarball).
. "$(dirname "$0")/common.sh"

PINS="$ROOT/upstream-fixes.txt"
PATCHDIR="$BUILD/debian/patches"

# Pinned fixes: "file sha256 class description", in order.
pins() { grep -v -e "^#" -e "^skip " -e "^[[:space:]]*$" "$PINS" || true; }
skipped() { sed -n 's/^skip \([^ ]*\) .*/\1/p' "$PINS"; }

debian_tarball() {
    if [ -n "${DEBIAN_TARBALL:-}" ]; then
        [ -f "$DEBIAN_TARBALL" ] || die "DEBIAN_TARBALL=$DEBIAN_TARBALL does not exist"
        printf '%s\n' "$DEBIAN_TARBALL"
        return
    fi
    local newest
    newest=$(ls "$CACHE/${UPSTREAM_DEBIAN_SOURCE}_${UPSTREAM_VERSION}"-*.debian.tar.* 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$newest" ]; then
        tried=()
        mkdir -p "$CACHE"
        if ! apt_source_fetch; then
            say "error: could not get Debian's $UPSTREAM_DEBIAN_SOURCE packaging, which carries the upstream fixes. Tried:"
            for t in "${tried[@]}"; do say "  - $t"; done
            die "download ${UPSTREAM_DEBIAN_SOURCE}_${UPSTREAM_VERSION}-*.debian.tar.xz from the $UPSTREAM_DEBIAN_SUITE suite and run make DEBIAN_TARBALL=/path/to/it"
        fi
        newest=$(ls "$CACHE/${UPSTREAM_DEBIAN_SOURCE}_${UPSTREAM_VERSION}"-*.debian.tar.* 2>/dev/null | sort -V | tail -n 1)
        [ -n "$newest" ] || die "apt-get source fetched no ${UPSTREAM_DEBIAN_SOURCE}_${UPSTREAM_VERSION}-*.debian.tar.*"
    fi
    printf '%s\n' "$newest"
}

extract() {
    local tarball
    tarball=$(debian_tarball)
    rm -rf "$BUILD/debian"
    mkdir -p "$BUILD"
    tar -xf "$tarball" -C "$BUILD" debian/patches ||
        die "$tarball holds no debian/patches"
    say "fixes: from $(basename "$tarball")"
}

# Upstream fixes the package carries: CVE-* files and upstream backports
# (a 'Subject: [PATCH] [3.13]' header).
available() {
    (cd "$PATCHDIR" && {
        ls -1 CVE-* 2>/dev/null
        grep -l '^Subject: \[PATCH\] \[3\.13\]' -- * 2>/dev/null
    } | sort -u)
}

# Pinned fixes that are absent or changed: "file: reason".
missing() {
    local file sum rest have
    while read -r file sum rest; do
        if [ ! -f "$PATCHDIR/$file" ]; then
            echo "$file: not in the package"
        else
            have=$(file_digest "$PATCHDIR/$file")
            [ "$have" = "$sum" ] || echo "$file: changed (sha256 $have, pinned $sum)"
        fi
    done < <(pins)
}

unpinned() {
    local f
    while read -r f; do
        grep -q "^$f " "$PINS" || grep -q "^skip $f " "$PINS" || echo "$f"
    done < <(available)
}

case "${1:-}" in
    prepare)
        extract
        bad=$(missing)
        if [ -n "$bad" ]; then
            say "error: pinned upstream fixes that the package does not carry as pinned:"
            printf '%s\n' "$bad" | sed 's/^/  /' >&2
            die "update the pins in upstream-fixes.txt (after reading the new files) or name an older package with DEBIAN_TARBALL"
        fi
        while read -r f; do
            say "warning: the package carries $f, which upstream-fixes.txt neither pins nor skips"
        done < <(unpinned)
        pins | while read -r file _; do printf '%s\n' "$PATCHDIR/$file"; done
        ;;
    list)
        extract
        bad=$(missing)
        echo "applied ($(pins | wc -l) pinned in upstream-fixes.txt):"
        pins | while read -r file sum class desc; do
            printf '%s\n' "$bad" | grep -q "^$file:" && continue
            printf '  %-30s %-7s %s\n' "$file" "$class" "$desc"
        done
        echo "available in the package but not pinned:"
        unpinned | sed 's/^/  /'
        echo "skipped on purpose:"
        sed -n 's/^skip \([^ ]*\) - \(.*\)/  \1: \2/p' "$PINS"
        echo "pinned but missing or changed:"
        printf '%s\n' "$bad" | sed '/^$/d; s/^/  /'
        ;;
    *)
        die "usage: $0 prepare|list" ;;
esac
