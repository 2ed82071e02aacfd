#!/usr/bin/env bash
# tests/e2e/test_attack_fixes4.sh -- a fourth outside review's attacks on
# three fixes that the tool held: the minimal policy's validator image rules
# (docs/formats.md "No private value in a validator image reference"), the
# gate's same-bundle note (docs/ledger.md "At the gate", docs/cli.md) and the
# gate reading allowlist.yaml and pointers out of git only as blobs
# (docs/threat-model.md attacks 19, 29, 49). Git repositories built with the
# git CLI; no network. Every check is named after its attack.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin
need_tools jq git python3
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
N=nvcr.io/nvidia/aicr-validators/conformance
D=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export SOURCE_DATE_EPOCH=1763650000
mkdir "$W/ctrf"
cp "$EX"/ctrf/*.json "$W/ctrf/"

# emit_img IMAGE: minimal emit with conformance.json's validator image set.
emit_img() {
	jq --arg i "$1" '.results.tool.image = $i | .results.tests[0].extra = {image: $i}' \
		"$EX/ctrf/conformance.json" >"$W/ctrf/conformance.json"
	rm -rf "$W/out"
	run emit --policy minimal --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" \
		--ctrf "$W/ctrf" -o "$W/out"
}
# not_leaked IMAGE NEEDLE WHAT: refused (exit 2, nothing written) or
# dropped (exit 0, NEEDLE nowhere in the output).
not_leaked() {
	emit_img "$1"
	if [ "$T_RC" -eq 2 ] && [ ! -e "$W/out" ]; then
		ok "$3: refused"
	elif [ "$T_RC" -eq 0 ] && ! grep -rqaF -- "$2" "$W/out"; then
		ok "$3: dropped, written nowhere"
	else
		bad "$3: not published" "exit $T_RC"
	fi
}
published() { # IMAGE WHAT
	emit_img "$1"
	if [ "$T_RC" -eq 0 ] && jq -e --arg i "${1%%@*}" '.predicate.validatorImages | any(.image == $i)' \
		"$W/out/summary-bundle/statement.intoto.json" >/dev/null 2>&1; then
		ok "$2: published"
	else
		bad "$2: published" "exit $T_RC"
	fi
}

# ---- minimal: case tricks on addresses and private DNS names ----
not_leaked "$N:IP-10-0-12-34" IP-10-0-12-34 "image tag, an EC2 host name in capitals"
not_leaked "$N:ip-10-0-12-34.EC2.Internal" ip-10-0-12-34 "image tag, ec2.internal in mixed case"
not_leaked "$N:Node7.ACME.CORP" ACME.CORP "image tag, a .corp name in capitals"
not_leaked "$N:node7.Internal" node7.Internal "image tag, .Internal capitalised"
not_leaked "$N:host.home.arpa" home.arpa "image tag, a home.arpa name"
not_leaked "$N:node7.svc.cluster" svc.cluster "image tag, a svc label"
not_leaked "$N:I-0ABC123DEF4567890" I-0ABC123DEF4567890 "image tag, an EC2 instance id in capitals"
not_leaked "$N:i--0abc123def4567890" 0abc123def4567890 "image tag, an EC2 instance id after a doubled dash"
# ---- version-looking tags embedding an address ----
not_leaked "$N:v10.0.12.34" v10.0.12.34 "image tag v10.0.12.34 (a version around an address)"
not_leaked "$N:1.10.0.12.34" 1.10.0.12.34 "image tag 1.10.0.12.34 (five parts)"
not_leaked "$N:10.0.12.34.1" 10.0.12.34.1 "image tag 10.0.12.34.1"
not_leaked "$N:v1.2.3_10_0_12_34" 10_0_12_34 "image tag, an underscored address after a version"
not_leaked "$N:v1-ip10-0-12-34" ip10-0-12-34 "image tag, ip glued to the first octet"
not_leaked "$N:v2.10-0-12-34" 10-0-12-34 "image tag, a dashed address after a version"
not_leaked "$N:ip-10-000-012-034" 000-012-034 "image tag, zero-padded octets"
not_leaked "$N:192.168.001.010" 192.168.001.010 "image tag, zero-padded dotted address"
not_leaked "$N:ip-10-0-12-34-us-west-2" us-west-2 "image tag, an EC2 host name followed by its region"
not_leaked "$N:i-0abc123def4567890.us-west-2.compute.internal" compute.internal "image tag, an EKS resource-name host"
# ---- cloud node names with more words around them ----
not_leaked "$N:v1-gke-prod-default-pool-1a2b3c4d-x7k2" x7k2 "image tag, a GKE node name after a word"
not_leaked "$N:gke-prod-gpu-h100-pool-1a2b3c4d-x7k2" x7k2 "image tag, a GKE node name with a dashed pool"
not_leaked "$N:gke--prod--default--pool--1a2b3c4d--x7k2" x7k2 "image tag, a GKE node name with doubled dashes"
not_leaked "$N:v1.0.0-aks-nodepool1-12345678-vmss000001" vmss000001 "image tag, an AKS node name after a version"
not_leaked "$N:aks-nodepool1-12345678-0" aks-nodepool1 "image tag, an AKS availability-set node name"
not_leaked "$N:aks-nodepool1-12345678-vmss00000a" vmss00000a "image tag, an AKS node with a base-36 instance"
not_leaked "$N:aks--nodepool1--12345678--vmss000001" vmss000001 "image tag, an AKS node name with doubled dashes"
# ---- tokens: separators before the prefix, JWT pieces, random secrets ----
not_leaked "$N:v1_ghp_0123456789abcdefABCDEF0123456789abcd" ghp_ "image tag, a GitHub token after v1_"
not_leaked "$N:v1.hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh" hf_ "image tag, a Hugging Face token after v1."
not_leaked "$N:v1.0.0.glpat-xY9zAb3CdEf5GhIj7KlM" glpat- "image tag, a GitLab token after a dotted version"
not_leaked "$N:hf_abcdefghijklmnopqrstuvwxyzabcdefgh" hf_ "image tag, a lower-case Hugging Face token"
not_leaked "$N:npm_abcdefghijklmnopqrstuvwxyz0123456789" npm_ "image tag, an npm token"
not_leaked "$N:xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx" xoxb- "image tag, a Slack bot token"
not_leaked "$N:eyJzdWIiOiIxMjM0NTY3ODkwIn0" eyJzdWIi "image tag, a JWT payload alone"
not_leaked "$N:v1-dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" dozjgNry "image tag, a JWT signature alone after v1-"
for s in 8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzd cJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7D \
	tpYlSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40 vSwMFLZDe1f8rESQedUStPKR0CsTy4Qwb8DwkNh; do
	not_leaked "$N:$s" "$s" "image tag, a random 39-character AWS-secret-like value ${s:0:6}"
done
for s in 64GiIjHGb3CXlMaXZjljENUhJduRHHJEYXg4 JdpmrcXgGCJbW56eCuNGMGmSrCGIZEG8pSH4; do
	not_leaked "$N:v1ghp_$s" "$s" "image tag, a GitHub token glued to v1 (no separator) ${s:0:6}"
done
# ---- paths, registry host forms, digests with extra text, Unicode ----
not_leaked "nvcr.io/nvidia/10__0__0__5/validator:v1" 10__0__0__5 "image path, an address joined by __"
not_leaked "nvcr.io/nvidia/10--0--0--5/validator:v1" 10--0--0--5 "image path, an address joined by --"
not_leaked "nvcr.io/nvidia/a__b/node7.acme.corp:v1" acme.corp "image path with __ and a .corp component"
for img in "nvcr.io:443/nvidia/v:ip-10-0-12-34" "NVCR.IO/nvidia/v:ip-10-0-12-34" \
	"nvcr.io./nvidia/v:ip-10-0-12-34" "user@nvcr.io/nvidia/v:ip-10-0-12-34" \
	"user:pass@nvcr.io/nvidia/v:ip-10-0-12-34" "[::1]/nvidia/v:ip-10-0-12-34" \
	"[fd00::5]:5000/nvidia/v:ip-10-0-12-34" "registry.acme.corp/v:ip-10-0-12-34"; do
	not_leaked "$img" ip-10-0-12-34 "registry host form ${img%%/*}"
done
not_leaked "$N@${D}ip-10-0-12-34" ip-10-0-12-34 "a digest with text after its 64 hex"
not_leaked "$N@$D@$D" "$N@" "two digests"
not_leaked "$N:v1@$D:ip-10-0-12-34" ip-10-0-12-34 "a digest followed by :TAG"
not_leaked "$N@sha512:${D#sha256:}${D#sha256:}" sha512 "a sha512 digest"
not_leaked "$N:v1@SHA256:${D#sha256:}" SHA256 "a digest algorithm in capitals"
not_leaked "$N:ip%2D10%2D0%2D12%2D34" "%2D10" "image tag, a percent-encoded EC2 host name"
not_leaked "nvcr.io/nvidia/%31%30.0.0.5/v:v1" "%31%30" "image path, a percent-encoded address"
not_leaked "$N:ip+10+0+12+34" "ip+10" "image tag, an address joined by +"
not_leaked "$N:aHR0cHM6Ly8xMC4wLjAuNQ" aHR0cHM6 "image tag, a base64 URL of an address"
not_leaked "$N:MTAuMC4xMi4zNA" MTAuMC4x "image tag, a base64 address"
not_leaked "nvcr.io/nvidia/ghp/v:0123456789abcdefABCDEF0123456789abcd" ABCDEF0123 "a GitHub token split between path (ghp) and tag"
not_leaked "$N:ip‐10‐0‐12‐34" "ip‐10" "image tag, an address with U+2010 hyphens"
not_leaked "$N:ip-１０-0-12-34" "１０" "image tag, fullwidth digits"
L=$(printf 'v1.0.0'; for i in $(seq 1 14); do printf -- '-w%d' "$i"; done)
not_leaked "$N:$L-ip-10-0-12-34" ip-10-0-12-34 "image tag, an address at the end of a 117-character tag"
L2=$(printf 'v1.0.0'; for i in $(seq 1 17); do printf -- '-word%d' "$i"; done)
not_leaked "$N:$L2-ip-10-0-12-34" ip-10-0-12-34 "image tag, an address past 128 characters"
# ---- real validator and workload images still publish ----
for img in nvcr.io/nvidia/k8s/container-toolkit:v1.17.3-ubuntu20.04 \
	nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.7.0 nvcr.io/nvidia/nemo:24.12 \
	nvcr.io/nvidia/cuda:12.8.0-cudnn-runtime-ubuntu24.04 \
	nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0 \
	nvcr.io/nvidia/k8s/cuda-sample:nbody-cuda11.7.1-ubuntu18.04 nvcr.io/nvidia/doca/doca:2.9.1-devel \
	nvcr.io/nvidia/k8s/dcgm-exporter:4.1.1-4.0.4-ubuntu22.04 \
	nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04 \
	nvcr.io/nvidia/driver:570.124.06-ubuntu24.04 nvcr.io/nvidia/driver:550.127.05-rhcos4.16 \
	registry.k8s.io/nfd/node-feature-discovery:v0.16.6 docker.io/bitnami/kubectl:1.31.4-debian-12-r2 \
	docker.io/rocm/pytorch:rocm6.3_ubuntu22.04_py3.10_pytorch_release_2.4.0 \
	docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime docker.io/library/ubuntu:jammy-20250126 \
	docker.io/kubeflow/training-operator:v1-855e096 docker.io/mpioperator/mpi-operator:0.6.0 \
	nvcr.io/nvidia/tritonserver:24.12-trtllm-python-py3 ghcr.io/nvidia/k8s-device-plugin:3e7d3c1a \
	nvcr.io/nvidia/nim/meta/llama-3.1-8b-instruct:1.3.3 docker.io/library/golang:1.23.4-bookworm \
	quay.io/jetstack/cert-manager-controller:v1.16.2 ghcr.io/nvidia/kai-scheduler/scheduler:v0.4.3 \
	nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.10.0-ubuntu20.04 \
	docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04 docker.io/library/busybox:1.37.0-uclibc \
	ghcr.io/nvidia/nccl-tests:12.4.1-devel-ubuntu22.04-nccl2.21.5-1-3f1a6c8 \
	nvcr.io/nvidia/hpc-benchmarks:24.03 docker.io/mellanox/network-operator:v24.7.0 \
	nvcr.io/nvidia/a-b/validator:v1; do
	published "$img" "real image $img"
done

# ---- the gate: same-bundle note, YAML spellings of one digest ----
R=$(lf_repo dup)
H2=$(lf_hex base-2)
R2=gb200-eks-ubuntu-training
BOB_REL=$EV/$RECIPE/$(lf_slug "$ISS_OAUTH" "$ID_BOB")/sha256-$H2.yaml
n=0
newpr() {
	n=$((n + 1))
	git -C "$R" checkout -q -f main
	git -C "$R" clean -qfdx
	git -C "$R" checkout -q -b "pr$n"
}
edit() { # FILE FROM TO
	python3 -c 'import sys
p, a, b = sys.argv[1:4]
s = open(p, newline="").read()
t = s.replace(a, b)
assert t != s, "the edit changed nothing"
open(p, "w", newline="").write(t)' "$@"
}
# noted WHAT RC FROM TO: alice's pointer to bob's committed bundle, its
# text edited FROM -> TO; the gate exits RC and notes the bundle.
noted() {
	local new
	newpr
	new=$(lf_add "$R" "$R2" "$ISS_OAUTH" "$ID_ALICE" "$H2")
	edit "$R/$new" "$3" "$4"
	lf_commit "$R" "$1"
	run check --repo "$R" --base main --head "pr$n"
	expect_rc "$2" "same-bundle, $1: exit $2 as without the note"
	expect_out "^note: $new: bundle sha256:$H2 is already named by $BOB_REL" "same-bundle, $1: still noted"
}
DG="digest: sha256:$H2"
noted "digest double-quoted" 0 "$DG" "digest: \"sha256:$H2\""
noted "digest single-quoted" 0 "$DG" "digest: 'sha256:$H2'"
noted "digest with a trailing comment" 0 "$DG" "$DG # c"
noted "digest with trailing blanks" 0 "$DG" "digest:  sha256:$H2  "
noted "digest with \\x73 for s" 0 "$DG" "digest: \"\\x73ha256:$H2\""
noted "digest with \\u0073 for s" 0 "$DG" "digest: \"\\u0073ha256:$H2\""
noted "digest with an escaped hex digit" 0 "$DG" "digest: \"sha256:\\x$(printf '%02x' "'${H2:0:1}")${H2:1}\""
noted "digest split by an escaped line break" 0 "$DG" "digest: \"sha256:${H2:0:20}\\
        ${H2:20}\""
noted "digest as a folded block scalar" 0 "$DG" "digest: >-
        sha256:$H2"
noted "bundle as a flow mapping" 0 "    bundle:
      digest: sha256:$H2
      oci: ghcr.io/acme/aicr-evidence:$R2-${H2:0:12}
      predicateType: https://aicr.run/recipe-evidence/v3" "    bundle: {digest: sha256:$H2, oci: ghcr.io/acme/aicr-evidence:$R2-${H2:0:12}, predicateType: https://aicr.run/recipe-evidence/v3}"
noted "CRLF line ends" 0 $'\n' $'\r\n'
noted "a byte-order mark" 0 "attestations:" $'\xef\xbb\xbfattestations:'
noted "the bundle under another repository" 0 "oci: ghcr.io/acme/aicr-evidence:" "oci: docker.io/other/evidence:"
noted "the oci reference pinned by the digest" 0 "oci: ghcr.io/acme/aicr-evidence:$R2-${H2:0:12}" "oci: ghcr.io/acme/aicr-evidence@sha256:$H2"
noted "digest written sha256-HEX" 1 "$DG" "digest: sha256-$H2"
noted "digest without its algorithm" 1 "$DG" "digest: $H2"
# the target moved on after the PR forked: bob's pointer landed meanwhile
n=$((n + 1))
git -C "$R" checkout -q -f main
git -C "$R" checkout -q -b "pr$n"
H7=$(lf_hex later-7)
NEW=$(lf_add "$R" "$R2" "$ISS_OAUTH" "$ID_ALICE" "$H7")
lf_commit "$R" "alice"
git -C "$R" checkout -q main
LATER=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$H7")
lf_commit "$R" "bob, after the PR forked"
run check --repo "$R" --base main --head "pr$n"
expect_rc 0 "same-bundle, the target gained the bundle after the fork: exit 0"
expect_out "^note: $NEW: bundle sha256:$H7 is already named by $LATER" "same-bundle, the target gained the bundle after the fork: noted"
git -C "$R" reset -q --hard HEAD~1
# two pointers of one change added in two commits
newpr
H8=$(lf_hex two-commits)
lf_add "$R" "$R2" "$ISS_OAUTH" "$ID_ALICE" "$H8" >/dev/null
lf_commit "$R" one
SECOND=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_BOB" "$H8")
lf_commit "$R" two
run check --repo "$R" --base main --head "pr$n" --format json
expect_rc 0 "same-bundle, two pointers of one change in two commits: exit 0"
is "$(jq -r '[.notes[] | select(.rule == "same-bundle") | .path] | join(",")' "$T_OUT")" "$SECOND" \
	"same-bundle, two pointers of one change in two commits: the later one noted (JSON)"

# ---- the gate: tree entries of another type or mode ----
R=$(lf_repo objtype)
M_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_MALLORY")
evil_allow() {
	lf_allowlist
	printf '  - label: m\n    issuer: %s\n    source: %s\n' "$ISS_OAUTH" "$M_SLUG"
}
objpr() {
	git -C "$R" checkout -q -f main 2>/dev/null
	git -C "$R" clean -qfdx
	git -C "$R" branch -qD pr >/dev/null 2>&1
	git -C "$R" checkout -q -b pr
}
swap_entry() { # PATH MODE OID MSG
	git -C "$R" rm -q --cached "$1" >/dev/null 2>&1
	git -C "$R" update-index --add --cacheinfo "$2,$3,$1"
	git -C "$R" commit -q -m "$4"
}
gate() { run check --repo "$R" --base main --head pr "$@"; }
evil_allow >"$W/trusted.yaml"
BLOB=$(evil_allow | git -C "$R" hash-object -w --stdin)
TAG=$(evil_allow | git -C "$R" hash-object -t tag --literally -w --stdin)
COMMIT=$(evil_allow | git -C "$R" hash-object -t commit --literally -w --stdin)
for spec in "100644 $TAG a tag object" "120000 $BLOB a symlink" "120000 $COMMIT a symlink to a commit object" \
	"160000 $BLOB a gitlink naming a blob" "160000 $COMMIT a gitlink" \
	"100755 $BLOB an executable blob" "100755 $COMMIT an executable commit object"; do
	set -- $spec
	mode=$1 oid=$2
	shift 2
	objpr
	rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_MALLORY" "$(lf_hex "m-$mode-$oid")")
	git -C "$R" add "$rel"
	swap_entry "$EV/allowlist.yaml" "$mode" "$oid" "allowlist as $*"
	gate
	expect_rc 2 "allowlist.yaml as $* (mode $mode) listing mallory: exit 2"
	if grep -q "^note: .*adds .* entry: label \"m\"" "$T_OUT"; then
		bad "allowlist.yaml as $*: its bytes are never read as the allowlist"
	else
		ok "allowlist.yaml as $*: its bytes are never read as the allowlist"
	fi
	gate --allowlist "$W/trusted.yaml"
	expect_rc 2 "allowlist.yaml as $*, --allowlist naming a trusted copy: exit 2"
done
for spec in "100644 tag 2" "100755 commit 2" "120000 blob 1" "120000 commit 1" "160000 blob 1" "100755 blob 1"; do
	set -- $spec
	objpr
	rel=$(lf_add "$R" "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$(lf_hex "p-$1-$2")")
	oid=$(git -C "$R" hash-object -t "$2" --literally -w "$R/$rel")
	swap_entry "$rel" "$1" "$oid" "pointer as mode $1 $2"
	gate
	expect_rc "$3" "a pointer of mode $1 whose object is a $2: exit $3"
done
# the target's allowlist.yaml a tag object: the repairing PR sees every entry as added
git -C "$R" checkout -q -f main
git -C "$R" branch -q good main
swap_entry "$EV/allowlist.yaml" 100644 "$TAG" "main's allowlist a tag object"
git -C "$R" branch -qD pr >/dev/null 2>&1
git -C "$R" checkout -q -b pr
lf_allowlist >"$R/$EV/allowlist.yaml"
lf_commit "$R" "repair the allowlist"
gate
expect_out "the target's allowlist.yaml cannot be read \(.*is a tag object, not a blob" \
	"the target's allowlist.yaml a tag object: a note says it cannot be read"
git -C "$R" checkout -q -f good
git -C "$R" branch -qf main good
# a .gitattributes under the root whose object is a commit holding a filter
objpr
printf '*.yaml filter=evil\n' >"$W/ga"
oid=$(git -C "$R" hash-object -t commit --literally -w "$W/ga")
git -C "$R" update-index --add --cacheinfo "100644,$oid,$EV/.gitattributes"
git -C "$R" commit -q -m "gitattributes as a commit object"
gate
expect_rc 1 "a .gitattributes under the root whose object is a commit: refused (exit 1)"

t_end
