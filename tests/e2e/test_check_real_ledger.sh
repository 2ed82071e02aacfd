#!/usr/bin/env bash
# tests/e2e/test_check_real_ledger.sh -- the whole-tree audit of a ledger
# shaped like the reference system's published one (aicr-reference §1.4,
# §1.6, §2, §3.4): an allowlist of 4 first-party UAT patterns and 4
# community slugs (3 OAuth e-mails, 1 GitHub Actions fork workflow),
# `partner: []`; nested pointers by those signers; a fork workflow that
# signed from a second branch, whose slug differs and is not listed (§2);
# and the two legacy flat, signed pointers at the root with the old
# aicr.nvidia.com predicate and the shared `:v1` tag (§1.6, §11 #1499).
# The audit must report exactly those three problems and nothing else.
. "$(dirname "$0")/lib.sh"
t_begin

GH=https://github.com/login/oauth
GHA=https://token.actions.githubusercontent.com
FORK=https://github.com/example-fork/aicr/.github/workflows/evidence-publish.yaml
EV=recipes/evidence
slug() { printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32; }
hex() { printf 'real-%s' "$1" | sha256sum | cut -c1-64; }
R=$T_WORK/aicr
git init -q -b main "$R"
mkdir -p "$R/$EV"

cat >"$R/$EV/allowlist.yaml" <<EOF
schemaVersion: "1.0.0"
firstParty:
EOF
for x in aws gcp azure kind; do
	cat >>"$R/$EV/allowlist.yaml" <<EOF
  - label: aicr-uat-$x
    issuer: $GHA
    identityPattern: ^https://github\.com/NVIDIA/aicr/\.github/workflows/uat-$x\.yaml@refs/heads/.+\$
EOF
done
{
	echo "community:"
	for id in yuanchen97@gmail.com tester-two@example.com tester-three@example.com; do
		printf '  - label: %s\n    issuer: %s\n    source: %s\n' "${id%@*}" "$GH" "$(slug "$GH" "$id")"
	done
	printf '  - label: fork-aks\n    issuer: %s\n    source: %s\n' "$GHA" \
		"$(slug "$GHA" "$FORK@refs/heads/evidence/aks-h100-training-inference")"
	echo "partner: []"
} >>"$R/$EV/allowlist.yaml"

# nested ISSUER IDENTITY RECIPE HEX [PROFILE]: a pointer at its canonical
# path, keys sorted as the newest writer emits them (reference §1.2).
nested() {
	local d="$R/$EV/$3/$(slug "$1" "$2")"
	mkdir -p "$d"
	{
		echo "attestations:"
		echo "  - attestedAt: \"2026-06-25T05:57:00Z\""
		echo "    bundle:"
		echo "      digest: sha256:$4"
		echo "      oci: ghcr.io/nvidia/aicr-evidence:$3-${4:0:12}"
		echo "      predicateType: https://aicr.run/recipe-evidence/v3"
		echo "    signer:"
		echo "      identity: $2"
		echo "      issuer: $1"
		echo "      rekorLogIndex: 512345678"
		[ -n "${5:-}" ] && echo "profile: $5"
		echo "recipe: $3"
		echo "schemaVersion: 1.0.0"
	} >"$d/sha256-$4.yaml"
}
# The golden of reference §1.4: yuanchen97 on h100-gke-cos-training.
nested "$GH" yuanchen97@gmail.com h100-gke-cos-training \
	33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317
nested "$GH" yuanchen97@gmail.com h100-eks-ubuntu-training "$(hex 1)"
nested "$GH" tester-two@example.com h100-eks-ubuntu-training "$(hex 2)"
nested "$GH" tester-three@example.com h100-aks-ubuntu-training-gpustack-operator-managed \
	"$(hex 3)" gpuStack=operator-managed
nested "$GHA" "$FORK@refs/heads/evidence/aks-h100-training-inference" h100-aks-ubuntu-training "$(hex 4)"
# The same fork workflow from another branch: another slug, not listed.
GKE_ID="$FORK@refs/heads/evidence/gke-h100-inference"
nested "$GHA" "$GKE_ID" h100-gke-cos-inference "$(hex 5)"
GKE_PTR="$EV/h100-gke-cos-inference/$(slug "$GHA" "$GKE_ID")/sha256-$(hex 5).yaml"

# Legacy flat pointers (struct key order, old domain, shared :v1 tag).
for r in h100-eks-ubuntu-training h100-gke-cos-training; do
	cat >"$R/$EV/$r.yaml" <<EOF
schemaVersion: 1.0.0
recipe: $r
attestations:
  - bundle:
      oci: ghcr.io/nvidia/aicr-evidence:v1
      digest: sha256:$(hex "flat-$r")
      predicateType: https://aicr.nvidia.com/recipe-evidence/v1
    signer:
      identity: yuanchen97@gmail.com
      issuer: $GH
    attestedAt: "2026-05-01T10:00:00Z"
EOF
done
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm "the published ledger"

run allowlist check "$R/$EV/allowlist.yaml"
expect_rc 0 "the reference-shaped allowlist is valid"

run check --repo "$R" --format json
expect_rc 1 "the audit of the reference-shaped ledger finds problems"
got=$(jq -r '.problems[] | "\(.path)|\(.rule)|\(.message)"' "$T_OUT")
want="$EV/h100-eks-ubuntu-training.yaml|placement|unexpected file at the evidence root: only allowlist.yaml and <recipe>/<src>/ directories belong here
$GKE_PTR|allowlist|claimed signer (issuer \"$GHA\", identity \"$(printf '%.64s' "$GKE_ID")\"...) is not in the allowlist: add a community or partner entry
$EV/h100-gke-cos-training.yaml|placement|unexpected file at the evidence root: only allowlist.yaml and <recipe>/<src>/ directories belong here"
if [ "$got" = "$want" ]; then
	ok "it reports exactly the flat legacy pointers and the unlisted branch slug"
else
	bad "it reports exactly the flat legacy pointers and the unlisted branch slug" "got: $got"
fi
[ "$(jq -r .summary.pointers "$T_OUT")" = 6 ] && ok "all six nested pointers were read" ||
	bad "all six nested pointers were read" "$(jq -c .summary "$T_OUT")"

t_end
