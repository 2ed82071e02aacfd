# tests/e2e/ledger_fixture.sh -- builds a small evidence ledger for the
# ledger tests (sourced; not a test itself: run.sh only runs test_*.sh).
#
#   ledger_fixture DIR    writes DIR/allowlist.yaml and pointers:
#     h100-eks-ubuntu-training: alice (community), bob (partner),
#       carol (not listed), a pointer squatting on alice's slug with
#       mallory's claim (misplaced), an unsigned pointer
#     gb200-oke-ubuntu-inference: alice
#   Sets SLUG_ALICE SLUG_BOB SLUG_CAROL.

ISS_OAUTH=https://github.com/login/oauth

slug_of() { # ISSUER IDENTITY
	printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32
}

digest_of() { # TEXT -> sha256:<hex>
	printf 'sha256:%s' "$(printf '%s' "$1" | sha256sum | cut -c1-64)"
}

# pointer DIR RECIPE ISSUER IDENTITY DIGEST ATTESTED_AT [unsigned]
pointer() {
	local dir=$1 recipe=$2 iss=$3 id=$4 dg=$5 at=$6 f
	f="$dir/sha256-${dg#sha256:}.yaml"
	mkdir -p "$dir"
	{
		echo "attestations:"
		echo "  - attestedAt: $at"
		echo "    bundle:"
		echo "      digest: $dg"
		echo "      oci: localhost:5000/evidence/$recipe:v1"
		echo "      predicateType: https://aicr.run/recipe-evidence/v3"
		if [ "${7:-}" != unsigned ]; then
			echo "    signer:"
			echo "      identity: $id"
			echo "      issuer: $iss"
		fi
		echo "recipe: $recipe"
		echo "schemaVersion: 1.0.0"
	} >"$f"
}

ledger_fixture() {
	local root=$1 r=h100-eks-ubuntu-training g=gb200-oke-ubuntu-inference
	SLUG_ALICE=$(slug_of "$ISS_OAUTH" alice@example.com)
	SLUG_BOB=$(slug_of "$ISS_OAUTH" bob@example.com)
	SLUG_CAROL=$(slug_of "$ISS_OAUTH" carol@example.com)
	mkdir -p "$root"
	cat >"$root/allowlist.yaml" <<EOF
schemaVersion: "1.0.0"
firstParty: []
community:
  - label: alice
    issuer: $ISS_OAUTH
    source: $SLUG_ALICE
partner:
  - label: bob
    issuer: $ISS_OAUTH
    source: $SLUG_BOB
EOF
	pointer "$root/$r/$SLUG_ALICE" $r $ISS_OAUTH alice@example.com "$(digest_of a1)" 2026-11-01T10:00:00Z
	pointer "$root/$r/$SLUG_BOB" $r $ISS_OAUTH bob@example.com "$(digest_of b1)" 2026-11-02T10:00:00Z
	pointer "$root/$r/$SLUG_CAROL" $r $ISS_OAUTH carol@example.com "$(digest_of c1)" 2026-11-03T10:00:00Z
	pointer "$root/$r/$SLUG_ALICE" $r $ISS_OAUTH mallory@example.com "$(digest_of m1)" 2026-11-04T10:00:00Z
	pointer "$root/$r/$SLUG_BOB" $r $ISS_OAUTH bob@example.com "$(digest_of u1)" 2026-11-05T10:00:00Z unsigned
	pointer "$root/$g/$SLUG_ALICE" $g $ISS_OAUTH alice@example.com "$(digest_of a2)" 2026-11-01T11:00:00Z
}
