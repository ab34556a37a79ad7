#!/usr/bin/env bash
# Fail, naming the files, when build/cpython holds work that is neither in
# patches/ nor in the overlay: it lives in an ignored folder and would be lost.
. "$(dirname "$0")/common.sh"

[ -d "$SRC/.git" ] || { say "check-sync: no assembled tree (${SRC#"$ROOT"/}); nothing to check"; exit 0; }
git -C "$SRC" rev-parse -q --verify base >/dev/null || die "${SRC#"$ROOT"/} has no 'base' tag (upstream plus its fixes): run make reassemble"

problems=()

# 1. Uncommitted edits of upstream files, and new files outside the overlay.
while IFS= read -r line; do
    [ -n "$line" ] || continue
    case "$line" in
        "??"*) problems+=("${line:3}: a new file, not in the overlay (make export)") ;;
        *) problems+=("${line:3}: edited, not committed (commit it in ${SRC#"$ROOT"/}, then make export)") ;;
    esac
done < <(git -C "$SRC" status --porcelain)

# 2. Commits whose result differs from what patches/ gives.
tmpindex=$(mktemp)
trap 'rm -f "$tmpindex"' EXIT
export GIT_INDEX_FILE=$tmpindex
git -C "$SRC" read-tree base
while read -r p; do
    [ -n "$p" ] || continue
    if ! git -C "$SRC" apply --cached "$p" 2>/dev/null; then
        problems+=("patches/${p##*/}: does not apply on top of the patches before it")
        break
    fi
done < <(series_files)
expected=$(git -C "$SRC" write-tree)
unset GIT_INDEX_FILE
while IFS= read -r f; do
    [ -n "$f" ] || continue
    problems+=("$f: committed in ${SRC#"$ROOT"/} but not in patches/ (make export)")
done < <(git -C "$SRC" diff --name-only "$expected" HEAD)

# 3. Overlay files changed in the tree.  The manifest says which side moved
# since the overlay was last laid: an edit in the repository is not lost
# (make lays it), but the tree is not what the build would use.
declare -A laid=()
load_manifest laid
while IFS= read -r f; do
    if [ ! -f "$SRC/$f" ]; then
        problems+=("$f: in the overlay but missing from ${SRC#"$ROOT"/} (make assembles it)")
    elif ! cmp -s "$ROOT/$f" "$SRC/$f"; then
        if [ "$(file_digest "$SRC/$f")" = "${laid[$f]:-}" ]; then
            problems+=("$f: changed in the overlay since it was laid in ${SRC#"$ROOT"/} (make lays it)")
        else
            problems+=("$f: edited in ${SRC#"$ROOT"/} but not in the overlay (make export)")
        fi
    fi
done < <(overlay_files)

if [ ${#problems[@]} -gt 0 ]; then
    say "check-sync: ${SRC#"$ROOT"/} holds work that is not in patches/ or the overlay:"
    printf '  %s\n' "${problems[@]}" >&2
    exit 1
fi
say "check-sync: ${SRC#"$ROOT"/} matches patches/ and the overlay"
