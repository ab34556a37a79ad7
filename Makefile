# Locked Down Python: build the fork from pinned upstream CPython.
#
#   make demo        install build dependencies, build, run the demo
#   make test        install build dependencies, build, run the tests
#   make check-sync  fail if build/cpython holds work not in patches/ or the overlay
#   make export      turn commits and overlay edits in build/cpython into patches/ and overlay files
#
# UPSTREAM_TARBALL=/path/to/Python-3.13.5.tar.xz uses a tarball you have.

export UPSTREAM_TARBALL
JOBS ?= $(shell nproc)
export JOBS

# Upstream tests of what our patches touch; they run unlocked and must pass
# as they do on stock CPython.
UPSTREAM_TESTS = test_os test_posix test_io test_fileio test_import \
	test_importlib test_socket test_subprocess test_builtin test_sys \
	test_audit test_interpreters test_zipimport
TESTOPTS ?=

.PHONY: all deps assemble build demo test test-lockdown test-upstream \
	check-sync export reassemble clean

all: build

deps:
	@scripts/install-deps.sh

assemble: deps
	@scripts/assemble.sh

build: assemble
	@scripts/build.sh

demo: build
	./python Tools/lockdown/demo.py

test: build
	./python -m test -j$(JOBS) $(TESTOPTS) test_lockdown $(UPSTREAM_TESTS)

test-lockdown: build
	./python -m test $(TESTOPTS) test_lockdown

check-sync:
	@scripts/check-sync.sh

export:
	@scripts/export.sh

reassemble:
	@scripts/check-sync.sh || { echo "refusing to throw away the work listed above (make export first)"; exit 1; }
	@scripts/assemble.sh --reassemble

clean:
	rm -rf build/obj python
