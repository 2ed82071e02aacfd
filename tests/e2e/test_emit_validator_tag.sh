#!/usr/bin/env bash
# tests/e2e/test_emit_validator_tag.sh -- emit's mutable-tag gate (SPEC §4
# emit; review finding 05, LOW): a validator image that names no tag and no
# digest is pulled as :latest by every container runtime, so it is refused
# exactly like an explicit :latest (the same flag overrides it, the message
# says it resolves to :latest); a digest pins an image whatever its tag; a
# registry host's port is not a tag. Under every policy, so reference-v4
# never signs an unpinned image into predicate.validatorImages.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
D=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
mkdir "$W/ctrf"
cp "$EX"/ctrf/*.json "$W/ctrf/"

# emit_with IMAGE POLICY [FLAGS...]: emit with conformance.json's image set.
emit_with() {
	local img=$1 pol=$2
	shift 2
	jq --arg i "$img" '.results.tool.image = $i' "$EX/ctrf/conformance.json" >"$W/ctrf/conformance.json"
	rm -rf "$W/out"
	run emit --policy "$pol" --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
		--ctrf "$W/ctrf" -o "$W/out" "$@"
}

# refused, under both policies, naming the image and saying why
for img in nvcr.io/nvidia/aicr-validator ghcr.io/nvidia/aicr-validators/conformance \
	registry.local:5000/validators/conformance localhost:5000/conformance \
	conformance docker.io/library/busybox; do
	for pol in minimal reference-v4; do
		emit_with "$img" "$pol"
		expect_rc 2 "$pol: untagged $img is refused"
		expect_err "validator image \"?$img\"? .*resolves to :latest" "$pol: the refusal names $img and says it is :latest"
		[ ! -e "$W/out" ] && ok "$pol: nothing written for $img" || bad "$pol: nothing written for $img"
	done
done
for img in nvcr.io/nvidia/aicr-validator:latest nvcr.io/nvidia/aicr-validator:edge \
	registry.local:5000/validators/conformance:latest; do
	emit_with "$img" reference-v4
	expect_rc 2 "an explicit mutable tag is still refused: $img"
	expect_err 'has a mutable tag' "the explicit tag's message: $img"
done

# the flag overrides the implicit :latest like an explicit one; recorded verbatim
emit_with nvcr.io/nvidia/aicr-validator reference-v4 --allow-mutable-validator-tags
expect_rc 0 "--allow-mutable-validator-tags lets an untagged image through"
jq -e '.predicate.validatorImages[] | select(.image == "nvcr.io/nvidia/aicr-validator" and .digest == "")' \
	"$W/out/summary-bundle/statement.intoto.json" >/dev/null &&
	ok "the allowed untagged image is recorded verbatim" || bad "the allowed untagged image is recorded verbatim"

# pinned or fixed: accepted
for img in "nvcr.io/nvidia/aicr-validator@$D" "nvcr.io/nvidia/aicr-validator:latest@$D" \
	"nvcr.io/nvidia/aicr-validator:v1.2.3@$D" registry.local:5000/validators/conformance:v1 \
	"registry.local:5000/validators/conformance@$D" conformance:v1.0.0 \
	nvcr.io/nvidia/aicr-validator:latest-1 nvcr.io/nvidia/aicr-validator:edge2 \
	nvcr.io/nvidia/aicr-validator:sha-0123456789abcdef0123456789abcdef01234567; do
	emit_with "$img" reference-v4
	expect_rc 0 "pinned or fixed: $img"
done
emit_with "nvcr.io/nvidia/aicr-validator:v1.2.3@$D" reference-v4
jq -e --arg d "$D" '.predicate.validatorImages[] | select(.image == "nvcr.io/nvidia/aicr-validator:v1.2.3" and .digest == $d)' \
	"$W/out/summary-bundle/statement.intoto.json" >/dev/null &&
	ok "tag and digest: the image and its digest recorded" || bad "tag and digest: the image and its digest recorded"

t_end
