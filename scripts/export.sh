#!/usr/bin/env bash
# Bring work done in build/cpython home: commits after the "base" tag
# become patches/ (one patch per commit, the commit message as its header),
# and new or edited overlay files are copied back into this repository.
. "$(dirname "$0")/common.sh"

[ -d "$SRC/.git" ] || die "no assembled tree in ${SRC#"$ROOT"/}"

if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ]; then
    git -C "$SRC" status --short --untracked-files=no >&2
    die "commit these edits of upstream files first: one commit per concern, its message says why"
fi

# New files in the tree belong to the overlay, if they are in its layout.
while IFS= read -r line; do
    f=${line:3}
    case "$f" in
        */) die "$f: a new directory: add its files one by one, or put them in the overlay by hand" ;;
    esac
    top=${f%%/*}
    case " $OVERLAY_DIRS " in
        *" $top "*) ;;
        *) die "$f is new and outside the overlay's directories ($OVERLAY_DIRS)" ;;
    esac
    mkdir -p "$(dirname "$ROOT/$f")"
    cp -p "$SRC/$f" "$ROOT/$f"
    say "export: new overlay file $f"
done < <(git -C "$SRC" status --porcelain --untracked-files=all | grep '^??' || true)

# Overlay files edited in the tree.  A file edited here as well since it
# was laid is a conflict: neither copy is thrown away.
declare -A laid=()
load_manifest laid
conflicts=()
while IFS= read -r f; do
    if [ -f "$SRC/$f" ] && ! cmp -s "$ROOT/$f" "$SRC/$f"; then
        here=$(file_digest "$ROOT/$f")
        there=$(file_digest "$SRC/$f")
        if [ "$there" = "${laid[$f]:-}" ]; then
            continue    # only this repository's copy changed: make lays it
        elif [ "$here" != "${laid[$f]:-}" ]; then
            conflicts+=("$f")
            continue
        fi
        cp -p "$SRC/$f" "$ROOT/$f"
        say "export: overlay file $f"
    fi
done < <(overlay_files)
if [ ${#conflicts[@]} -gt 0 ]; then
    say "error: these overlay files changed both here and in build/cpython; merge them by hand:"
    printf '  %s\n' "${conflicts[@]}" >&2
    exit 1
fi

# Patches: regenerate patches/ from the commits.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$SRC" format-patch -q --no-signature --zero-commit --no-numbered \
    --no-stat -o "$tmp" base..HEAD >/dev/null
changed=0
for p in "$tmp"/*.patch; do
    [ -e "$p" ] || continue
    if ! cmp -s "$p" "$ROOT/patches/${p##*/}"; then
        changed=1
        say "export: patches/${p##*/}"
    fi
done
for p in "$ROOT"/patches/*.patch; do
    [ -e "$p" ] || continue
    if [ ! -e "$tmp/${p##*/}" ]; then
        say "export: removing patches/${p##*/}"
        changed=1
    fi
done
if [ $changed = 1 ]; then
    rm -f "$ROOT"/patches/*.patch
    cp "$tmp"/*.patch "$ROOT/patches/" 2>/dev/null || true
fi
{
    echo "# The patch series, applied in this order on top of pristine CPython $UPSTREAM_VERSION."
    echo "# Written by 'make export' from the commits in build/cpython; one concern each."
    (cd "$ROOT/patches" && ls -1 ./*.patch 2>/dev/null | sed 's:^\./::')
} > "$ROOT/patches/series"

# The tree now matches patches/ and the overlay: record that, so that the
# next make does not take the exported state for a change to re-apply.
patches_digest > "$SRC/.git/ldp-patches-stamp"
git -C "$SRC" rev-parse HEAD > "$SRC/.git/ldp-patches-stamp.head"
"$ROOT/scripts/assemble.sh" --overlay-only
"$ROOT/scripts/check-sync.sh"
