#!/usr/bin/env bash
# Assemble build/cpython: pristine upstream (first commit, tag "upstream"),
# then one commit per patch of patches/series, then the overlay laid over the
# working tree.  Re-running it brings an existing tree up to date without
# losing edits made there: it stops instead (see `make check-sync`).
. "$(dirname "$0")/common.sh"

STAMP="$SRC/.git/ldp-patches-stamp"

write_excludes() {
    {
        echo '# Written by scripts/assemble.sh: the overlay and Python caches.'
        echo '__pycache__/'
        echo '*.py[co]'
        overlay_files | sed 's:^:/:'
    } > "$SRC/.git/info/exclude"
}

# The upstream fixes of upstream-fixes.txt, one commit each on top of the
# "upstream" tag, then a commit recording them for lockdownlib; tag "base".
apply_fixes() {
    local fixes f sum class desc n=0 header
    fixes=$("$ROOT/scripts/upstream-fixes.sh" prepare)
    GIT_AUTHOR_DATE=$GIT_COMMITTER_DATE
    export GIT_AUTHOR_DATE
    while read -r f; do
        [ -n "$f" ] || continue
        read -r _ sum class desc < <(grep "^${f##*/} " "$ROOT/upstream-fixes.txt")
        if ! git -C "$SRC" apply --index -p1 "$f" 2>"$BUILD/apply.log"; then
            cat "$BUILD/apply.log" >&2
            git -C "$SRC" reset -q --hard
            die "upstream fix ${f##*/} does not apply to CPython $UPSTREAM_VERSION (plus the fixes before it)"
        fi
        git -C "$SRC" commit -q -F - <<MSG
Upstream fix ${f##*/}: $desc

Carried from Debian's $UPSTREAM_DEBIAN_SOURCE package ($class; sha256 $sum).
MSG
        n=$((n + 1))
    done <<< "$fixes"
    header="$SRC/Modules/lockdownlib_fixes.h"
    {
        echo "/* Written by scripts/assemble.sh from upstream-fixes.txt: the upstream"
        echo "   fixes applied on top of CPython $UPSTREAM_VERSION, in order.  Do not edit. */"
        echo
        echo "#define LOCKDOWN_UPSTREAM_VERSION \"$UPSTREAM_VERSION\""
        echo
        echo "static const char * const lockdown_upstream_fixes[] = {"
        while read -r f; do
            [ -n "$f" ] && printf '    "%s",\n' "$(basename "$f" | sed 's/\.\(patch\|diff\)$//')"
        done <<< "$fixes"
        echo "    NULL"
        echo "};"
    } > "$header"
    git -C "$SRC" add -f "$header"
    git -C "$SRC" commit -q -m "Record the $n upstream fixes applied, for lockdownlib"
    unset GIT_AUTHOR_DATE
    git -C "$SRC" tag -f base >/dev/null
    say "assemble: applied $n upstream fixes"
}

# Our patches that a fix also touches: "fix: file".
name_conflicts() {
    local p=$1 f
    while read -r f; do
        git -C "$SRC" log --format="%s" upstream..base -- "$f" |
            sed -n "s/^Upstream fix \([^:]*\):.*/  upstream fix \1 also changes $f/p"
    done < <(git -C "$SRC" apply --numstat "$p" 2>/dev/null | cut -f3)
}

apply_patches() {
    local p
    apply_fixes
    while read -r p; do
        [ -n "$p" ] || continue
        if ! git -C "$SRC" am -q --keep-cr --committer-date-is-author-date "$p" >/dev/null 2>"$BUILD/am.log"; then
            git -C "$SRC" am --abort >/dev/null 2>&1 || true
            cat "$BUILD/am.log" >&2
            name_conflicts "$p" >&2
            die "patch ${p#"$ROOT"/} does not apply to CPython $UPSTREAM_VERSION plus its upstream fixes (plus the patches before it)"
        fi
    done < <(series_files)
    patches_digest > "$STAMP"
    git -C "$SRC" rev-parse HEAD > "$STAMP.head"
}

create_tree() {
    local tarball
    tarball=$("$ROOT/scripts/fetch-upstream.sh")
    say "assemble: extracting $(basename "$tarball") into ${SRC#"$ROOT"/}"
    rm -rf "$SRC.tmp"
    mkdir -p "$SRC.tmp"
    tar -xf "$tarball" -C "$SRC.tmp" --strip-components=1
    git -C "$SRC.tmp" init -q -b main
    git -C "$SRC.tmp" config core.autocrlf false
    git -C "$SRC.tmp" config gc.auto 0
    GIT_AUTHOR_DATE=$GIT_COMMITTER_DATE
    export GIT_AUTHOR_DATE
    git -C "$SRC.tmp" add -A -f
    git -C "$SRC.tmp" commit -q -m "CPython $UPSTREAM_VERSION, pristine upstream (sha256 $UPSTREAM_SHA256)"
    git -C "$SRC.tmp" tag upstream
    unset GIT_AUTHOR_DATE
    mv "$SRC.tmp" "$SRC"
    apply_patches
    say "assemble: applied $(series_files | wc -l) patches"
}

update_patches() {
    local want have
    want=$(patches_digest)
    have=$(cat "$STAMP" 2>/dev/null || true)
    [ "$want" != "$have" ] || return 0
    # patches/ changed since the tree was assembled (a pull, a checkout).
    # Rebuild the patch commits, but only if the tree holds nothing that
    # would be lost by doing so.
    if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
       [ "$(git -C "$SRC" rev-parse HEAD)" != "$(cat "$STAMP.head" 2>/dev/null)" ]; then
        die "patches/ or upstream-fixes.txt changed, and build/cpython has commits or edits made since it was
assembled.  Export them first (make export), or, to throw them away,
run make reassemble."
    fi
    say "assemble: patches/ or upstream-fixes.txt changed; re-applying them"
    git -C "$SRC" reset -q --hard upstream
    apply_patches
}

lay_overlay() {
    local f want have last new_manifest=() conflicts=()
    declare -A laid=()
    load_manifest laid
    while read -r f; do
        if git -C "$SRC" cat-file -e "upstream:$f" 2>/dev/null; then
            die "overlay file $f would replace an upstream file: change upstream files with a patch"
        fi
        want=$(file_digest "$ROOT/$f")
        if [ -f "$SRC/$f" ]; then
            have=$(file_digest "$SRC/$f")
        else
            have=
        fi
        last=${laid[$f]:-}
        if [ "$have" = "$want" ]; then
            :
        elif [ -z "$have" ] || [ "$have" = "$last" ]; then
            mkdir -p "$(dirname "$SRC/$f")"
            cp -p "$ROOT/$f" "$SRC/$f"
        elif [ "$want" = "$last" ]; then
            # Edited in build/cpython only: keep it; make export brings it home.
            want=$last
        else
            conflicts+=("$f")
            want=$last
        fi
        new_manifest+=("$want $f")
        unset "laid[$f]"
    done < <(overlay_files)
    for f in "${!laid[@]}"; do
        # Removed from the overlay: remove it from the tree too, unless edited there.
        if [ -f "$SRC/$f" ] && [ "$(file_digest "$SRC/$f")" != "${laid[$f]}" ]; then
            conflicts+=("$f (removed from the overlay, edited in build/cpython)")
        else
            rm -f "$SRC/$f"
        fi
    done
    : > "$MANIFEST"
    [ ${#new_manifest[@]} -eq 0 ] || printf '%s\n' "${new_manifest[@]}" > "$MANIFEST"
    write_excludes
    if [ ${#conflicts[@]} -gt 0 ]; then
        say "error: these overlay files changed both here and in build/cpython:"
        printf '  %s\n' "${conflicts[@]}" >&2
        die "merge them by hand (the copy in this repository wins on the next make once the two agree)"
    fi
}

case "${1:-}" in
    --reassemble) rm -rf "$SRC" ;;
    --overlay-only) lay_overlay; exit 0 ;;
    "") ;;
    *) die "usage: $0 [--reassemble | --overlay-only]" ;;
esac
if [ ! -d "$SRC/.git" ]; then
    create_tree
else
    update_patches
fi
lay_overlay
