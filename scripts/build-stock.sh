#!/usr/bin/env bash
# Build stock CPython from the same verified tarball, with the same configure
# flags, in its own folders (build/stock-src, build/stock), for side-by-side
# comparisons with the fork.  Prints the path of the stock interpreter.
. "$(dirname "$0")/common.sh"

CONFIGURE_FLAGS=${CONFIGURE_FLAGS-}
JOBS=${JOBS:-$(nproc)}
STOCK_SRC="$BUILD/stock-src"
STOCK_OBJ="$BUILD/stock"

tarball=$("$ROOT/scripts/fetch-upstream.sh")
if [ ! -f "$STOCK_SRC/configure" ]; then
    rm -rf "$STOCK_SRC"
    mkdir -p "$STOCK_SRC"
    tar -xf "$tarball" -C "$STOCK_SRC" --strip-components=1
fi
mkdir -p "$STOCK_OBJ"
if [ ! -f "$STOCK_OBJ/Makefile" ]; then
    say "stock: configuring ($CONFIGURE_FLAGS); log in ${STOCK_OBJ#"$ROOT"/}/configure.log"
    # shellcheck disable=SC2086
    (cd "$STOCK_OBJ" && "$STOCK_SRC/configure" $CONFIGURE_FLAGS > configure.log 2>&1) ||
        die "configure of stock CPython failed; see ${STOCK_OBJ#"$ROOT"/}/configure.log"
fi
say "stock: make -j$JOBS in ${STOCK_OBJ#"$ROOT"/}; log in ${STOCK_OBJ#"$ROOT"/}/make.log"
make -C "$STOCK_OBJ" -j"$JOBS" > "$STOCK_OBJ/make.log" 2>&1 ||
    die "make of stock CPython failed; see ${STOCK_OBJ#"$ROOT"/}/make.log"
printf '%s\n' "$STOCK_OBJ/python"
