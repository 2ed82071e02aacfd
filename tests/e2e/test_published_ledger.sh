#!/usr/bin/env bash
# tests/e2e/test_published_ledger.sh -- the reference system's published
# ledger (tests/e2e/published-ledger/, see its README): every pointer
# parses, sits at the path the tool computes, lives under the slug of its
# claimed signer, and is written back byte for byte as published (the
# reference's yaml.v3 writer); the published allowlist is valid; the
# whole-tree audit reports exactly the three pointers whose signers that
# allowlist does not list, and nothing else.
. "$(dirname "$0")/lib.sh"
t_begin

SRC=$(cd "$(dirname "$0")/published-ledger" && pwd)
EV=recipes/evidence
R=$T_WORK/aicr
git init -q -b main "$R"
cp -r "$SRC/recipes" "$R/"
git -C "$R" add -A
git -C "$R" -c user.name=t -c user.email=t@example.test commit -qm "published ledger"

n=0
while IFS= read -r rel; do
	n=$((n + 1))
	f=$R/$rel
	run pointer show "$f" --format yaml
	if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$f"; then
		ok "$(basename "$rel"): read and written back byte for byte"
	else
		bad "$(basename "$rel"): read and written back byte for byte" "$(diff "$T_OUT" "$f" | head -4)"
	fi
	run pointer path "$f" --root "$EV"
	expect_out_eq "$rel" "$(basename "$rel"): canonical path is where it was published"
	iss=$(sed -n 's/^      issuer: //p' "$f")
	id=$(sed -n 's/^      identity: //p' "$f")
	run slug --issuer "$iss" --identity "$id"
	expect_out_eq "$(basename "$(dirname "$rel")")" "$(basename "$rel"): slug of the claimed signer is its directory"
done < <(cd "$R" && find "$EV" -name 'sha256-*.yaml' | sort)
[ "$n" -eq 7 ] && ok "seven published pointers" || bad "seven published pointers" "found $n"

run allowlist check "$R/$EV/allowlist.yaml"
expect_rc 0 "the published allowlist is valid"
expect_out "4 first-party, 4 community, 0 partner" "its classes are counted"

run check --repo "$R" --format json
expect_rc 1 "the audit finds the unlisted signers"
got=$(jq -r '.problems[] | "\(.path)|\(.rule)"' "$T_OUT" | sort)
want="$EV/gb300-generic-ubuntu-training/728b071aed7124418b1fa9c7f0521e24/sha256-20ae372a62ea57c49db5c127f784ba4995c1cb5daf77f8d497bca8f95cb1d7db.yaml|allowlist
$EV/gb300-generic-ubuntu-training/728b071aed7124418b1fa9c7f0521e24/sha256-74c42dc3d793da22081a2e9507ca78842fe3795059f245d9b03c2edf4eccd8ab.yaml|allowlist
$EV/h100-gke-cos-inference-dynamo-gpustack-gcp-managed/3be4483c0c6e439444ba6763efe9a586/sha256-52dabcc7c0b12cf246f8962f66673685e68b4a95613c41987a5814a2ea01591d.yaml|allowlist"
if [ "$got" = "$want" ]; then
	ok "exactly the three pointers of unlisted signers are reported"
else
	bad "exactly the three pointers of unlisted signers are reported" "got: $got"
fi

run ledger --root "$R/$EV" --format json
expect_rc 0 "the claimed-signer ledger report is produced"
got=$(jq -r '[(.recipes | length), (.signers | length)] | @tsv' "$T_OUT")
[ "$got" = "6	5" ] && ok "six recipes, five signers" || bad "six recipes, five signers" "got $got"

t_end
