#!/usr/bin/env bash
# tests/e2e/test_trust_wiring.sh -- what the verifying commands trust
# (docs/trust.md): the trusted root `trust update` keeps when it is current,
# replacing the embedded one; --trusted-root over everything; an expired
# cache falls back to the embedded root with a note; `check` fetches only
# with --tuf-update; `verify` refreshes a cache older than a day unless
# --offline; `trust show` says which is in force.
#
# Two repositories of our own (tests/tuf/gen_repo.py): A publishes the
# public-good trusted root, B a private stack's root (a sigstore-conformance
# case's), under which a public-good bundle cannot verify.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

here=$(cd "$(dirname "$0")/../.." && pwd)
if ! python3 -c 'import cryptography' 2>/dev/null; then
	echo "test_trust_wiring: SKIPPED -- python3-cryptography is missing (make deps), the TUF wiring tests did NOT run"
	echo "test_trust_wiring: 0 passed, 0 failed"
	exit 0
fi
pg=$here/evidence/data/public-good-trusted_root.json
cv=$here/tests/conformance/upstream/bundle-verify
private=$cv/intoto-canonical-log-entry/trusted_root.json
www=$T_WORK/www
python3 "$here/tests/tuf/gen_repo.py" "$www/A" "$pg" &&
	python3 "$here/tests/tuf/gen_repo.py" "$www/B" "$private" || {
	bad "the generator runs"
	t_end
}
port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$www" \
	>"$T_WORK/http.log" 2>&1 &
t_cleanup "kill $!"
A=http://127.0.0.1:$port/A/s/good
B=http://127.0.0.1:$port/B/s/good
for _ in $(seq 50); do curl -sf "$A/timestamp.json" >/dev/null && break; sleep 0.1; done
export XDG_CACHE_HOME=$T_WORK/xdg HOME=$T_WORK/home
base=$XDG_CACHE_HOME/aicr-evidence
fetches() { grep -c 'timestamp.json' "$T_WORK/http.log"; }

ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com
h=$cv/dsse-with-hashedrekord-happy-path
vb() { run sigstore verify-bundle --bundle "$h/bundle.sigstore.json" \
	--certificate-identity "$ID" --certificate-oidc-issuer "$ISS" "$@" "$h/artifact"; }

vb
expect_rc 0 "no TUF cache: a public-good bundle verifies against the embedded root"
run trust show --format json
expect_out '"source": "embedded"' "no TUF cache: trust show says embedded"

# B's private root in force: it replaces the embedded one
run trust update --tuf-url "$B" --tuf-root "$www/B/root1.json"
expect_rc 0 "trust update from repository B"
vb
expect_rc 2 "B's root in force: the public-good bundle no longer verifies (nothing else is trusted)"
run trust show --format json
expect_out '"source": "tuf"' "trust show: the TUF documents are in force"
expect_out "\"digest\": \"sha256:$(sha256sum "$private" | cut -d' ' -f1)\"" "trust show: the digest of B's trusted root"
vb --trusted-root "$pg"
expect_rc 0 "--trusted-root overrides the TUF cache"
run trust show
expect_out '^  tlog ' "trust show lists the transparency logs"
expect_out '^TUF repository http://127.0.0.1' "trust show names the repository"

# A selected: the public-good root from TUF verifies it again
run trust update --tuf-url "$A" --tuf-root "$www/A/root1.json" --emit-signing-config "$T_WORK/sc.json"
expect_rc 0 "trust update from repository A selects it"
vb
expect_rc 0 "A's root (the public-good one) in force: the bundle verifies"
if cmp -s "$T_WORK/sc.json" "$(ls "$www"/A/s/good/targets/*.signing_config.v0.2.json)"; then
	ok "--emit-signing-config wrote the fetched signing config"
else
	bad "--emit-signing-config wrote the fetched signing config"
fi

# signing: no service flag, the cached signing config names the services
# (here a closed loopback port: the failure names it); a service URL flag
# is the user's whole choice
closed=$(free_port)
cat >"$T_WORK/sc-closed.json" <<JSON
{"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
 "caUrls": [{"url": "http://127.0.0.1:$closed", "majorApiVersion": 1, "validFor": {"start": "2020-01-01T00:00:00Z"}}],
 "rekorTlogUrls": [{"url": "http://127.0.0.1:$closed", "majorApiVersion": 1, "validFor": {"start": "2020-01-01T00:00:00Z"}}],
 "rekorTlogConfig": {"selector": "ANY"}, "tsaConfig": {"selector": "ANY"}}
JSON
python3 "$here/tests/tuf/gen_repo.py" "$www/C" "$pg" "$T_WORK/sc-closed.json" || bad "the generator takes a signing config"
C=http://127.0.0.1:$port/C/s/good
run trust update --tuf-url "$C" --tuf-root "$www/C/root1.json"
expect_rc 0 "trust update from repository C (its signing config names 127.0.0.1:$closed)"
now=$(date +%s)
h64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
tok="$(h64 '{"alg":"none","typ":"JWT"}').$(h64 "{\"iss\":\"https://accounts.example.test\",\"aud\":\"sigstore\",\"sub\":\"u-1\",\"email\":\"alice@example.test\",\"exp\":$((now + 600))}")."
printf 'hello\n' >"$T_WORK/a.txt"
run sigstore sign-bundle --identity-token "$tok" --bundle "$T_WORK/b.json" "$T_WORK/a.txt"
# The cached trusted root does not list the cached config's Fulcio: signing
# is refused before any request (issue 20 item 9), naming the Fulcio the
# cached signing config chose -- which shows the config was used.
expect_rc 2 "sign without service flags uses the cached signing config (its Fulcio is not in the trusted root: exit 2)"
expect_err "fulcio \"http://127\.0\.0\.1:$closed\".*nothing was sent" "  the refusal names the cached config's Fulcio"
expect_err "127\.0\.0\.1" "the failure names the service the cached signing config chose"
run sigstore sign-bundle --identity-token "$tok" --bundle "$T_WORK/b.json" \
	--fulcio-url "http://127.0.0.1:$closed/explicit" --rekor-url "http://127.0.0.1:$closed/explicit" "$T_WORK/a.txt"
expect_rc 3 "explicit service URLs are used instead"
run trust update --tuf-url "$A"
expect_rc 0 "repository A selected again"

# check never fetches on its own; --tuf-update does
r=$(lf_repo ledger)
sel=$(cat "$base/tuf/selected")
origin=$base/tuf/$sel/$(cat "$base/tuf/$sel/current")/.origin.json
# make the cache look two days old
python3 - "$origin" <<'PY'
import json, sys, time
d = json.load(open(sys.argv[1])); d["updated"] = int(time.time()) - 2 * 86400
open(sys.argv[1], "w").write(json.dumps(d))
PY
n=$(fetches)
cd "$r" || exit 1
run check --verify-signatures --cache "$base" --offline
[ "$(fetches)" = "$n" ] && ok "check does not fetch trust, even from a stale cache" ||
	bad "check does not fetch trust, even from a stale cache"
run check --verify-signatures --cache "$base" --tuf-update
[ "$(fetches)" -gt "$n" ] && ok "check --tuf-update refreshes the cache first" ||
	bad "check --tuf-update refreshes the cache first" "$(cat "$T_ERR")"
run check --verify-signatures --offline --cache "$base" --tuf-update
expect_rc 64 "check --tuf-update --offline is a usage error"
cd "$T_WORK" || exit 1

# verify refreshes a cache older than a day, --offline forbids it
emit=$T_WORK/out
ae emit --recipe "$here/recipes/examples/recipe.yaml" --snapshot "$here/recipes/examples/snapshot.yaml" \
	--ctrf "$here/recipes/examples/ctrf" -o "$emit" >/dev/null 2>&1
origin=$base/tuf/$sel/$(cat "$base/tuf/$sel/current")/.origin.json
python3 - "$origin" <<'PY'
import json, sys, time
d = json.load(open(sys.argv[1])); d["updated"] = int(time.time()) - 2 * 86400
open(sys.argv[1], "w").write(json.dumps(d))
PY
n=$(fetches)
run verify "$emit" --offline
[ "$(fetches)" = "$n" ] && ok "verify --offline does not refresh the trust" || bad "verify --offline does not refresh the trust"
run verify "$emit"
expect_rc 0 "verify of an unsigned bundle with a stale cache"
[ "$(fetches)" -gt "$n" ] && ok "verify refreshes a cache older than a day" || bad "verify refreshes a cache older than a day"
n=$(fetches)
run verify "$emit"
[ "$(fetches)" = "$n" ] && ok "verify does not refresh a fresh cache" || bad "verify does not refresh a fresh cache"

# no HOME, no XDG_CACHE_HOME: no TUF cache to look at, the embedded root
(unset HOME XDG_CACHE_HOME; "$AE_BIN" verify "$emit" >"$T_OUT" 2>"$T_ERR")
rc=$?
[ $rc -eq 0 ] && ok "verify without a cache directory uses the embedded root" ||
	bad "verify without a cache directory uses the embedded root" "exit $rc"

# an expired cache: the embedded root, with a note
c=$T_WORK/expired
run trust update --tuf-url "$A" --tuf-root "$www/A/root1.json" --cache "$c" --at 2200-01-01T00:00:00Z
expect_rc 2 "metadata expired at --at: refused"
run trust show --cache "$c"
expect_out '^in force: embedded' "a refused update selects nothing: the embedded root"
# The cache is untrusted storage (docs/trust.md "Whose TUF cache"): TUF
# state another user wrote or can change is ignored with a note, and
# `trust update` refuses to write into it.
sh=$T_WORK/shared
mkdir -p "$sh" && chmod 1777 "$sh"
cp "$www/B/root1.json" "$sh/root-b.json" && chmod 644 "$sh/root-b.json"
chmod 755 "$T_WORK"
cache=$sh/xdg/aicr-evidence
mkdir -p "$sh/xdg" && chmod 1777 "$sh/xdg"
if setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
	"$AE_BIN" trust update --tuf-url "$B" --tuf-root "$sh/root-b.json" \
	--cache "$cache" >/dev/null 2>&1; then
	XDG_CACHE_HOME=$sh/xdg vb
	expect_rc 0 "a co-tenant's TUF cache (B's root) in \$XDG_CACHE_HOME is ignored: the public-good bundle verifies"
	expect_err "ignoring the TUF cache in $cache/tuf: tuf is owned by uid 65534; using the embedded" "  one note says whose it is"
	run trust show --cache "$cache"
	expect_out '^in force: embedded' "trust show --cache: a TUF cache another uid wrote is not in force"
	run trust update --tuf-url "$A" --tuf-root "$www/A/root1.json" --cache "$cache"
	expect_rc 2 "trust update refuses to write into another uid's TUF cache"
	expect_err "not your own" "  the refusal says why"
else
	bad "a co-tenant (uid 65534) runs trust update into a shared cache"
fi
# a copy of B's cache that is the caller's own is in force; then each way
# it stops being the caller's own
own=$T_WORK/own
run trust update --tuf-url "$B" --tuf-root "$www/B/root1.json" --cache "$own"
expect_rc 0 "trust update of an own cache"
run trust show --cache "$own"
expect_out '^in force: tuf' "  an own cache is in force"
sel=$(cat "$own/tuf/selected")
gen=$(cat "$own/tuf/$sel/current")
foreign_case() { # what, then restore command
	run trust show --cache "$own"
	expect_out '^in force: embedded' "$1: not in force"
	expect_out "^note: ignoring the TUF cache in $own/tuf: " "  $1: the note says it is ignored"
	run trust update --tuf-url "$B" --tuf-root "$www/B/root1.json" --cache "$own"
	expect_rc 2 "  $1: trust update refuses"
}
chmod g+w "$own/tuf/$sel"
foreign_case "a group-writable repository directory"
chmod g-w "$own/tuf/$sel"
chmod o+w "$own/tuf"
foreign_case "a world-writable tuf/"
chmod o-w "$own/tuf"
chown 65534 "$own/tuf/$gen" 2>/dev/null || chown 65534 "$own/tuf/$sel/$gen"
foreign_case "a generation owned by uid 65534"
chown 0 "$own/tuf/$sel/$gen"
chown 65534 "$own/tuf/selected"
foreign_case "a selected record owned by uid 65534"
chown 0 "$own/tuf/selected"
chown 65534 "$own/tuf/$sel/$gen/root.json"
foreign_case "a root.json owned by uid 65534"
chown 0 "$own/tuf/$sel/$gen/root.json"
mv "$own/tuf/$sel/current" "$own/cur" && ln -s "$own/cur" "$own/tuf/$sel/current"
foreign_case "current a symlink"
rm "$own/tuf/$sel/current" && mv "$own/cur" "$own/tuf/$sel/current"
mkfifo "$own/tuf/$sel/$gen/fifo"
foreign_case "a FIFO in the generation"
rm "$own/tuf/$sel/$gen/fifo"
run trust show --cache "$own"
expect_out '^in force: tuf' "restored: the own cache is in force again"

# --emit-signing-config onto a symlink or FIFO: refused before the cache is
# touched (a refused update changes nothing on disk)
echo VICTIM >"$T_WORK/victim"
ln -s "$T_WORK/victim" "$T_WORK/sc-link.json"
mkfifo "$T_WORK/sc-fifo.json"
for out in sc-link.json sc-fifo.json; do
	c=$T_WORK/emit-$out
	run trust update --tuf-url "$B" --tuf-root "$www/B/root1.json" --cache "$c" \
		--emit-signing-config "$T_WORK/$out"
	expect_rc 2 "--emit-signing-config onto $out: refused"
	[ ! -e "$c/tuf/selected" ] && ok "  $out: nothing selected" || bad "  $out: nothing selected"
	run trust show --cache "$c"
	expect_out '^in force: embedded' "  $out: the trust in force is unchanged"
done
grep -qx VICTIM "$T_WORK/victim" && ok "  the symlink's target is untouched" || bad "  the symlink's target is untouched"
t_end
