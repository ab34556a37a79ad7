#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the build needs, or say which are missing.
#
#   install-deps.sh           install what is missing (make deps)
#   install-deps.sh --check   only say what is missing, and fail if anything
#                             is: what every build step runs, so that make
#                             never installs anything or calls sudo by itself
. "$(dirname "$0")/common.sh"

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

# Build tools, the libraries of the stdlib's C modules, and what the tests use.
PACKAGES=(
    build-essential pkg-config autoconf git xz-utils ca-certificates
    libffi-dev libssl-dev zlib1g-dev libexpat1-dev
    libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev libncurses-dev
    uuid-dev libgdbm-dev libgdbm-compat-dev tk-dev
    debian-archive-keyring
)
# The browser test of the playground (make test-browser): Debian's Chromium,
# its driver, and Selenium for Debian's own python3, which drives them.
BROWSER_PACKAGES=(chromium chromium-driver python3-selenium)
[ "${LDP_BROWSER_DEPS:-1}" = 1 ] && [ $check_only = 0 ] && PACKAGES+=("${BROWSER_PACKAGES[@]}")

command -v dpkg-query >/dev/null || die "this is not a Debian or Ubuntu system: install the equivalents of ${PACKAGES[*]} yourself"
missing=()
for p in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    say "deps: all ${#PACKAGES[@]} build dependencies are installed"
    exit 0
fi
if [ $check_only = 1 ]; then
    die "missing packages: ${missing[*]}
Run make deps (as root, or as a user sudo lets run apt-get) first"
fi
say "deps: installing ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    die "missing packages: ${missing[*]}
Install them as root: apt-get install ${missing[*]}"
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
    "${sudo[@]}" apt-get update -q >&2 || true
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
        die "apt-get could not install: ${missing[*]}"
fi
