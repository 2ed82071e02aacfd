#!/usr/bin/env bash
# tests/demo.sh -- `make demo`: the whole evidence story on one machine.
#
# Starts a local OCI registry (Debian docker-registry) and the project's own
# Sigstore stack (tests/sigstore-stack), emits evidence from
# recipes/examples/ as three signers -- alice (community), bob (partner,
# with a failing check) and carol (not on the allowlist) -- signs and pushes
# each bundle, writes the pointers into a scratch copy of the ledger with an
# allowlist naming alice and bob, runs the contract checker with
# cryptographic signer verification, then `ledger --verify --format html`,
# prints where the dashboard is, and stops everything it started.
#
#   AE_BIN=./aicr-evidence bash tests/demo.sh [OUT_DIR]   (default build/demo)
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
AE_BIN=${AE_BIN:-$repo/aicr-evidence}
OUT=$(mkdir -p "${1:-$repo/build/demo}" && cd "${1:-$repo/build/demo}" && pwd)
. "$here/e2e/lib.sh"
. "$here/e2e/sigstore_stack.sh"

step() { printf '\n== %s\n' "$*"; }
die() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

# ---- the registry: docker-registry on a free loopback port, storage in
# the scratch directory, no auth ----
REG_PID=""
registry_start() {
	local port cfg=$T_WORK/registry.yml i
	for i in 1 2 3; do
		port=$(free_port)
		cat >"$cfg" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $T_WORK/registry-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
		docker-registry serve "$cfg" >"$T_WORK/registry.log" 2>&1 &
		REG_PID=$!
		t_cleanup 'registry_stop'
		for _ in $(seq 50); do
			if curl -sf "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
				REGISTRY=127.0.0.1:$port
				return 0
			fi
			kill -0 "$REG_PID" 2>/dev/null || break
			sleep 0.1
		done
		registry_stop
	done
	return 1
}
registry_stop() {
	if [ -n "$REG_PID" ]; then
		kill "$REG_PID" 2>/dev/null
		wait "$REG_PID" 2>/dev/null
		REG_PID=""
	fi
}

# needs COMMAND -- the binary must have it (the demo is built from what
# has landed; say precisely what is missing).
needs() {
	"$AE_BIN" "$1" --help >/dev/null 2>&1 ||
		die "this build has no '$1' command yet"
}

[ -x "$AE_BIN" ] || die "$AE_BIN is not built (run make)"
for c in emit check ledger; do needs "$c"; done
command -v docker-registry >/dev/null || die "docker-registry missing (make deps)"

step "starting a local registry and the local Sigstore stack"
registry_start || die "docker-registry did not start: $(tail -3 "$T_WORK/registry.log")"
echo "registry:       http://$REGISTRY"
stack_start "$T_WORK/stack" || die "the Sigstore stack did not start"
echo "sigstore stack: $STACK_URL"
TR=$STACK_DIR/trusted_root.json
SC=$STACK_DIR/signing_config.json

now=$(date +%s)
token_for() { # EMAIL
	jwt_unsigned "{\"iss\":\"https://accounts.example.test\",\"sub\":\"$1\",\"email\":\"$1\",\"exp\":$((now + 900))}"
}
ISSUER=https://accounts.example.test
slug_of() { printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32; }

EX=$repo/recipes/examples
[ -d "$EX" ] || die "recipes/examples/ is not on this branch yet"
LEDGER=$OUT/ledger/recipes/evidence
rm -rf "$OUT/ledger" "$OUT/emit"
mkdir -p "$LEDGER" "$OUT/emit"

# emit_as NAME EMAIL CTRF-DIR: emit, sign and push one bundle, then place
# its pointer in the scratch ledger.
emit_as() {
	local name=$1 email=$2 ctrf=$3 out=$OUT/emit/$1 dest
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
		--ctrf "$ctrf" -o "$out" --push "$REGISTRY/evidence/demo:$name" \
		--registry-plain-http --sign --yes --identity-token "$(token_for "$email")" \
		--signing-config "$SC" --trusted-root "$TR"
	[ "$T_RC" -eq 0 ] || die "emit as $name (exit $T_RC): $(head -3 "$T_ERR")"
	dest=$(ae pointer path "$out/pointer.yaml" --root "$LEDGER") ||
		die "pointer path for $name"
	mkdir -p "$(dirname "$dest")"
	cp "$out/pointer.yaml" "$dest"
	echo "$name ($email): $dest"
}

step "emitting, signing and pushing evidence as three signers"
emit_as alice alice@example.test "$EX/ctrf"
emit_as bob bob@example.test "$EX/ctrf-failing"
emit_as carol carol@example.test "$EX/ctrf"

cat >"$LEDGER/allowlist.yaml" <<EOF
schemaVersion: "1.0.0"
firstParty: []
community:
  - label: alice
    issuer: $ISSUER
    source: $(slug_of "$ISSUER" alice@example.test)
partner:
  - label: bob
    issuer: $ISSUER
    source: $(slug_of "$ISSUER" bob@example.test)
EOF

step "contract check with cryptographic signer verification"
ae check --root "$LEDGER" --verify-signatures --trusted-root "$TR" \
	--registry-plain-http
echo "check exit: $? (carol is not on the allowlist: her pointer is a violation)"

step "corroboration dashboard"
run ledger --root "$LEDGER" --verify --trusted-root "$TR" \
	--registry-plain-http --cache "$OUT/cache" --format html -o "$OUT/dashboard.html"
[ "$T_RC" -eq 0 ] || die "ledger --verify (exit $T_RC): $(head -3 "$T_ERR")"
ae ledger --root "$LEDGER" --verify --trusted-root "$TR" \
	--registry-plain-http --cache "$OUT/cache"

step "stopping the registry and the Sigstore stack"
registry_stop
stack_stop
echo
echo "dashboard: $OUT/dashboard.html"
