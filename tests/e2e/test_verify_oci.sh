#!/usr/bin/env bash
# tests/e2e/test_verify_oci.sh -- verify pulls what it verifies (issue 6,
# reference §9.1-9.2): emit --sign --push to a loopback docker-registry,
# then verify by oci://REF@sha256, by a bare reference, by the pointer file
# alone (pulled by bundle.digest), --offline from a warm and from a cold
# cache, tag-only refused before any network I/O and accepted with
# --allow-unpinned-tag, a statement whose subject is not the pulled
# artifact, basic auth (401 → exit 2 with a hint), TLS with and without
# the registry's CA, a missing manifest
# (404), a persistent 503 through the fault proxy and a registry that is
# down (exit 3), and a blob tampered with inside the registry (exit 2,
# nothing cached).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/fault_proxy.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000

stack_up "$W/stack"
rep() { jq -r "$1" "$T_OUT"; }
step() { jq -r --arg n "$1" '.steps[]|select(.name==$n)|.status' "$T_OUT"; }
detail() { jq -r --arg n "$1" '.steps[]|select(.name==$n)|.detail // ""' "$T_OUT"; }

reg_up "$W/reg"
R=$REG_HOST
emit_push() { # OUT REPO
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$1" --sign --push "$R/$2" --registry-plain-http \
		--identity-token "$TOKEN" --signing-config "$SC" --trusted-root "$TR" --yes
}
emit_push "$W/out" acme/evidence
expect_rc 0 "emit --sign --push"
D=$(sed -n 's/.*digest: \(sha256:[0-9a-f]*\).*/\1/p' "$W/out/pointer.yaml")
TAGGED=$(sed -n "s/^ *oci: *//p" "$W/out/pointer.yaml" | tr -d "\"")
[[ $D =~ ^sha256:[0-9a-f]{64}$ ]] && ok "the pointer pins a digest" || bad "the pointer pins a digest" "$D"
C=$W/cache

# ---- by reference ----
run verify "oci://$R/acme/evidence@$D" --registry-plain-http --cache "$C" \
	--trusted-root "$TR" --format json
expect_rc 0 "verify oci://REF@sha256 pulls and verifies"
is "$(rep .input)" oci "input form is oci"
is "$(rep .bundleDigest)" "$D" "bundleDigest is the pulled artifact"
is "$(rep .signer.identity)" alice@example.test "signer from the certificate"
is "$(step signature-verify)" passed "signature step passed (subject = pulled digest)"
case "$(detail materialize-bundle)" in "pulled $R/acme/evidence@$D (signature referrer sha256:"*) ok "materialize says what was pulled" ;; *) bad "materialize detail" "$(detail materialize-bundle)" ;; esac

run verify "$R/acme/evidence@$D" --registry-plain-http --cache "$C" --trusted-root "$TR" \
	--expected-issuer https://accounts.example.test --expected-identity-regexp 'alice@example\.test'
expect_rc 0 "a bare reference (no oci://) verifies, identity pinned"
expect_out 'Evidence verification: bundle valid' "text report"

# ---- by the pointer alone: nothing beside it, so only a pull can work ----
mkdir -p "$W/ledger"
cp "$W/out/pointer.yaml" "$W/ledger/sha256-${D#sha256:}.yaml"
run verify "$W/ledger/sha256-${D#sha256:}.yaml" --registry-plain-http --cache "$W/cache2" \
	--trusted-root "$TR" --format json
expect_rc 0 "a pointer is verified by pulling bundle.oci@bundle.digest"
is "$(rep .input)" pointer "input form is pointer"
is "$(rep .pointer.attestations[0].signer.identity)" alice@example.test "the claim is in the report"
case "$(detail materialize-bundle)" in "pulled $R/acme/evidence@$D"*) ok "the pointer's bundle was pulled" ;; *) bad "pointer pulled" "$(detail materialize-bundle)" ;; esac
[ -s "$W/cache2/blobs/sha256/${D#sha256:}" ] && ok "the pull went through the cache" || bad "the pull went through the cache"

# the pointer's claims are still cross-checked against what was pulled
sed 's/alice@example.test/bob@example.test/' "$W/ledger/sha256-${D#sha256:}.yaml" >"$W/ledger/bob.yaml"
run verify "$W/ledger/bob.yaml" --registry-plain-http --cache "$C" --trusted-root "$TR" --format json
expect_rc 2 "a pulled bundle whose signer is not the claimed one: exit 2"
jq -e '.steps[]|select(.name=="signature-verify")|.subRows[]|select(.key=="identity")' "$T_OUT" >/dev/null &&
	ok "sub-row identity mismatch" || bad "sub-row identity mismatch"

# --bundle REF: the pointer's digest stays the pin; a contradicting one is refused
run verify "$W/ledger/sha256-${D#sha256:}.yaml" --bundle "$R/acme/evidence" \
	--registry-plain-http --cache "$C" --trusted-root "$TR"
expect_rc 0 "--bundle REF names the repository, the pointer's digest is pulled"
run verify "$W/ledger/sha256-${D#sha256:}.yaml" --bundle "$R/acme/evidence@sha256:$(printf '0%.0s' $(seq 64))" \
	--registry-plain-http --cache "$C" --trusted-root "$TR"
expect_rc 64 "--bundle pinning another digest than the pointer is a usage error"
run verify "$W/out" --bundle "$W/out"
expect_rc 64 "--bundle with a directory input is a usage error"

# ---- --offline: the cache alone, the registry named at a closed port ----
run verify "127.0.0.1:1/acme/evidence@$D" --offline --cache "$C" --trusted-root "$TR" --format json
expect_rc 0 "--offline verifies from a warm cache"
case "$(detail materialize-bundle)" in "from the cache (offline):"*) ok "materialize says offline" ;; *) bad "materialize offline detail" "$(detail materialize-bundle)" ;; esac
is "$(step signature-verify)" passed "--offline finds the remembered signature referrer"
run verify "$W/ledger/sha256-${D#sha256:}.yaml" --offline --cache "$C" --trusted-root "$TR"
expect_rc 0 "--offline verifies a pointer from the cache"
run verify "127.0.0.1:1/acme/evidence@$D" --offline --cache "$W/cold" --trusted-root "$TR" --format json
expect_rc 2 "--offline with a cold cache: exit 2 (not in the cache is not transient)"
is "$(rep .failureCause.class)" not-found "cold cache: class not-found"
case "$(rep .failureCause.hint)" in *"without --offline"*) ok "cold cache: the hint says fill it online" ;; *) bad "cold cache hint" "$(rep .failureCause.hint)" ;; esac
is "$(step signature-verify)" skipped "cold cache: later steps skipped"

# ---- tag-only ----
run verify "127.0.0.1:1/acme/evidence:v1" --registry-plain-http --cache "$C"
expect_rc 64 "a tag-only reference is refused before any network I/O (closed port: exit 64, not 3)"
expect_err "tag-only" "the refusal says tag-only"
run verify "$TAGGED" --registry-plain-http --cache "$C" --trusted-root "$TR" --allow-unpinned-tag --format json
expect_rc 0 "--allow-unpinned-tag resolves the tag and verifies"
is "$(rep .bundleDigest)" "$D" "the tag resolved to the pushed digest"
run verify "$TAGGED" --offline --cache "$C" --allow-unpinned-tag
expect_rc 64 "--offline cannot resolve a tag"

# ---- a statement whose subject is not the pulled artifact ----
cp -r "$W/out" "$W/other"
printf '\n' >>"$W/other/summary-bundle/snapshot.yaml"
run push "$W/other" --to "$R/acme/evidence:other" --registry-plain-http --format json
expect_rc 0 "a changed tree with the old signature pushes"
DO=$(jq -r .digest "$T_OUT")
run verify "$R/acme/evidence@$DO" --registry-plain-http --cache "$C" --trusted-root "$TR" --format json
expect_rc 2 "the signed subject is another artifact: exit 2"
jq -e '.steps[]|select(.name=="signature-verify")|.subRows[]|select(.key=="subject" and .value=="artifact digest mismatch")' "$T_OUT" >/dev/null &&
	ok "sub-row subject: artifact digest mismatch" || bad "sub-row subject: artifact digest mismatch"
is "$(rep .failureCause.class)" signature "class signature"

# ---- 404 ----
run verify "$R/acme/evidence@sha256:$(printf 'b%.0s' $(seq 64))" --registry-plain-http --cache "$C" --format json
expect_rc 2 "a digest the registry does not have: exit 2"
is "$(rep .failureCause.class)" not-found "404: class not-found"
is "$(rep .failureCause.httpStatus)" 404 "404: httpStatus"
case "$(rep .failureCause.hint)" in *pushed*) ok "404: hint asks whether it was pushed" ;; *) bad "404 hint" "$(rep .failureCause.hint)" ;; esac
expect_err "hint: " "404: the hint is on stderr too"

# ---- basic auth: 401 without credentials, verified with them ----
if reg_start "$W/basic" --auth; then
	t_cleanup "reg_stop $W/basic"
	RB=$REG_HOST
	printf '%s\n' "$REG_PASS" >"$W/pw"
	ae push "$W/out" --to "$RB/acme/evidence" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin <"$W/pw" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "push to the basic-auth registry"
	run verify "$RB/acme/evidence@$D" --registry-plain-http --cache "$W/cache3" --trusted-root "$TR" --format json
	expect_rc 2 "no credentials: exit 2"
	is "$(rep .failureCause.class)" registry-forbidden "401: class registry-forbidden"
	is "$(rep .failureCause.httpStatus)" 401 "401: httpStatus"
	case "$(rep .failureCause.hint)" in *--registry-username*) ok "401: the hint names the credential flags" ;; *) bad "401 hint" "$(rep .failureCause.hint)" ;; esac
	ae verify "$RB/acme/evidence@$D" --registry-plain-http --cache "$W/cache3" --trusted-root "$TR" \
		--registry-username "$REG_USER" --registry-password-stdin <"$W/pw" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "with --registry-username/--registry-password-stdin: verified"
else
	bad "basic-auth registry starts"
fi

# ---- TLS: the registry's CA given, skipped, or missing ----
if reg_start "$W/tls" --tls; then
	t_cleanup "reg_stop $W/tls"
	RT=$REG_HOST
	run push "$W/out" --to "$RT/acme/evidence" --registry-ca "$REG_CA"
	expect_rc 0 "push to the TLS registry with --registry-ca"
	run verify "$RT/acme/evidence@$D" --cache "$W/cache-tls" --trusted-root "$TR" --format json
	expect_rc 2 "an untrusted registry certificate: exit 2, not a transient fault"
	is "$(rep .failureCause.class)" registry "untrusted certificate: class registry"
	run verify "$RT/acme/evidence@$D" --registry-ca "$REG_CA" --cache "$W/cache-tls" --trusted-root "$TR"
	expect_rc 0 "verify over TLS with --registry-ca"
	run verify "$RT/acme/evidence@$D" --registry-insecure-tls --cache "$W/cache-tls2" --trusted-root "$TR"
	expect_rc 0 "verify over TLS with --registry-insecure-tls"
	run verify "$RT/acme/evidence@$D" --registry-ca "$REG_CA" --registry-plain-http --cache "$W/cache-tls"
	expect_rc 64 "--registry-plain-http with a TLS flag is a usage error"
else
	bad "TLS registry starts"
fi

# ---- 503 from the registry, persistently: no verdict ----
proxy_up "$R"
rules '[{"path":"/manifests/","action":"status","status":503,"times":100}]'
run verify "$P/acme/evidence@$D" --registry-plain-http --cache "$W/cache4" --trusted-root "$TR" --format json
expect_rc 3 "a registry answering 503 after the retries: exit 3"
is "$(rep .failureCause.class)" transient "503: class transient"
is "$(rep .failureCause.httpStatus)" 503 "503: httpStatus"
is "$(rep .exit)" 3 "503: the report's exit is 3"

# ---- a blob tampered with inside the registry: rejected, not cached ----
layer=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://$R/v2/acme/evidence/manifests/$D" | jq -r '.layers[0].digest')
blob=$W/reg/data/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data
if [ -f "$blob" ]; then
	printf 'X' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
	run verify "$R/acme/evidence@$D" --registry-plain-http --cache "$W/cache5" --trusted-root "$TR" --format json
	expect_rc 2 "a tampered registry blob: exit 2"
	is "$(rep .failureCause.class)" integrity "tampered blob: class integrity"
	[ ! -e "$W/cache5/blobs/sha256/${layer#sha256:}" ] && ok "the tampered blob is not cached" || bad "the tampered blob is not cached"
	run verify "$R/acme/evidence@$D" --offline --cache "$C" --trusted-root "$TR"
	expect_rc 0 "the warm cache still holds the good bytes"
else
	bad "registry blob path" "$blob"
fi

# ---- the registry is down ----
reg_stop "$W/reg"
run verify "$W/ledger/sha256-${D#sha256:}.yaml" --registry-plain-http --cache "$W/cache6" --trusted-root "$TR" --format json
expect_rc 3 "registry down: exit 3"
is "$(rep .failureCause.class)" transient "registry down: class transient"
expect_err "transient" "registry down: stderr says transient"
[ ! -e "$W/ledger/pointer.yaml" ] && [ -z "$(ls "$W/cache6/blobs/sha256" 2>/dev/null)" ] && ok "nothing written" || bad "nothing written"

t_end
