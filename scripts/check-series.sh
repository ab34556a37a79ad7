#!/usr/bin/env bash
# Build every step of the patch series, so that the series bisects: for each
# patch in turn, check out the assembled tree's commit of that patch in a
# worktree of its own (build/series), lay the overlay over it, build it
# incrementally out of tree (build/series-obj) and start the interpreter.
# At the last step, run test_lockdown too.  The overlay is one version, the
# final one, so an earlier step is held to building and starting, not to
# the tests, which describe the final behaviour.
#
#   scripts/check-series.sh [FIRST [LAST]]    steps to check (1-based;
#                                             default: all)
#
# It takes long (a header change rebuilds most of the interpreter); CI does
# not run it.  Each step's log is build/series-obj/step-NNNN.log; the
# summary names the first step that fails.
. "$(dirname "$0")/common.sh"

WORK="$BUILD/series"
OBJS="$BUILD/series-obj"
JOBS=${JOBS:-$(nproc)}

[ -d "$SRC/.git" ] || die "no assembled tree in ${SRC#"$ROOT"/}: run make assemble first"
mapfile -t commits < <(git -C "$SRC" rev-list --reverse base..HEAD)
total=${#commits[@]}
[ "$total" -gt 0 ] || die "the assembled tree has no patch commits"
first=${1:-1}
last=${2:-$total}
case "$first$last" in
    *[!0-9]*) die "usage: $0 [FIRST [LAST]] (step numbers, 1 to $total)" ;;
esac
[ "$first" -ge 1 ] && [ "$last" -le "$total" ] && [ "$first" -le "$last" ] ||
    die "steps must satisfy 1 <= FIRST <= LAST <= $total"

if [ ! -d "$WORK" ]; then
    git -C "$SRC" worktree add -q --detach "$WORK" "${commits[$((first - 1))]}"
fi

lay() {
    # The overlay, as scripts/assemble.sh lays it, but always: this
    # worktree is never edited by hand.
    local f
    while read -r f; do
        if ! cmp -s "$ROOT/$f" "$WORK/$f"; then
            mkdir -p "$(dirname "$WORK/$f")"
            cp -p "$ROOT/$f" "$WORK/$f"
        fi
    done < <(overlay_files)
}

failed=()
mkdir -p "$OBJS"
for ((i = first; i <= last; i++)); do
    commit=${commits[$((i - 1))]}
    subject=$(git -C "$SRC" log -1 --format=%s "$commit")
    log=$(printf '%s/step-%04d.log' "$OBJS" "$i")
    git -C "$WORK" checkout -q --detach "$commit"
    lay
    start=$SECONDS
    status=ok
    {
        if [ ! -f "$OBJS/Makefile" ]; then
            (cd "$OBJS" && "$WORK/configure") || exit 1
        fi
        make -C "$OBJS" -j"$JOBS" || exit 1
        "$OBJS/python" -I -c "import sys; print(sys.version)" || exit 1
        if [ "$i" -eq "$total" ]; then
            "$OBJS/python" -m test -j"$JOBS" test_lockdown || exit 1
        fi
    } > "$log" 2>&1 || status=FAILED
    say "check-series: step $i/$total ($((SECONDS - start)) s) $status: $subject"
    if [ "$status" != ok ]; then
        failed+=("$i")
        grep -E 'error:|Error [0-9]|undefined reference' "$log" | head -n 5 >&2 || true
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    die "check-series: ${#failed[@]} step(s) fail: ${failed[*]} (logs in ${OBJS#"$ROOT"/})"
fi
say "check-series: steps $first-$last of $total build and start"
