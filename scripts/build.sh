#!/usr/bin/env bash
# Configure (once) and build the assembled tree out of tree in build/obj, then
# insist on CPython's own module check: 0 missing, 0 failed.
. "$(dirname "$0")/common.sh"

CONFIGURE_FLAGS=${CONFIGURE_FLAGS-}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$OBJ"
if [ ! -f "$OBJ/Makefile" ] || [ "$(cat "$OBJ/.configure-flags" 2>/dev/null)" != "$CONFIGURE_FLAGS" ]; then
    say "build: configuring ($CONFIGURE_FLAGS); log in ${OBJ#"$ROOT"/}/configure.log"
    # shellcheck disable=SC2086
    if ! (cd "$OBJ" && "$SRC/configure" $CONFIGURE_FLAGS > configure.log 2>&1); then
        tail -n 30 "$OBJ/configure.log" >&2
        die "configure failed; see ${OBJ#"$ROOT"/}/configure.log"
    fi
    printf '%s\n' "$CONFIGURE_FLAGS" > "$OBJ/.configure-flags"
fi
say "build: make -j$JOBS in ${OBJ#"$ROOT"/}; log in ${OBJ#"$ROOT"/}/make.log"
if ! make -C "$OBJ" -j"$JOBS" > "$OBJ/make.log" 2>&1; then
    grep -E 'error|Error' "$OBJ/make.log" | head -n 30 >&2
    die "make failed; see ${OBJ#"$ROOT"/}/make.log"
fi
checked=$(grep -E '^Checked [0-9]+ modules' "$OBJ/make.log" | tail -n 1)
if [ -z "$checked" ]; then
    # Nothing was rebuilt, so make did not print the check: ask for it.
    checked=$(make -C "$OBJ" checksharedmods 2>&1 | grep -E '^Checked [0-9]+ modules' | tail -n 1)
fi
say "build: $checked"
case "$checked" in
    *" 0 missing, 0 failed on import)"*) ;;
    *)
        sed -n '/The necessary bits to build these optional modules were not found/,/^$/p;/Following modules built successfully but were removed/,/^$/p;/Failed to build these modules/,/^$/p' "$OBJ/make.log" >&2
        die "some standard modules are missing or failed: run 'make deps' (or install the packages it names) and build again" ;;
esac
if [ "$OBJ" = "$BUILD/obj" ]; then
    ln -sfn "$OBJ/python" "$ROOT/python"
fi
