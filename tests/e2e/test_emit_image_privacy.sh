#!/usr/bin/env bash
# tests/e2e/test_emit_image_privacy.sh -- the minimal policy publishes no
# private value in a validator image reference (review finding 13, LOW):
# the registry host must be a public registry (as before), and now the tag
# and every path component are held to the rules every kept value is held
# to -- no host name, address, private DNS name, cloud node name, credential
# token or encoded value. A tag shaped like a token or a node name, or an
# address in the repository path, refuses emit (exit 2, nothing written,
# the message names the part and why); --policy reference-v4 publishes
# images as given. Real validator references (versions, commit ids, dates,
# digests) still emit, are recorded in predicate.validatorImages, and the
# bundle verifies.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
D=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export SOURCE_DATE_EPOCH=1763650000
mkdir "$W/ctrf"
cp "$EX"/ctrf/*.json "$W/ctrf/"

# emit_with IMAGE POLICY: emit with conformance.json's validator image set.
emit_with() {
	jq --arg i "$1" '.results.tool.image = $i' "$EX/ctrf/conformance.json" >"$W/ctrf/conformance.json"
	rm -rf "$W/out"
	run emit --policy "$2" --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
		--ctrf "$W/ctrf" -o "$W/out"
}

# published IMAGE: the image is in predicate.validatorImages (tag and path
# as given, the digest split off).
published() {
	local name=${1%%@*}
	jq -e --arg i "$name" '.predicate.validatorImages | any(.image == $i)' \
		"$W/out/summary-bundle/statement.intoto.json" >/dev/null 2>&1
}

# refused IMAGE PART: exit 2, nothing written, the message names the part.
refused() {
	local img=$1 part=$2
	emit_with "$img" minimal
	if [ "$T_RC" -eq 2 ] && [ ! -e "$W/out" ] &&
		grep -qE "validator image .*: its $part .* (is|holds|names) " "$T_ERR"; then
		ok "minimal: $img is refused, naming its $part"
	else
		bad "minimal: $img is refused, naming its $part" "exit $T_RC$([ -e "$W/out" ] && echo ', a bundle was written')"
	fi
}

# ---- a tag shaped like a token, an address or a node name ----
for tag in ghp_0123456789abcdefABCDEF0123456789abcd gho_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8 \
	github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF \
	glpat-xY9zAb3CdEf5GhIj7KlM xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx \
	AKIAIOSFODNN7EXAMPLE ASIA2OGYBAH6QXYZ3J7K AIzaSyD-0123456789abcdefABCDEF_ghijkl \
	eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U \
	eyJhbGciOiJSUzI1NiJ9 nvapi-AbCdEf0123456789GhIjKlMnOpQrSt \
	ip-10-0-12-34 ip-10-0-12-34.ec2.internal 10.0.12.34 10_0_12_34 v1-10-0-12-34 \
	node7.acme.corp gpu-3.cluster.local worker77.internal vm1.internal.cloudapp.net \
	build7.acme.com alice.example.com ci-runner.corp-net.io \
	gke-prod-default-pool-1a2b3c4d-x7k2 aks-nodepool1-12345678-vmss000001 \
	YWNtZS1wcm9kLWNsdXN0ZXItc2VjcmV0 d41d8cd98f00b204e9800998ecf8427eZ \
	0f8fad5b-d9cb-469f-a165-70867728950e i-0abc123def4567890; do
	refused "nvcr.io/nvidia/aicr-validators/conformance:$tag" tag
	refused "ghcr.io/nvidia/aicr-validators/conformance:$tag@$D" tag
done

# ---- an address, a private name, a node name or a token in the path ----
for comp in 10.0.0.5 ip-10-0-0-5 10-0-0-5 alice.corp node7.internal gpu.cluster.local acme.com \
	gke-prod-default-pool-1a2b3c4d-x7k2 ghp_0123456789abcdefabcdef0123456789abcd \
	ywntzs1wcm9klwnsdxn0zxi0d41d8cd98f00b204e9800998ecf8427e; do
	refused "nvcr.io/nvidia/$comp/validator:v1.0.0" "path component"
	refused "docker.io/$comp/validator@$D" "path component"
done

# an e-mail, a user@host or a non-public registry: never published
for img in "nvcr.io/alice@corp.example/validator:v1" "host/10.0.0.5/img:v1" \
	"registry.acme.corp/validators/conformance:v1" "10.0.0.5:5000/validators/conformance:v1"; do
	emit_with "$img" minimal
	if [ "$T_RC" -eq 0 ] && ! grep -rqF -- "${img%%:v1}" "$W/out/summary-bundle" "$W/out/pointer.yaml"; then
		ok "minimal: $img is not published"
	elif [ "$T_RC" -eq 2 ] && [ ! -e "$W/out" ]; then
		ok "minimal: $img is refused"
	else
		bad "minimal: $img is not published" "exit $T_RC"
	fi
done

# reference-v4 publishes validator images as given (the override)
emit_with "nvcr.io/nvidia/aicr-validators/conformance:ip-10-0-12-34" reference-v4
expect_rc 0 "reference-v4: an image is published as given"
published "nvcr.io/nvidia/aicr-validators/conformance:ip-10-0-12-34" &&
	ok "reference-v4: ... in validatorImages" || bad "reference-v4: ... in validatorImages"

# ---- real validator references: published as they are, and the bundle verifies ----
for img in nvcr.io/nvidia/aicr-validators/conformance:v0.5.0 \
	nvcr.io/nvidia/pytorch:25.01-py3 \
	nvcr.io/nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04 \
	nvcr.io/nvidia/cuda:12.6.3-base-ubi9 \
	nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04 \
	nvcr.io/nvidia/gpu-operator:v24.9.2 \
	nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.2 \
	nvcr.io/nvidia/driver:550.127.05-ubuntu22.04 \
	nvcr.io/nvidia/k8s-device-plugin:v0.17.0-ubi9 \
	nvcr.io/nvidia/tritonserver:24.12-py3-igpu \
	ghcr.io/nvidia/aicr-validators/deployment:v1.2.3-rc1 \
	ghcr.io/nvidia/aicr-validators/deployment:v1.2.3-rc1-amd64-cuda12-py3 \
	ghcr.io/nvidia/aicr-validators/deployment:v0.11.0-beta.2 \
	ghcr.io/nvidia/aicr-validators/conformance:sha-1a2b3c4 \
	ghcr.io/nvidia/aicr-validators/conformance:sha-0123456789abcdef0123456789abcdef01234567 \
	ghcr.io/nvidia/aicr-validators/conformance:0123456789abcdef0123456789abcdef01234567 \
	ghcr.io/nvidia/aicr-validators/conformance:1a2b3c4 \
	ghcr.io/nvidia/aicr-validators/conformance:2025-01-15 \
	ghcr.io/nvidia/aicr-validators/conformance:20250115 \
	ghcr.io/nvidia/aicr-validators/conformance:nightly-20250115 \
	ghcr.io/nvidia/aicr-validators/conformance:v0.5.0-3-g1a2b3c4 \
	docker.io/library/ubuntu:22.04 docker.io/library/busybox:1.36.1 \
	docker.io/library/python:3.12-slim-bookworm \
	registry.k8s.io/e2e-test-images/agnhost:2.52 \
	quay.io/prometheus/node-exporter:v1.8.2 \
	public.ecr.aws/eks-distro/kubernetes/pause:v1.29.5-eks-1-29-latest \
	"nvcr.io/nvidia/aicr-validators/conformance@$D" \
	"nvcr.io/nvidia/aicr-validators/conformance:v0.5.0@$D"; do
	emit_with "$img" minimal
	if [ "$T_RC" -eq 0 ] && published "$img"; then
		ok "minimal: $img is published"
	else
		bad "minimal: $img is published" "exit $T_RC"
	fi
done
run verify "$W/out"
expect_rc 0 "the bundle with a real validator image verifies"

t_end
