# aicr-evidence -- one Makefile for the tool, its tests, fuzzers and benches.
#
#   make              build ./aicr-evidence
#   make deps         install every build and test dependency (Debian, root)
#   make test         unit + end-to-end tests, ends with "N passed, N failed"
#   make asan         the same suite under AddressSanitizer + UBSan (+LSan)
#   make valgrind     unit + end-to-end suites under valgrind (leaks are errors)
#   make interop      tests against ../shared (conformance, sigstore-js)
#   make fuzz         every libFuzzer target for FUZZ_SECONDS each
#   make fuzz-smoke   every target for FUZZ_SMOKE_SECONDS (CI: seeds + a bit)
#   make fuzz-digest  the recipe digest against the Go oracle, FUZZ_SECONDS
#   make lint         banned calls and clang-format drift
#   make headertest   each public header compiles alone
#   make verify-only  the Sigstore verifier linked alone (no signer, no curl)
#   make install PREFIX=/usr/local   the tool and its man page

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
CXX ?= c++
SHARED ?= $(abspath ../shared)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3
# The version is the first line of VERSION; the git revision is built in
# from `git describe --always --dirty` when .git exists, else from the
# second line of VERSION, which `git archive` fills in (export-subst).
VERSION := $(shell sed -n 1p VERSION 2>/dev/null)

PKGS := libgit2 openssl yaml-0.1 jansson libcurl zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DAE_VERSION='"$(VERSION)"' $(WARN) \
	-I. $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)
# One C++ file, evidence/core/re2.cc: RE2 behind a C interface. It is
# compiled with $(CXX), and the programs are linked with $(CXX) so the C++
# runtime (and the sanitizers' C++ parts) come along.
CXXWARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wpointer-arith
ALL_CXXFLAGS = -std=c++17 -fno-rtti -D_GNU_SOURCE $(CXXWARN) -I. \
	$(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
# libcurl is not linked: evidence/core/curl.c loads it on the first request.
# Nor is libgit2: ledger/git2.c loads it on the first git call, by the
# SONAME of the installed library (what the linker would have recorded),
# read here from the libgit2.so pkg-config names.
LIBS_BASE := $(filter-out -lcurl -lgit2,$(PKG_LIBS)) -ldl -lpthread
GIT2_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir libgit2 2>/dev/null)/libgit2.so" 2>/dev/null | sed -n 's/^ *SONAME *//p')
# The unit tests build repositories with libgit2 calls the tool never
# makes (commits, packs, references): they link libgit2 itself. The
# shim's git_* are kept out of their dynamic symbols (--exclude-libs), so
# libgit2's calls to its own functions never land in the shim.
GIT2_LIBS := -Wl,--exclude-libs,libaicr.a $(shell pkg-config --libs libgit2 2>/dev/null)
# RE2 and the C++ runtime are linked statically: mapping libre2.so and
# libstdc++.so costs every command about 0.9 ms of CPU at startup (a third
# more), for the few that match a pattern (docs/architecture.md).
# RE2_LINK=dynamic links the shared libraries (a distribution's choice);
# the sanitizer and fuzzer builds always do.
RE2_LINK ?= static
ifeq ($(RE2_LINK),static)
RE2_LIBS := -Wl,-Bstatic -lre2 -Wl,-Bdynamic -static-libstdc++ -static-libgcc
else
RE2_LIBS := -lre2
endif
# libcrypto is linked statically as well: the shared libcrypto.so.3 is
# built with BIND_NOW, so every process resolved its ~3,500 symbols and
# applied its ~21,000 relocations before main, about a tenth of a
# `sigstore verify-bundle` (docs/architecture.md "Startup cost"). The
# archive is the same OpenSSL and reads the same openssl.cnf; its symbols
# are kept out of the program's dynamic table (--exclude-libs), so the
# libcurl and libgit2 loaded later bind to their own shared libcrypto,
# never to these. OPENSSL_LINK=dynamic links libcrypto.so.3, so a
# distribution's OpenSSL updates reach the tool without a rebuild (the
# sanitizer and fuzzer builds always do).
OPENSSL_LINK ?= static
ifeq ($(OPENSSL_LINK),static)
CRYPTO_LIBS := -Wl,--exclude-libs,libcrypto.a -Wl,-Bstatic -lcrypto \
	-Wl,-Bdynamic -ldl -lpthread
else
CRYPTO_LIBS := -lcrypto
endif
LIBS := $(filter-out -lssl -lcrypto,$(LIBS_BASE)) $(CRYPTO_LIBS) $(RE2_LIBS)

LIB_SRC := $(sort $(shell find evidence allowlist ledger oci -name '*.c' 2>/dev/null))
LIB_CXX := $(sort $(shell find evidence allowlist ledger oci -name '*.cc' 2>/dev/null))
CMD_SRC := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/*_fuzz.c))
HEADERS := $(shell find evidence allowlist ledger oci cmd -name '*.h' 2>/dev/null)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o)
# The help texts, cmd/help/*.txt, are built in by a C file generated into
# $(BUILD) (never committed): cmd/help/gen.sh, sh + awk + od only.
HELP_TXT := $(sort $(wildcard cmd/help/*.txt))
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o) $(BUILD)/cmd/help_text.o \
	$(BUILD)/cmd/revision.o
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/unit/runner.o

.PHONY: FORCE all deps test unit e2e asan valgrind interop conformance fuzz lint \
	fuzz-digest fuzz-build fuzz-smoke format headertest install clean bench bench-peers demo \
	verify-only stack-up stack-down
.DELETE_ON_ERROR:

all: aicr-evidence $(BUILD)/aicr-evidence.1

aicr-evidence: $(BUILD)/aicr-evidence
	cp $< $@

$(BUILD)/libaicr.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/aicr-evidence: $(CMD_OBJ) $(BUILD)/libaicr.a
	$(CXX) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libaicr.a $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/cmd/help_text.c: $(HELP_TXT) cmd/help/gen.sh
	@mkdir -p $(@D)
	sh cmd/help/gen.sh c $(HELP_TXT) > $@

$(BUILD)/cmd/help_text.o: $(BUILD)/cmd/help_text.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The man page, from the same texts.
$(BUILD)/aicr-evidence.1: $(HELP_TXT) cmd/help/gen.sh VERSION
	@mkdir -p $(@D)
	sh cmd/help/gen.sh man $(VERSION) cmd/help > $@

# Rewritten only when the revision changed, so that a commit (or a change
# that makes the tree dirty) relinks the tool and nothing else does.
$(BUILD)/cmd/revision.c: FORCE
	@mkdir -p $(@D)
	@r=; if [ -e .git ]; then r=$$(git describe --always --dirty 2>/dev/null); fi; \
	if [ -z "$$r" ]; then r=$$(sed -n 2p VERSION 2>/dev/null); \
		case "$$r" in *Format*) r= ;; esac; fi; \
	r=$$(printf '%s' "$$r" | tr -cd 'A-Za-z0-9._+-'); \
	printf '#include "cmd/cmd.h"\n\nconst char *cmd_revision(void)\n{\n\treturn "%s";\n}\n' \
		"$${r:-unknown}" > $@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/cmd/revision.o: $(BUILD)/cmd/revision.c $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/ledger/git2.o: ALL_CFLAGS += -DAE_GIT2_SONAME='"$(GIT2_SONAME)"'
$(BUILD)/ledger/git2.o: Makefile

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc $(HEADERS)
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

# Unit tests: the runner's case table is generated from the test files.
$(BUILD)/tests/unit/cases.h: $(UNIT_SRC) tests/unit/gen-cases.sh
	@mkdir -p $(@D)
	sh tests/unit/gen-cases.sh $(UNIT_SRC) > $@

$(BUILD)/tests/unit/runner.o: tests/unit/runner.c $(BUILD)/tests/unit/cases.h tests/unit/t.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -I$(BUILD)/tests/unit -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.c $(wildcard tests/unit/*.h) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libaicr.a
	$(CXX) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $(UNIT_OBJ) $(BUILD)/libaicr.a $(ALL_LDFLAGS) $(LIBS) $(GIT2_LIBS)

# The Sigstore verifier linked alone (issue 17): evidence/sigstore/ and what
# it takes of evidence/core/, through an archive so that only the members
# it needs come along -- no signer, no libcurl (not even the loader shim).
VERIFY_ONLY_OBJ = $(filter $(BUILD)/evidence/sigstore/% $(BUILD)/evidence/core/%,$(LIB_OBJ))
$(BUILD)/libverify.a: $(VERIFY_ONLY_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/verify-only: tests/verify_only/main.c $(BUILD)/libverify.a $(HEADERS)
	$(CC) $(ALL_CFLAGS) -c -o $(BUILD)/tests/verify_only.o $<
	$(CXX) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $(BUILD)/tests/verify_only.o \
		$(BUILD)/libverify.a $(ALL_LDFLAGS) \
		$(shell pkg-config --libs jansson 2>/dev/null) $(CRYPTO_LIBS) \
		$(RE2_LIBS) -lpthread

verify-only: $(BUILD)/verify-only
	@if nm $< | grep -qE ' (ev_sign_|ev_signing|ev_token|ev__sign|ev__fulcio|ev__rekor|curl_)'; then \
		echo "verify-only: the verifier links signer or libcurl code"; exit 1; fi
	@if ldd $< | grep -q libcurl; then \
		echo "verify-only: the verifier maps libcurl"; exit 1; fi
	@echo "verify-only: $< links the verifier alone (no signer, no libcurl)"

deps:
	sh tests/deps.sh

test: $(BUILD)/aicr-evidence $(BUILD)/aicr-evidence.1 $(BUILD)/unit-tests
	AE_BIN=$(abspath $(BUILD)/aicr-evidence) AE_UNIT=$(abspath $(BUILD)/unit-tests) \
		OPENSSL_LINK=$(OPENSSL_LINK) bash tests/run.sh

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests $(CASE)

e2e: $(BUILD)/aicr-evidence $(BUILD)/aicr-evidence.1
	AE_BIN=$(abspath $(BUILD)/aicr-evidence) AE_UNIT= \
		OPENSSL_LINK=$(OPENSSL_LINK) bash tests/run.sh $(E2E)

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -DAE_DEBUG_ASSERT
asan:
	$(MAKE) BUILD=build-asan CC=clang CXX=clang++ RE2_LINK=dynamic \
		OPENSSL_LINK=dynamic \
		EXTRA_CFLAGS="$(ASAN_FLAGS)" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" test

# Each unit case runs in a forked child, which valgrind follows: a leak or
# an invalid access in a case exits 99 and fails that case. RE2 reads
# uninitialised memory by design: tests/valgrind.supp says which reports
# are not errors.
valgrind: $(BUILD)/aicr-evidence $(BUILD)/unit-tests
	AE_BIN=$(abspath $(BUILD)/aicr-evidence) \
		AE_UNIT=$(abspath $(BUILD)/unit-tests) AE_TEST_SLOW=30 \
		AE_WRAP="valgrind -q --suppressions=$(abspath tests/valgrind.supp) --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99" \
		bash tests/run.sh

interop: $(BUILD)/aicr-evidence
	AE_BIN=$(abspath $(BUILD)/aicr-evidence) SHARED=$(SHARED) \
		bash tests/run.sh --interop

conformance: interop

FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -DAE_FUZZING
fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=clang CXX=clang++ EXTRA_CFLAGS="$(FUZZ_CFLAGS)" build-fuzz/libaicr.a
	@for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		echo "  FUZZ-CC $$n"; \
		clang -std=c11 -D_GNU_SOURCE -I. $(PKG_CFLAGS) -O1 -g \
			-fsanitize=fuzzer,address,undefined -c \
			-o build-fuzz/$$n.o $$f || exit 1; \
		clang++ -fsanitize=fuzzer,address,undefined \
			-o build-fuzz/$$n build-fuzz/$$n.o \
			build-fuzz/libaicr.a $(LIBS_BASE) -lre2 || exit 1; \
	done

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh $(FUZZ_SRC)

# The recipe digest differential: digest_fuzz with the reference's own
# library (Go's yaml.v3, tests/oracle) as its second side.
fuzz-digest: fuzz-build
	sh tests/oracle/build.sh build-fuzz/recipe-digest-oracle
	AE_DIGEST_ORACLE=$(abspath build-fuzz/recipe-digest-oracle) \
		FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh tests/fuzz/digest_fuzz.c

# CI's short run: every seed is replayed first (a crash on one fails), then
# a few seconds of mutation per target; new inputs are not kept. The targets
# run two at a time (two halves of the list), one per core.
fuzz-smoke: fuzz-build
	@a=; b=; n=0; for f in $(FUZZ_SRC); do \
		if [ $$((n % 2)) -eq 0 ]; then a="$$a $$f"; else b="$$b $$f"; fi; \
		n=$$((n + 1)); done; \
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_KEEP=0 bash tests/fuzz/run.sh $$a & \
	pa=$$!; \
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_KEEP=0 bash tests/fuzz/run.sh $$b; \
	rb=$$?; wait $$pa; ra=$$?; [ $$ra -eq 0 ] && [ $$rb -eq 0 ]

lint:
	bash tests/lint.sh

format:
	clang-format -i $(LIB_SRC) $(LIB_CXX) $(CMD_SRC) $(HEADERS)

headertest:
	@for h in evidence/core/ae.h evidence/core/http.h evidence/tuf/tuf.h evidence/sigstore/sigstore.h evidence/signer/signer.h evidence/signer/login.h $(wildcard evidence/evidence.h allowlist/allowlist.h ledger/ledger.h oci/oci.h); do \
		echo "  HEADER $$h"; \
		printf '#include "%s"\nint headertest_dummy;\n' $$h | \
		$(CC) -std=c11 -Wall -Wextra -pedantic -Werror -I. $(PKG_CFLAGS) \
			-x c -fsyntax-only - || exit 1; \
	done

install: aicr-evidence $(BUILD)/aicr-evidence.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 aicr-evidence $(DESTDIR)$(PREFIX)/bin/aicr-evidence
	install -m 0644 $(BUILD)/aicr-evidence.1 $(DESTDIR)$(PREFIX)/share/man/man1/aicr-evidence.1

# The tool's own SHA-256 of a file, timed against `openssl dgst` by run-all.
$(BUILD)/bench/sha256-file: tests/bench/sha256_file.c $(BUILD)/libaicr.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@.o $<
	$(CXX) -o $@ $@.o $(BUILD)/libaicr.a $(ALL_LDFLAGS) $(LIBS)

bench: aicr-evidence $(BUILD)/bench/sha256-file
	AE_BIN=$(abspath aicr-evidence) \
		AE_SHA256_BIN=$(abspath $(BUILD)/bench/sha256-file) \
		bash tests/bench/run-all

# push and pull against another build of the tool, same run, ratios
# (e.g. PEER=/work/baseline-bin/aicr-evidence, the binary before a change)
bench-peers: aicr-evidence
	@test -n "$(PEER)" || { echo "bench-peers: set PEER=BINARY"; exit 2; }
	AE_BIN=$(abspath aicr-evidence) bash tests/bench/pull.sh -n $(or $(RUNS),5) $(PEER)

clean:
	rm -rf build build-asan build-fuzz aicr-evidence

# The README's main job: registry + Sigstore stack, three signers, check,
# the corroboration dashboard (tests/demo.sh); stops all it started.
demo: aicr-evidence
	AE_BIN=$(abspath aicr-evidence) bash tests/demo.sh

# The loopback registry and the local Sigstore stack the tests use, left
# running for a person (docs/contributor-guide.md "Try it locally"):
# `eval "$(make -s stack-up)"` exports where they are; idempotent.
stack-up:
	@bash tests/stack.sh up

stack-down:
	@bash tests/stack.sh down
