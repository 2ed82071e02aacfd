#!/usr/bin/env bash
# tests/e2e/test_ledger_cli.sh -- slug, pointer show/path, allowlist
# check/classify: exit codes, `path: message` lines, golden slugs, pointers
# that round-trip byte-identically (SPEC §3, §4; reference §1, §2, §3).
. "$(dirname "$0")/lib.sh"
t_begin
REPO=$(cd "$(dirname "$0")/../.." && pwd)
W=$T_WORK
HEX=33d4cf36622ead990c43a596f6f53c62b87d9fa4708f59b7e3f356f215e54317
GHA=https://token.actions.githubusercontent.com
UAT_AWS=https://github.com/NVIDIA/aicr/.github/workflows/uat-aws.yaml@refs/heads/main

# ---- slug ----
run slug --issuer https://github.com/login/oauth --identity yuanchen97@gmail.com
expect_rc 0 "slug exits 0"
expect_out_eq 7c4c0edc8c765a95a0f3afdb3bbb8e91 "slug golden 1 (SPEC §3)"

run slug --issuer "$GHA" --identity "$UAT_AWS"
expect_out_eq a2f01812594e54d1a14278576fda2ed0 "slug golden 2 (SPEC §3)"

run slug --issuer="$GHA" --identity="$UAT_AWS" --format json
expect_out '"slug": "a2f01812594e54d1a14278576fda2ed0"' "slug --format json carries the slug"
if jq -e '.issuer and .identity and .slug' "$T_OUT" >/dev/null 2>&1; then
	ok "slug JSON parses"
else bad "slug JSON parses"; fi

run slug --issuer "$GHA" --identity "$UAT_AWS" -o "$W/slug.txt"
if [ "$(cat "$W/slug.txt")" = a2f01812594e54d1a14278576fda2ed0 ] && [ ! -s "$T_OUT" ]; then
	ok "slug -o writes the file, not stdout"
else bad "slug -o writes the file, not stdout"; fi

run slug --issuer "$GHA"
expect_rc 64 "slug without --identity is a usage error"
run slug --issuer "" --identity x
expect_rc 64 "slug with an empty issuer is a usage error"
expect_err "must not be empty" "the empty value is named"
run slug --issuer a --identity b --bogus
expect_rc 64 "slug with an unknown flag is a usage error"
run slug --issuer a --identity b --format xml
expect_rc 64 "slug with an unknown format is a usage error"
run slug --help
expect_rc 0 "slug --help exits 0"
expect_out '^usage: aicr-evidence slug' "slug --help prints usage"

# ---- pointer ----
cat >"$W/p.yaml" <<EOF
schemaVersion: 1.0.0
recipe: h100-gke-cos-training
attestations:
  - bundle:
      oci: ghcr.io/yuanchen97/aicr-evidence:h100-gke-cos-training-33d4cf366
      digest: sha256:$HEX
      predicateType: https://aicr.run/recipe-evidence/v3
    signer:
      identity: yuanchen97@gmail.com
      issuer: https://github.com/login/oauth
      rekorLogIndex: 42
    attestedAt: 2026-06-25T05:57:00Z
    phaseSummary: {legacy: 1}
EOF

run pointer path "$W/p.yaml"
expect_rc 0 "pointer path exits 0"
expect_out_eq "recipes/evidence/h100-gke-cos-training/7c4c0edc8c765a95a0f3afdb3bbb8e91/sha256-$HEX.yaml" \
	"pointer path prints the reference's canonical path golden"
run pointer path "$W/p.yaml" --root ""
expect_out_eq "h100-gke-cos-training/7c4c0edc8c765a95a0f3afdb3bbb8e91/sha256-$HEX.yaml" \
	"pointer path --root '' is relative to the evidence root"

run pointer show "$W/p.yaml"
expect_rc 0 "pointer show exits 0 on a valid pointer"
expect_out 'claimed signer \(not verified' "the signer is labelled as a claim"
expect_out '^  slug +7c4c0edc8c765a95a0f3afdb3bbb8e91$' "show prints the claimed signer's slug"

run pointer show "$W/p.yaml" --format json
expect_rc 0 "pointer show --format json exits 0"
if jq -e '.claimedSigner.verified == false and .claimedSigner.rekorLogIndex == 42 and .recipe == "h100-gke-cos-training"' "$T_OUT" >/dev/null; then
	ok "show JSON holds the claimed signer, unverified"
else bad "show JSON holds the claimed signer, unverified"; fi

run pointer show "$W/p.yaml" --format yaml -o "$W/a.yaml"
expect_rc 0 "pointer show --format yaml -o writes the canonical form"
run pointer show "$W/a.yaml" --format yaml -o "$W/b.yaml"
if cmp -s "$W/a.yaml" "$W/b.yaml"; then ok "a written pointer round-trips byte-identically"; else bad "a written pointer round-trips byte-identically"; fi
if grep -q phaseSummary "$W/a.yaml"; then bad "unknown keys are never written"; else ok "unknown keys are never written"; fi
if head -2 "$W/a.yaml" | tr '\n' '|' | grep -q '^attestations:|  - attestedAt: '; then
	ok "writer uses the 'attestations:\\n  - ' form"
else bad "writer uses the 'attestations:\\n  - ' form"; fi

# Every committed example pointer is in the writer's canonical form.
n=0 same=0
while IFS= read -r f; do
	n=$((n + 1))
	ae pointer show "$f" --format yaml -o "$W/rt.yaml" 2>/dev/null
	cmp -s "$f" "$W/rt.yaml" && same=$((same + 1))
	ae pointer path "$f" >"$W/place" 2>/dev/null
	[ "$(cat "$W/place")" = "${f#"$REPO/"}" ] || same=$((same - 1000))
done < <(find "$REPO/recipes/evidence" -name 'sha256-*.yaml' | sort)
if [ $n -ge 3 ] && [ $same -eq $n ]; then
	ok "all $n example pointers round-trip and sit at their canonical path"
else bad "example pointers round-trip and sit at their canonical path" "$same of $n"; fi

# Problems: each on its own `path: message` line, exit 1.
sed -e 's/^recipe: .*/recipe: ..\/..\/etc\/evil/' -e "s/sha256:$HEX/sha256:ABC/" \
	-e 's/2026-06-25T05:57:00Z/2026-02-30T05:57:00Z/' "$W/p.yaml" >"$W/bad.yaml"
run pointer show "$W/bad.yaml"
expect_rc 1 "an invalid pointer exits 1"
expect_err "^aicr-evidence: $W/bad.yaml: line 2: recipe: must be one plain path element" "recipe problem as path: message"
expect_err "^aicr-evidence: $W/bad.yaml: line 6: attestations\[0\]\.bundle\.digest: " "digest problem listed too"
expect_err "^aicr-evidence: $W/bad.yaml: line 12: attestations\[0\]\.attestedAt: " "timestamp problem listed too"
if [ "$(grep -c "^aicr-evidence: $W/bad.yaml: " "$T_ERR")" -eq 3 ]; then ok "every problem is listed, once"; else bad "every problem is listed, once"; fi
run pointer path "$W/bad.yaml"
expect_rc 1 "pointer path of an invalid pointer exits 1"

printf 'a: &x 1\nb: *x\n' >"$W/alias.yaml"
run pointer show "$W/alias.yaml"
expect_rc 1 "a pointer with YAML anchors is refused"
expect_err "anchors are not allowed" "the anchor is named"

printf 'recipe: a\nrecipe: b\n' >"$W/dup.yaml"
run pointer show "$W/dup.yaml"
expect_rc 1 "a pointer with duplicate keys is refused"
expect_err "duplicate key" "the duplicate key is named"

grep -v 'signer:\|identity:\|issuer:\|rekorLogIndex:' "$W/p.yaml" >"$W/unsigned.yaml"
run pointer show "$W/unsigned.yaml"
expect_rc 0 "an unsigned pointer is a valid pointer"
expect_out 'unsigned: pending signature' "show says it is unsigned"
run pointer path "$W/unsigned.yaml"
expect_rc 1 "an unsigned pointer has no canonical path (exit 1)"
expect_err "unsigned" "the reason is given"

ln -s "$W/p.yaml" "$W/link.yaml"
run pointer show "$W/link.yaml"
expect_rc 2 "a symlinked pointer is not followed (exit 2)"
run pointer show "$W/none.yaml"
expect_rc 2 "a missing pointer exits 2"
expect_err "^aicr-evidence: $W/none.yaml: " "the missing file is named"

head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$W/big.yaml"
run pointer show "$W/big.yaml"
expect_rc 2 "a pointer over the 1 MiB cap is refused (exit 2)"

run pointer
expect_rc 64 "pointer without a subcommand is a usage error"
run pointer frobnicate x
expect_rc 64 "an unknown pointer subcommand is a usage error"
run pointer show
expect_rc 64 "pointer show without FILE is a usage error"
run pointer show a b
expect_rc 64 "pointer show with two files is a usage error"
run pointer show "$W/p.yaml" --format xml
expect_rc 64 "pointer show --format xml is a usage error"
run pointer --help
expect_rc 0 "pointer --help exits 0"
run pointer show --help
expect_rc 0 "pointer show --help exits 0"

# ---- allowlist ----
run allowlist check "$REPO/recipes/evidence/allowlist.yaml"
expect_rc 0 "the example allowlist is valid"
expect_out 'valid allowlist: 2 first-party, 2 community, 1 partner' "check summarises the classes"

(cd "$REPO" && ae allowlist check >"$T_OUT" 2>"$T_ERR"); T_RC=$?
expect_rc 0 "allowlist check defaults to recipes/evidence/allowlist.yaml"

# Every example pointer's claimed signer is listed as community or partner.
listed=0
while IFS= read -r f; do
	ae pointer show "$f" --format json >"$W/p.json" 2>/dev/null
	iss=$(jq -r .claimedSigner.issuer "$W/p.json")
	idn=$(jq -r .claimedSigner.identity "$W/p.json")
	c=$(cd "$REPO" && ae allowlist classify --issuer "$iss" --identity "$idn" 2>/dev/null)
	case "$c" in community*|partner*) listed=$((listed + 1)) ;; esac
done < <(find "$REPO/recipes/evidence" -name 'sha256-*.yaml')
if [ "$listed" -ge 3 ]; then ok "every example pointer's signer is allowlisted ($listed)"; else bad "every example pointer's signer is allowlisted" "$listed"; fi

cat >"$W/bad-al.yaml" <<'EOF'
schemaVersion: "9.9.9"
firstParty:
  - label: wild
    issuer: https://token.actions.githubusercontent.com
    identityPattern: ^https://github\.com/.+/attest\.yaml@refs/heads/main$
  - issuer: https://token.actions.githubusercontent.com
    identityPattern: ^https://github\.com/o/r/\.github/workflows/w\.yaml@(?i)main$
community:
  - label: wild
    issuer: https://github.com/login/oauth
    identity: someone@example.com
  - issuer: https://github.com/login/oauth
    source: NOT-A-SLUG
EOF
run allowlist check "$W/bad-al.yaml"
expect_rc 1 "an invalid allowlist exits 1"
expect_out "^$W/bad-al.yaml: line 1: schemaVersion: unsupported" "schemaVersion problem as path: message"
expect_out "^$W/bad-al.yaml: line 3: firstParty\[0\]\.identityPattern: .*left of the '@'" "wildcard left of @ is named"
expect_out "^$W/bad-al.yaml: line 6: firstParty\[1\]\.identityPattern: .*case folding \(\?i\) is not allowed" "(?i), refused by the stricter rules, is named"
expect_out "^$W/bad-al.yaml: line 11: community\[0\]: cleartext 'identity' is not allowed" "cleartext identity is named"
expect_out "^$W/bad-al.yaml: line 12: community\[1\]: source must be 32 lowercase hex" "bad slug is named"
expect_out "duplicate label \"wild\"" "duplicate label is named"
if [ "$(grep -c "^$W/bad-al.yaml: " "$T_OUT")" -eq 6 ]; then ok "all 6 problems are listed"; else bad "all 6 problems are listed" "$(grep -c . "$T_OUT")"; fi

run allowlist check "$W/bad-al.yaml" --format json
expect_rc 1 "allowlist check --format json exits 1 on problems"
if [ "$(jq 'length' "$T_OUT")" = 6 ] && jq -e '.[0].path and .[0].line and .[0].message' "$T_OUT" >/dev/null; then
	ok "JSON lists the problems as an array of {path, line, message}"
else bad "JSON lists the problems as an array of {path, line, message}"; fi

run allowlist check "$W/none.yaml"
expect_rc 2 "a missing allowlist exits 2"
ln -s "$REPO/recipes/evidence/allowlist.yaml" "$W/al-link.yaml"
run allowlist check "$W/al-link.yaml"
expect_rc 2 "a symlinked allowlist is not followed (exit 2)"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$W/al-big.yaml"
run allowlist check "$W/al-big.yaml"
expect_rc 2 "an allowlist over the 1 MiB cap exits 2"

AL="$REPO/recipes/evidence/allowlist.yaml"
run allowlist classify --allowlist "$AL" --issuer "$GHA" --identity "$UAT_AWS"
expect_rc 0 "classify: uat-aws on main is listed"
expect_out_eq "first-party aicr-uat-aws" "classify: uat-aws is first-party"
run allowlist classify --allowlist "$AL" --issuer "$GHA" \
	--identity https://github.com/NVIDIA/aicr/.github/workflows/uat-aws.yaml.evil@refs/heads/main
expect_rc 1 "classify: a look-alike identity is not listed (exit 1)"
expect_out '^not listed' "classify: the look-alike is reported only"
run allowlist classify --allowlist "$AL" --issuer https://github.com/login/oauth --identity alice@example.com --format json
expect_rc 0 "classify --format json exits 0 for a listed signer"
if jq -e '.class == "community" and .listed == true and .label == "alice-example"' "$T_OUT" >/dev/null; then
	ok "classify JSON: community, listed, label"
else bad "classify JSON: community, listed, label"; fi
run allowlist classify --allowlist "$AL" --issuer https://accounts.google.com --identity alice@example.com
expect_rc 1 "classify: right identity under a wrong issuer is not listed"
run allowlist classify --allowlist "$W/bad-al.yaml" --issuer a --identity b
expect_rc 2 "classify against an invalid allowlist exits 2"
expect_err "^aicr-evidence: $W/bad-al.yaml: line 1: schemaVersion" "the allowlist problem is named"
run allowlist classify --issuer a
expect_rc 64 "classify without --identity is a usage error"
run allowlist frob
expect_rc 64 "an unknown allowlist subcommand is a usage error"
run allowlist
expect_rc 64 "allowlist without a subcommand is a usage error"
run allowlist check a b
expect_rc 64 "allowlist check with two files is a usage error"
run allowlist --help
expect_rc 0 "allowlist --help exits 0"
expect_out 'allowlist classify' "allowlist --help shows classify"

t_end
