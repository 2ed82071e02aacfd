#!/usr/bin/env bash
# tests/e2e/test_yaml_merge_keys.sh -- YAML merge keys (<<) against the
# reference's reader (issue 15, item 5).
#
# yaml.v3 (the reference's YAML library, Debian's golang-gopkg-yaml.v3-dev)
# applies `<<`: the keys of the merged mapping appear in the one holding
# it. A reader that tolerates `<<` as an unknown key therefore reads
# another pointer than the reference does -- a profile, a Rekor index, a
# registry only the reference sees. Each variant below is first decoded
# with yaml.v3 into the reference's pointer shape to prove the two readings
# differ, then given to the gate in a PR and to `pointer show`: both must
# refuse it. An allowlist entry completed by `<<` is refused as well.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check_fixture.sh"
t_begin

A_SLUG=$(lf_slug "$ISS_OAUTH" "$ID_ALICE")
HEX=$(lf_hex merge)
REL=$EV/$RECIPE/$A_SLUG/sha256-$HEX.yaml

# ---- the reference's reading, with yaml.v3 ----
GO_OK=0
if command -v go >/dev/null && [ -d /usr/share/gocode/src/gopkg.in/yaml.v3 ]; then
	mkdir -p "$T_WORK/go/src/yv3"
	cat >"$T_WORK/go/src/yv3/main.go" <<'EOF'
// Decodes a pointer file the way the reference's Go struct does and prints
// the fields as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

type Signer struct {
	Identity      string `yaml:"identity" json:"identity"`
	Issuer        string `yaml:"issuer" json:"issuer"`
	RekorLogIndex *int64 `yaml:"rekorLogIndex,omitempty" json:"rekorLogIndex"`
}
type Bundle struct {
	OCI           string `yaml:"oci" json:"oci"`
	Digest        string `yaml:"digest" json:"digest"`
	PredicateType string `yaml:"predicateType" json:"predicateType"`
}
type Attestation struct {
	Bundle     Bundle  `yaml:"bundle" json:"bundle"`
	Signer     *Signer `yaml:"signer,omitempty" json:"signer"`
	AttestedAt string  `yaml:"attestedAt" json:"attestedAt"`
}
type Pointer struct {
	SchemaVersion string        `yaml:"schemaVersion" json:"schemaVersion"`
	Recipe        string        `yaml:"recipe" json:"recipe"`
	Profile       string        `yaml:"profile,omitempty" json:"profile"`
	Attestations  []Attestation `yaml:"attestations" json:"attestations"`
}

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var p Pointer
	if err := yaml.Unmarshal(b, &p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(p)
	fmt.Println(string(out))
}
EOF
	if (cd "$T_WORK/go/src/yv3" && GOPATH=/usr/share/gocode:$T_WORK/go GO111MODULE=off \
		GOCACHE=$T_WORK/go/cache go build -o "$T_WORK/yv3" . 2>"$T_WORK/go.err"); then
		GO_OK=1
	else
		echo "test_yaml_merge_keys: SKIPPED (yaml.v3 half) -- cannot build against yaml.v3: $(head -c 200 "$T_WORK/go.err")"
	fi
else
	echo "test_yaml_merge_keys: SKIPPED (yaml.v3 half) -- go or golang-gopkg-yaml.v3-dev is not installed"
fi

# variant NAME SED FIELD: the pointer edited by SED; FIELD is a jq path
# that yaml.v3 reads differently from the same pointer without its `<<`.
variant() {
	local name=$1 edit=$2 field=$3 with without
	lf_pointer "$RECIPE" "$ISS_OAUTH" "$ID_ALICE" "$HEX" | sed "$edit" >"$T_WORK/$name.yaml"
	# what a reader that ignores `<<` sees: the document without it
	python3 - "$T_WORK/$name.yaml" >"$T_WORK/$name-plain.yaml" <<'EOF'
import sys
out, drop = [], None
for line in open(sys.argv[1]):
    ind = len(line) - len(line.lstrip(" -"))
    if drop is not None and ind > drop:
        continue
    drop = None
    if line.lstrip(" -").startswith("<<"):
        drop = ind
        continue
    out.append(line)
sys.stdout.write("".join(out))
EOF
	if [ "$GO_OK" = 1 ]; then
		with=$("$T_WORK/yv3" "$T_WORK/$name.yaml" | jq -c "$field")
		without=$("$T_WORK/yv3" "$T_WORK/$name-plain.yaml" | jq -c "$field")
		if [ -n "$with" ] && [ "$with" != "$without" ]; then
			ok "$name: yaml.v3 reads $field as $with, not $without: two readers, two pointers"
		else
			bad "$name: yaml.v3 applies the merge" "with $with without $without"
		fi
	fi
	run pointer show "$T_WORK/$name.yaml"
	expect_rc 1 "$name: pointer show refuses it"
	expect_err 'YAML merge keys \(<<\) are not allowed' "$name: and says why"
	R=$(lf_repo "$name")
	git -C "$R" checkout -q -b pr
	mkdir -p "$R/$(dirname "$REL")"
	cp "$T_WORK/$name.yaml" "$R/$REL"
	lf_commit "$R" "$name"
	run check --repo "$R" --base main --head pr
	if [ "$T_RC" -eq 1 ] && grep -qE "^$REL: invalid pointer: .*YAML merge keys \(<<\) are not allowed" "$T_OUT"; then
		ok "$name: the gate refuses the pointer"
	else
		bad "$name: the gate refuses the pointer" "exit $T_RC: $(head -c 300 "$T_OUT")"
	fi
}

variant profile 's/^recipe: /<<: {profile: gpuStack=operator-managed}\nrecipe: /' '.profile'
variant rekor 's/      rekorLogIndex: .*/      <<: {rekorLogIndex: 7}/' '.attestations[0].signer.rekorLogIndex'
variant registry 's|      oci: .*|      <<: {oci: evil.example/x:y}|' '.attestations[0].bundle.oci'
variant sequence 's/^recipe: /<<: [{profile: gpuStack=a}, {profile: gpuStack=b}]\nrecipe: /' '.profile'
variant block 's/^recipe: /<<:\n  profile: gpuStack=operator-managed\nrecipe: /' '.profile'

# ---- the allowlist: an entry completed by a merge ----
R=$(lf_repo al-merge)
git -C "$R" checkout -q -b pr
python3 - "$R/$EV/allowlist.yaml" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("  - label: bob\n    issuer:", "  - <<: {label: bob}\n    issuer:")
open(p, "w").write(s)
EOF
lf_commit "$R" "merge key in the allowlist"
run check --repo "$R" --base main --head pr
expect_rc 2 "an allowlist with a merge key stops the check"
expect_err 'invalid allowlist .*YAML merge keys' "the error names the merge key"
run allowlist check "$R/$EV/allowlist.yaml"
expect_rc 1 "allowlist check lists it as a problem"

t_end
