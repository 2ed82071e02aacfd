#!/usr/bin/env bash
# tests/lint.sh -- the checks curl's checksrc makes, for our tree (STYLE §3.12)
set -u
cd "$(dirname "$0")/.."
fail=0
src=$(find cmd evidence allowlist ledger oci -name '*.[ch]' | sort)
say() { echo "lint: $*"; fail=1; }

banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|sscanf|gets|system|popen)[[:space:]]*\('
hits=$(grep -nE "$banned" $src | grep -v '^\S*:[0-9]*:\s*/\?\*')
[ -z "$hits" ] || say "banned call:
$hits"

# A signature's Rekor index reaches a pointer through one setter
# (ld_pointer_fields_signer: index 0 written absent, as the reference
# writes it); a move of the signing flow once set the field by hand.
hits=$(grep -nE '(\.|->)rekor_log_index[[:space:]]*=[^=]' $src | grep -v '^ledger/pointer\.c:')
[ -z "$hits" ] || say "a pointer's rekor_log_index set outside ledger/pointer.c (use ld_pointer_fields_signer):
$hits"

# One date routine (issue 17): RFC 3339 is read by evidence/core/time.c
# alone, with no time zone or libc calendar (timegm, mktime, strptime,
# getdate); the callers pass flags for their format.
# Dates are written by it too (ae_time_format): strftime's %Y is not four
# digits before year 1000, so what one command writes another refused.
hits=$(grep -nE '\b(timegm|mktime|strptime|getdate|getdate_r|gmtime|gmtime_r|localtime|localtime_r|strftime)[[:space:]]*\(' $src | grep -v '^evidence/core/time\.c:')
[ -z "$hits" ] || say "a date parsed or written outside evidence/core/time.c (ae_time_parse_rfc3339, ae_time_format):
$hits"

hits=$(grep -nE '\bif \(.*[^=!<>]=[^=].*\)' $src | grep -vE '(==|!=|<=|>=)' | grep -E 'if \([^)]*[^=!<>]=[^=]' )
[ -z "$hits" ] || say "assignment inside if (:
$hits"

# One capped escape (issue 17): untrusted text is shown through
# ae_buf_put_esc (evidence/core/text.c), and a value cut at a size through
# ae_buf_put_esc_value / ae_esc_value_dup alone. Two copies once grew
# apart; no second marker, and no hand-made \xNN escape, come back. (ae_repr
# in err.c is the other, quoted form of error messages.)
hits=$(grep -nF '(unprintable)' $src | grep -v '^evidence/core/ae\.h:')
[ -z "$hits" ] || say "a capped escape's marker outside evidence/core (use ae_buf_put_esc_value or ae_esc_value_dup):
$hits"
hits=$(grep -nE "\\\\x%0?2[xX]|'\\\\\\\\', *'x'" $src | grep -vE '^evidence/core/(text|err)\.c:')
[ -z "$hits" ] || say "a hand-made \\xNN escape outside evidence/core/text.c (use ae_buf_put_esc):
$hits"

# Only cmd/ prints or exits (STYLE §3.6).
lib=$(find evidence allowlist ledger oci -name '*.c' | sort)
hits=$(grep -nE '\b(printf|fprintf|puts|fputs|perror|exit|abort)[[:space:]]*\(' $lib | grep -v 'AE_DEBUG_ASSERT')
[ -z "$hits" ] || say "printing or exiting below cmd/:
$hits"

# Another module's internal.h never crosses folders.
for f in $src; do
	dir=$(dirname "$f")
	grep -nE '#include "[a-z/]+/internal\.h"' "$f" | while IFS= read -r l; do
		inc=$(sed -E 's/.*#include "([a-z/]+)\/internal\.h".*/\1/' <<<"$l")
		[ "$inc" = "$dir" ] || echo "lint: $f includes $inc/internal.h"
	done
done | grep . && fail=1

# The arrows (docs/architecture.md): what each folder may include of the
# project. A file's own folder is always allowed; everything else must be
# listed here. evidence/sigstore (the verifier) stands on evidence/core
# alone; evidence/signer on the verifier's public header and core.
allowed_includes() {
	case "$1" in
	evidence/core) echo "evidence/core/" ;;
	evidence/tuf) echo "evidence/core/" ;;
	evidence/sigstore) echo "evidence/core/" ;;
	evidence/signer) echo "evidence/core/ evidence/sigstore/sigstore.h" ;;
	evidence) echo "evidence/core/ evidence/sigstore/sigstore.h" ;;
	oci) echo "evidence/core/" ;;
	allowlist) echo "evidence/core/" ;;
	ledger) echo "evidence/core/ allowlist/allowlist.h evidence/evidence.h evidence/sigstore/sigstore.h evidence/signer/signer.h evidence/tuf/tuf.h oci/oci.h" ;;
	cmd) echo "evidence/core/ evidence/evidence.h evidence/sigstore/sigstore.h evidence/signer/signer.h evidence/signer/login.h evidence/tuf/tuf.h allowlist/allowlist.h ledger/ledger.h oci/oci.h" ;;
	*) echo "" ;;
	esac
}
for f in $src $(find cmd evidence allowlist ledger oci -name '*.cc' | sort); do
	dir=$(dirname "$f")
	ok=$(allowed_includes "$dir")
	grep -oE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^"]+"' "$f" |
		sed -E 's/.*"([^"]+)"/\1/' | while IFS= read -r inc; do
		case "$inc" in "$dir"/*)
			[ "$(dirname "$inc")" = "$dir" ] && continue ;;
		esac
		hit=0
		for a in $ok; do
			case "$inc" in "$a"*) hit=1 ;; esac
		done
		[ $hit -eq 1 ] || echo "lint: $f includes $inc against the arrows"
	done
done | grep . && fail=1

# One HTTP engine (docs/architecture.md "HTTP"): only evidence/core/http*.c
# drives libcurl (curl.c is the loader that forwards to it). Anyone else
# asks the engine, so the URL policy, deadlines, retries and TLS cannot be
# set differently by a second client.
hits=$(grep -nE '\bcurl_(easy_[a-z]+|slist_[a-z_]+|url(_[a-z]+)?|global_[a-z]+|multi_[a-z]+|share_[a-z]+)[[:space:]]*\(' $src |
	grep -vE '^evidence/core/(http[a-z_]*|curl)\.c:')
[ -z "$hits" ] || say "libcurl called outside the HTTP engine (evidence/core/http*.c):
$hits"

# libgit2 is ledger/'s alone (docs/architecture.md "Startup cost"): the
# tool does not link it, ledger/git2.c loads it on the first call, so its
# headers are included in ledger/ only.
hits=$(grep -nE '#[[:space:]]*include[[:space:]]*<git2' $src | grep -v '^ledger/')
[ -z "$hits" ] || say "libgit2 used outside ledger/ (ledger/git2.c loads it for ledger/ alone):
$hits"

# cmd/ is faces only (issue 17): no thread code. Worker pools start in
# ledger/pool.c (the one pool of the gate and the ledger); the only other
# threads are one helper beside its caller for the length of one stream:
# the extractor beside a download (oci/untar_stream.c) and gzip beside the
# packer of a push (oci/tar.c).
hits=$(grep -nE '\b(pthread_[a-z_]+|thrd_[a-z_]+|mtx_[a-z_]+|cnd_[a-z_]+)\b|#[[:space:]]*include[[:space:]]*<(pthread|threads|stdatomic)\.h>' $(find cmd -name '*.[ch]' | sort))
[ -z "$hits" ] || say "thread code in cmd/:
$hits"
hits=$(grep -nE '\b(pthread_create|thrd_create)[[:space:]]*\(' $(find ledger evidence oci allowlist -name '*.c' | sort) |
	grep -vE '^(ledger/pool|oci/untar_stream|oci/tar)\.c:')
[ -z "$hits" ] || say "a thread started outside ledger/pool.c, oci/untar_stream.c and oci/tar.c:
$hits"

# No file-level circles: two files (or more) each using a function of the
# other. Read from the objects of the last build (nm), so it says SKIPPED
# without one. Circles known and being removed are listed (none left); a
# new one fails.
known_circles=''
if ls build/cmd/*.o >/dev/null 2>&1 && command -v nm >/dev/null &&
	command -v python3 >/dev/null; then
	circles=$(python3 tests/circles.py build) || say "tests/circles.py failed"
	while IFS= read -r c; do
		[ -n "$c" ] || continue
		grep -qxF "$c" <<<"$known_circles" || say "file-level circle: $c"
	done <<<"$circles"
else
	echo "lint: circles SKIPPED -- no build/ objects (make first) or no nm/python3"
fi

# Formatting drift.
if command -v clang-format >/dev/null 2>&1; then
	for f in $src $(find cmd evidence allowlist ledger oci -name '*.cc' | sort); do
		if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
			say "$f is not clang-formatted (run 'make format')"
		fi
	done
fi
[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
