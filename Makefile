# Locked Down Python: build the fork from pinned upstream CPython.
#
#   make deps        install the Debian packages the build and the tests need
#   make demo        build, run the demo
#   make test        build, run the tests
#   make test-locked upstream tests of the guest modules, run in a locked interpreter
#   make playground  the web playground on http://127.0.0.1:8000/ (test-browser: in Chromium)
#   make check-sync  fail if build/cpython holds work not in patches/ or the overlay
#   make export      turn commits and overlay edits in build/cpython into patches/ and overlay files
#   make upstream-fixes  list the upstream fixes applied, available but unpinned, and missing
#   make compare-fixes   build stock CPython too and run memory-safety regression checks on both
#   make bench       stock, the fork unlocked and locked, side by side (bench-callgrind: instructions),
#                    what the kernel layer costs a system call, and the runner against a fresh process
#   make test-upstream  the full upstream suite on stock and on the fork, and the difference
#   make check-series   build every step of the patch series (that it bisects; long)
#   make fuzz        a bounded pass of every fuzz test under lockdown (fuzz-asan: on an ASan/UBSan build)
#
# UPSTREAM_TARBALL=/path/to/Python-3.13.15.tar.xz uses a tarball you have.

export UPSTREAM_TARBALL DEBIAN_TARBALL
JOBS ?= $(shell nproc)
export JOBS

# Upstream tests of what our patches touch; they run unlocked and must pass
# as they do on stock CPython.
UPSTREAM_TESTS = test_os test_posix test_io test_fileio test_import \
	test_importlib test_socket test_subprocess test_builtin test_sys \
	test_audit test_interpreters test_zipimport test_linecache \
	test_traceback test_warnings test_embed test_capi test_platform \
	test_code test_marshal test_frame test_inspect test_hash test_descr \
	test_array test_context test_dis test_copy test_str test_weakref \
	test_funcattrs test_module test_threading test_site test_sysconfig \
	test_signal test_termios test_pwd test_grp test_time test_locale \
	test__locale test_readline test_dbm test_dbm_gnu test_dbm_ndbm \
	test_mmap test_faulthandler test_atexit test_tracemalloc test_pty \
	test_resource test_fcntl test_syslog test_ast test_compile test_thread \
	test_threadsignals test_logging test__interpchannels test__interpreters \
	$(FIX_TESTS)
# Upstream tests of what the upstream fixes (upstream-fixes.txt) touch; the
# memory-safety fixes bring their regression tests into test_dict,
# test_pyexpat, test_bz2 and test_ssl.
FIX_TESTS = test_dict test_gc test_pyexpat test_bz2 test_lzma test_zlib \
	test_ssl test_email test_minidom test_tarfile test_httplib \
	test_plistlib test_htmlparser test_posixpath test_zipfile test_urllib \
	test_urllib2 test_http_cookies test_http_cookiejar test_wsgiref \
	test_base64 test_webbrowser test_unicodedata test_ftplib \
	test_xml_etree test_configparser
# ThreadedVSOCKSocketStreamTest: connect() fails with ENODEV (errno 19) on
# machines that have /dev/vsock but no vsock transport, as here; it has
# nothing to do with our patches, which only act once locked.
TESTOPTS ?= -i '*VSOCK*'
# As CPython's own CI does (--fast-ci), a test that fails runs once more,
# alone and verbose, at the end of the output, where a truncated log still
# shows it; regrtest reports it ("FAILURE then SUCCESS", "re-run tests")
# and .ci/run repeats that report last.
RERUN ?= --rerun
# As CPython's own CI does: a test file that hangs fails after this many
# seconds instead of holding CI until its own limit.
TIMEOUT ?= 900
# The tests run the interpreter itself, not the ./python link: a few tests
# of test_subprocess start sys.executable under another argv[0], and the
# link then hides where the standard library is.
PY = build/obj/python

.PHONY: all deps check-deps assemble build demo test test-lockdown \
	check-sync export reassemble clean upstream-fixes stock compare-fixes \
	bench bench-callgrind bench-readme fuzz fuzz-asan test-upstream check-series \
	playground test-browser test-locked check-clinic

all: build

# make deps installs what the build and the tests need; every other target
# only checks, so that make never installs anything or calls sudo itself.
deps:
	@scripts/install-deps.sh

check-deps:
	@scripts/install-deps.sh --check

assemble: check-deps
	@scripts/assemble.sh

build: assemble
	@scripts/build.sh

demo: build
	./python Tools/lockdown/demo.py
	@echo
	@echo "Next: make playground, then open http://127.0.0.1:8000/ (a web page that runs"
	@echo "Python under lockdown through lockdownrun; Ctrl-C stops it)."

# The web playground over lockdownrun (Doc/library/lockdownrun.rst);
# PLAYGROUND_OPTS passes --host, --port, --workers, --preload and limits.
PLAYGROUND_OPTS ?=
playground: build
	$(PY) -m lockdownrun playground $(PLAYGROUND_OPTS)

# The playground in Debian's headless Chromium, driven by Debian's
# python3-selenium (make deps installs both).  It also takes a screenshot;
# SCREENSHOT=Doc/library/playground.png renews the one the README shows.
SCREENSHOT ?= build/playground.png
test-browser: build
	/usr/bin/python3 Tools/lockdown/browser_test.py --python $(PY) \
		--screenshot $(SCREENSHOT)

test: build
	$(PY) -m test -j$(JOBS) $(RERUN) --timeout $(TIMEOUT) $(TESTOPTS) \
		test_lockdown test_lockdown_kernel test_lockdown_stdlib \
		test_lockdown_operations \
		test_lockdown_crashers test_lockdown_locked_harness test_lockdownrun \
		test_lockdownrun_playground \
		$(UPSTREAM_TESTS)

test-lockdown: build
	$(PY) -m test test_lockdown

# Upstream regression tests of the pure-computation modules, each run in an
# interpreter locked after its tests are loaded: what passes, what lockdown
# refuses (and which operation), what fails (Tools/lockdown/test_locked.py).
TEST_LOCKED_OPTS ?=
test-locked: build
	$(PY) Tools/lockdown/test_locked.py $(TEST_LOCKED_OPTS)

upstream-fixes:
	@scripts/upstream-fixes.sh list

stock:
	@scripts/build-stock.sh

# Benchmarks, side by side with stock CPython (Tools/lockdown/bench/).
BENCHOPTS ?=
bench: build stock
	$(PY) Tools/lockdown/bench/bench.py --stock build/stock/python --fork $(PY) $(BENCHOPTS)
	$(PY) Tools/lockdown/bench/kernel_cost.py --fork $(PY)
	$(PY) Tools/lockdown/bench/runner_bench.py --python $(PY)

bench-callgrind: build stock
	$(PY) Tools/lockdown/bench/bench.py --stock build/stock/python --fork $(PY) --callgrind $(BENCHOPTS)

# Regenerate the result tables of README.rst (never type them by hand).
bench-readme: build stock
	$(PY) Tools/lockdown/bench/bench.py --stock build/stock/python --fork $(PY) \
		--update-readme README.rst $(BENCHOPTS)
	$(PY) Tools/lockdown/bench/bench.py --stock build/stock/python --fork $(PY) \
		--callgrind --marker callgrind --update-readme README.rst $(BENCHOPTS)

# CPython's full regression suite on stock and on the fork (unlocked), and
# the difference.  Too long for CI (see README.rst); TESTS=... limits it.
test-upstream: build stock
	$(PY) Tools/lockdown/compare_upstream.py --stock build/stock/python \
		--fork $(PY) --jobs $(JOBS) $(TESTS)

# Fuzzing under lockdown (Lib/test/fuzzhelper.py): a bounded pass of every
# fuzz test; CI runs it.  FUZZ_SECONDS bounds it.  The runs' seeds come from
# FUZZ_SEEDS, so that CI makes the same runs on every submission and a red
# pass is a regression, not a new find; FUZZ_SEEDS= (empty) draws fresh
# seeds, which is how new bugs are found (python -m test.fuzz_all does).
FUZZ_SECONDS ?= 150
FUZZ_SEEDS ?= 20261129
FUZZ_SEED_FLAG = $(if $(FUZZ_SEEDS),--seed-sequence $(FUZZ_SEEDS))
fuzz: build
	$(PY) -m test.fuzz_all --seconds $(FUZZ_SECONDS) $(FUZZ_SEED_FLAG)

# The same on an AddressSanitizer and UndefinedBehaviorSanitizer build of the
# fork, in its own folder (build/asan).
ASAN_FLAGS = --with-address-sanitizer --with-undefined-behavior-sanitizer
# A huge allocation asked for by a fuzzed argument must fail with
# MemoryError, as it does without ASan, not end the run as a crash.
ASAN_RUN_OPTIONS = detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=4096
fuzz-asan: assemble
	@ASAN_OPTIONS=detect_leaks=0 OBJ_DIR=build/asan CONFIGURE_FLAGS="$(ASAN_FLAGS)" scripts/build.sh
	ASAN_OPTIONS=$(ASAN_RUN_OPTIONS) UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		build/asan/python -m test.fuzz_all --seconds $(FUZZ_SECONDS) --memory 0 $(FUZZ_SEED_FLAG)

# Regression checks of memory-safety fixes: stock CPython of the pinned release crashes
# on them, the fork must not.
compare-fixes: build stock
	$(PY) Tools/lockdown/fixes_side_by_side.py build/stock/python $(PY)

check-sync:
	@scripts/check-sync.sh

# Argument Clinic's output is committed with the patches: regenerating it
# must change nothing (run after a rebase, or a patch that moves a module
# off the limited API).
# Build every step of the patch series (scripts/check-series.sh): that the
# series bisects.  Long; CI does not run it.  STEPS="FIRST LAST" limits it.
check-series: assemble
	@scripts/check-series.sh $(STEPS)

check-clinic: build
	@$(PY) build/cpython/Tools/clinic/clinic.py --make --srcdir build/cpython \
		--exclude Lib/test/clinic.test.c
	@if [ -n "$$(git -C build/cpython status --porcelain)" ]; then \
		git -C build/cpython status --short; \
		echo "check-clinic: Argument Clinic changed the files above: commit its output in the patch"; \
		exit 1; \
	fi
	@echo "check-clinic: Argument Clinic leaves the tree unchanged"

export:
	@scripts/export.sh

reassemble:
	@scripts/check-sync.sh || { echo "refusing to throw away the work listed above (make export first)"; exit 1; }
	@scripts/assemble.sh --reassemble

clean:
	rm -rf build/obj python
