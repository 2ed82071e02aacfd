# tests/e2e/ledger_resigned.sh -- one bundle signed by more than one
# signer, for the "one bundle, one vote" ledger tests (sourced after
# lib.sh, registry.sh, sigstore_stack.sh and ledger_signed.sh).
#
#   resigned_start        the signed ledger's services (signed_start
#                         $T_WORK/svc: REG_HOST, TR, SC) and an evidence
#                         root $root ($T_WORK/root) whose allowlist has
#                         alice (community) and bob (partner); the test
#                         ends if the services do not start
#   emit_to TWEAK DIR [FAIL_TEST]
#                         a bundle of its own in DIR, unsigned (its CTRF
#                         is signed_ctrf TWEAK [FAIL_TEST]; attestedAt
#                         SE_EPOCH, default 1764000050): 1 check
#   sign_as DIR EMAIL NAME [SIGNING_CONFIG]
#                         signs DIR as EMAIL (the stack's token) for
#                         REG_HOST/evidence/NAME, logged where the signing
#                         config (default $SC) says, and pushes it: 2 checks
#   twice_signed TWEAK DIR1 EMAIL1 DIR2 EMAIL2 [SC1 [SC2]]
#                         one bundle (emit_to TWEAK DIR1) copied to DIR2:
#                         DIR1 signed as EMAIL1 and, a second later, the
#                         same bytes in DIR2 as EMAIL2 (each pushed to
#                         evidence/<the e-mail's local part>): 5 checks
#   place DIR             DIR's pointer at its canonical place under $root
#                         (sets PLACED)
#   digest_of DIR, index_of DIR
#                         the digest, the rekorLogIndex of DIR's pointer
#   L [ARGS...]           ledger --verify --format json over $root, cache
#                         $LEDGER_CACHE (default $T_WORK/cache)
#   J JQ                  jq -r JQ over the last run's stdout
#   why_of EMAIL DIGEST   the why of EMAIL's run(s) of DIGEST in L's answer

resigned_start() {
	root=$T_WORK/root
	mkdir -p "$root"
	signed_start "$T_WORK/svc" || t_end
	signed_allowlist "$root" "alice alice@example.test community" "bob bob@example.test partner"
}

emit_to() {
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/c-$1" "$1" "${3:-}" || t_end
	SOURCE_DATE_EPOCH=${SE_EPOCH:-1764000050} run emit --recipe "$SE_EX/recipe.yaml" \
		--snapshot "$SE_EX/snapshot.yaml" --ctrf "$T_WORK/c-$1" -o "$2"
	expect_rc 0 "bundle $1 ($(basename "$2")), unsigned"
}

sign_as() {
	local ref sc=${4:-$SC}
	run sign "$1" --ref "$REG_HOST/evidence/$3" --identity-token "$(se_token "$2")" \
		--signing-config "$sc" --trusted-root "$TR" --yes
	expect_rc 0 "$2 signs $(basename "$1")${4:+ ($(basename "$4"))}"
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1/pointer.yaml")
	run push "$1" --to "$ref" --registry-plain-http
	expect_rc 0 "and pushes it to evidence/$3"
}

twice_signed() {
	emit_to "$1" "$2"
	cp -r "$2" "$4"
	sign_as "$2" "$3" "${3%%@*}" ${6:+"$6"}
	sleep 1
	sign_as "$4" "$5" "${5%%@*}" ${7:+"$7"}
}

place() {
	local rel
	rel=$(ae pointer path "$1/pointer.yaml" --root "") || return 1
	mkdir -p "$root/$(dirname "$rel")"
	cp "$1/pointer.yaml" "$root/$rel"
	# shellcheck disable=SC2034 # for the scripts (rm -f "$PLACED")
	PLACED=$root/$rel
}

digest_of() { sed -n 's/^ *digest: *//p' "$1/pointer.yaml"; }
index_of() { sed -n 's/^ *rekorLogIndex: *//p' "$1/pointer.yaml"; }

L() {
	run ledger --root "$root" --verify --trusted-root "$TR" --registry-plain-http \
		--cache "${LEDGER_CACHE:-$T_WORK/cache}" --format json "$@"
}

J() { jq -r "$1" "$T_OUT"; }

why_of() {
	J "[.signers[] | select(.slug==\"$(se_slug "$SE_ISSUER" "$1")\") | .id] as \$s
	   | [.recipes[].pointers[] | select(.digest==\"$2\" and ([.signer] | inside(\$s))) | .why]
	   | join(\",\")"
}
