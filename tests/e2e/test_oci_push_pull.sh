#!/usr/bin/env bash
# tests/e2e/test_oci_push_pull.sh -- push and pull against Debian's
# docker-registry started here on loopback: anonymous, basic auth, bearer
# token, TLS; cross-checked with skopeo; an artifact in the reference
# system's layout pushed by skopeo and pulled by us; tag-only refusal;
# offline pull from the cache; registry down → exit 3.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
t_begin

if ! command -v docker-registry >/dev/null || ! command -v skopeo >/dev/null; then
	bad "docker-registry and skopeo are required (make deps)"
	t_end
fi

W=$T_WORK
mkbundle() { # OUT [extra-bytes]
	mkdir -p "$1/summary-bundle/ctrf"
	printf 'kind: RecipeResult\nmetadata: {name: ACME-internal-cluster-7}\n' >"$1/summary-bundle/recipe.yaml"
	printf '{"schemaVersion":"1.0.0","files":[]}\n' >"$1/summary-bundle/manifest.json"
	printf '{"predicate":{"recipe":{"name":"h100-eks","digest":"%064d"}}}\n' 0 \
		>"$1/summary-bundle/statement.intoto.json"
	printf '{"results":{}}\n' >"$1/summary-bundle/ctrf/deployment.json"
	[ -n "${2:-}" ] && head -c "$2" /dev/urandom >"$1/summary-bundle/bom.cdx.json"
	return 0
}
mkbundle "$W/out"
printf '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","n":1}\n' \
	>"$W/out/summary-bundle/attestation.intoto.jsonl"

# ---- anonymous ----
reg_up "$W/anon"
R=$REG_HOST

run push "$W/out" --to "$R/ev/art" --registry-plain-http --format json
expect_rc 0 "push to an anonymous registry"
D=$(jq -r .digest "$T_OUT" 2>/dev/null)
TAG=$(jq -r .tag "$T_OUT" 2>/dev/null)
# one tag rule (issue 24 item 7, issue 20 item 5): the recipe name the
# predicate records and 32 hex of the artifact digest, never recipe.yaml's
# free-text metadata.name
[ "$TAG" = "h100-eks-${D:7:32}" ] && ok "the tag is <predicate recipe>-<32 hex of the artifact digest>" || bad "derived tag" "$TAG vs $D"
[[ $TAG != *ACME* ]] && ok "recipe.yaml's metadata.name never becomes the tag" || bad "free text in the tag" "$TAG"
[ "$(curl -sI "http://$R/v2/ev/art/manifests/$TAG" -H 'Accept: application/vnd.oci.image.manifest.v1+json' |
	tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')" = "$D" ] &&
	ok "the derived tag resolves to the pushed digest" || bad "the derived tag resolves to the pushed digest"
[ "$(jq -r .referrer "$T_OUT")" != null ] && ok "the attestation is pushed as a referrer" || bad "referrer pushed"

raw=$(skopeo inspect --tls-verify=false --raw "docker://$R/ev/art@$D" 2>/dev/null)
[ "$(jq -r .artifactType <<<"$raw")" = application/vnd.nvidia.aicr.artifact ] &&
	ok "skopeo inspect --raw shows our artifactType" || bad "skopeo inspect artifactType" "$raw"
[ "sha256:$(printf '%s' "$raw" | sha256sum | cut -c1-64)" = "$D" ] &&
	ok "the registry stores the exact manifest bytes" || bad "manifest bytes"
if skopeo copy --src-tls-verify=false "docker://$R/ev/art@$D" "oci:$W/sk:x" >/dev/null 2>&1; then
	ok "skopeo copy pulls our artifact"
else
	bad "skopeo copy pulls our artifact"
fi

run push "$W/out" --to "$R/ev/art2:v1" --registry-plain-http --format json
[ "$(jq -r .digest "$T_OUT")" = "$D" ] && ok "the same bundle pushes to the same digest" || bad "deterministic digest"
# pinned by digest: hashed before anything is sent (the streamed push
# above computed the same digest while uploading)
run push "$W/out" --to "$R/ev/pinned@$D" --registry-plain-http --format json
expect_rc 0 "a reference pinned to the bundle's digest pushes"
[ "$(jq -r .digest "$T_OUT")" = "$D" ] && ok "hashed first or while uploading: the same digest" || bad "pinned digest"
run push "$W/out" --to "$R/ev/art@sha256:0000000000000000000000000000000000000000000000000000000000000000" --registry-plain-http
expect_rc 2 "a reference pinned to another digest is refused"

# a second, different referrer keeps the first in the fallback index
cp -r "$W/out" "$W/out2"
printf '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","n":2}\n' \
	>"$W/out2/summary-bundle/attestation.intoto.jsonl"
run push "$W/out2" --to "$R/ev/art" --registry-plain-http
expect_rc 0 "a second signature pushes"
idx=$(curl -s -H 'Accept: application/vnd.oci.image.index.v1+json' "http://$R/v2/ev/art/manifests/sha256-${D#sha256:}")
[ "$(jq '.manifests | length' <<<"$idx")" = 2 ] && ok "the fallback index keeps both referrers" || bad "fallback index" "$idx"

run pull "$R/ev/art@$D" --to "$W/p1" --cache "$W/cache" --registry-plain-http
expect_rc 0 "pull by digest"
cmp -s "$W/p1/ctrf/deployment.json" "$W/out/summary-bundle/ctrf/deployment.json" &&
	ok "pulled files equal the pushed ones" || bad "pulled files"
[ -s "$W/p1/attestation.intoto.jsonl" ] && ok "the referrer is written as attestation.intoto.jsonl" || bad "attestation pulled"
[ -s "$W/cache/blobs/sha256/${D#sha256:}" ] && ok "the manifest is cached by digest" || bad "cache layout"

run pull "$R/ev/art:v1" --to "$W/p2" --cache "$W/cache" --registry-plain-http
expect_rc 64 "a tag-only reference is refused"
expect_err "tag-only" "the refusal says tag-only"
run pull "$R/ev/art2:v1" --to "$W/p2" --cache "$W/cache" --registry-plain-http --allow-unpinned-tag
expect_rc 0 "--allow-unpinned-tag pulls by the resolved digest"
run pull "$R/ev/art@$D" --to "$W/p1" --cache "$W/cache" --registry-plain-http
expect_rc 2 "pull refuses an existing destination"

# offline: the cache alone, with the registry unreachable
run pull "127.0.0.1:1/ev/art@$D" --to "$W/p3" --cache "$W/cache" --offline
expect_rc 0 "--offline pulls from the cache"
[ -s "$W/p3/attestation.intoto.jsonl" ] && ok "--offline finds the remembered referrer" || bad "offline referrer"
# a damaged cache entry is detected and refetched
layer=$(jq -r '.layers[0].digest' <<<"$raw")
printf 'garbage' >"$W/cache/blobs/sha256/${layer#sha256:}"
run pull "127.0.0.1:1/ev/art@$D" --to "$W/p4" --cache "$W/cache" --offline
expect_rc 2 "a damaged cache entry is not used offline"
run pull "$R/ev/art@$D" --to "$W/p4" --cache "$W/cache" --registry-plain-http
expect_rc 0 "a damaged cache entry is refetched online"

# a manifest whose layer descriptor lies about the size (the registry
# checks neither, oci.md §2): one byte more or less is refused, not cached
for delta in 1 -1; do
	lie=$(jq -c ".layers[0].size += $delta" <<<"$raw")
	LD=sha256:$(printf '%s' "$lie" | sha256sum | cut -c1-64)
	for b in "$layer" "$(jq -r .config.digest <<<"$raw")"; do
		curl -s -o /dev/null -X POST "http://$R/v2/ev/lie/blobs/uploads/?mount=$b&from=ev/art"
	done
	curl -s -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
		--data-binary "$lie" "http://$R/v2/ev/lie/manifests/$LD"
	run pull "$R/ev/lie@$LD" --to "$W/plie" --cache "$W/cache-lie$delta" --registry-plain-http
	expect_rc 2 "a layer descriptor off by $delta byte is refused"
	expect_err "size" "the message names the size"
	[ ! -e "$W/cache-lie$delta/blobs/sha256/${layer#sha256:}" ] && [ ! -e "$W/plie" ] &&
		ok "nothing is cached or extracted for it" || bad "size lie cached"
done

run pull "127.0.0.1:1/ev/art@$D" --to "$W/p5" --cache "$W/empty" --registry-plain-http
expect_rc 3 "registry down exits 3"
expect_err "transient" "the message says the failure is transient"

# a progress bar on a terminal for a transfer over 1 MiB, none off one
mkbundle "$W/big" 3000000
if command -v script >/dev/null; then
	script -qec "$AE_BIN push $W/big --to $R/ev/big:v1 --registry-plain-http" /dev/null >"$W/tty.out" 2>&1
	grep -q '100%' "$W/tty.out" && ok "a progress bar is drawn on a terminal" || bad "progress bar on a TTY" "$(tr '\r' '\n' <"$W/tty.out" | tail -2)"
fi
run push "$W/big" --to "$R/ev/big2:v1" --registry-plain-http
grep -q '%' "$T_ERR" && bad "no progress bar off a terminal" || ok "no progress bar off a terminal"

run push "$W/out" --to "reg.example/ev/art" --registry-plain-http
expect_rc 2 "plain HTTP to a non-loopback registry is refused"

# ---- an artifact in the reference system's layout, pushed by skopeo ----
L=$W/layout
mkdir -p "$L/blobs/sha256" "$W/ref/b/ctrf"
printf 'kind: RecipeResult\n' >"$W/ref/b/recipe.yaml"
printf '{}\n' >"$W/ref/b/manifest.json"
printf '{}\n' >"$W/ref/b/ctrf/conformance.json"
# GNU tar with ./ prefixes, real mtimes, user names and PAX headers, like ORAS
(cd "$W/ref/b" && tar --format=pax -czf "$W/ref/layer.tgz" .)
put_blob() { local h; h=$(sha256sum "$1" | cut -c1-64); cp "$1" "$L/blobs/sha256/$h"; echo "$h"; }
printf '{}' >"$W/ref/config"
ch=$(put_blob "$W/ref/config")
lh=$(put_blob "$W/ref/layer.tgz")
ls=$(stat -c %s "$W/ref/layer.tgz")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.nvidia.aicr.artifact","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:%s","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s,"annotations":{"io.deis.oras.content.unpack":"true","org.opencontainers.image.title":"."}}],"annotations":{"org.opencontainers.image.created":"1970-01-01T00:00:00Z","org.opencontainers.image.vendor":"NVIDIA"}}' \
	"$ch" "$lh" "$ls" >"$W/ref/manifest"
mh=$(put_blob "$W/ref/manifest")
ms=$(stat -c %s "$W/ref/manifest")
printf '{"imageLayoutVersion":"1.0.0"}' >"$L/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
	"$mh" "$ms" >"$L/index.json"
if skopeo copy --dest-tls-verify=false "oci:$L:v1" "docker://$R/ev/ref:v1" >/dev/null 2>"$W/sk.err"; then
	ok "skopeo pushes the reference-layout artifact"
else
	bad "skopeo pushes the reference-layout artifact" "$(head -2 "$W/sk.err")"
fi
run pull "$R/ev/ref@sha256:$mh" --to "$W/refpull" --cache "$W/cache" --registry-plain-http --format json
expect_rc 0 "we pull the artifact skopeo pushed"
[ -s "$W/refpull/ctrf/conformance.json" ] && ok "its ./-prefixed PAX tar extracts" || bad "reference layer extracted"
expect_out '"signed":false' "no referrer reads as unsigned"

# ---- basic auth ----
if reg_start "$W/basic" --auth; then
	t_cleanup "reg_stop $W/basic"
	run push "$W/out" --to "$REG_HOST/ev/a:v1" --registry-plain-http
	expect_rc 2 "basic auth without credentials fails"
	expect_err "requires credentials" "the message asks for credentials"
	printf '%s\n' "$REG_PASS" >"$W/pw"
	ae push "$W/out" --to "$REG_HOST/ev/a:v1" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin <"$W/pw" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "basic auth with --registry-password-stdin"
	# a layer over 1 MiB is hashed while it uploads: PATCH and PUT
	# authenticate like the rest
	ae push "$W/big" --to "$REG_HOST/ev/abig:v1" --registry-plain-http --format json \
		--registry-username "$REG_USER" --registry-password-stdin <"$W/pw" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "a streamed layer pushes with basic auth"
	DB=$(jq -r .digest "$T_OUT" 2>/dev/null)
	ae pull "$REG_HOST/ev/abig@$DB" --to "$W/bbig" --cache "$W/cbig" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin <"$W/pw" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "and pulls back"
	cmp -s "$W/bbig/bom.cdx.json" "$W/big/summary-bundle/bom.cdx.json" && ok "intact" || bad "streamed layer with basic auth"
	printf 'nope\n' | ae push "$W/out" --to "$REG_HOST/ev/a:v1" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 2 "a wrong password is refused"
	expect_err "refused the credentials" "the message says the credentials were refused"
	auth=$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)
	printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG_HOST" "$auth" >"$W/config.json"
	run pull "$REG_HOST/ev/a@$D" --to "$W/bp" --cache "$W/cb" --registry-plain-http --docker-config "$W/config.json"
	expect_rc 0 "basic auth from a docker config.json"
	# emit --push takes the same registry flags as push
	EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$W/em1" --push "$REG_HOST/ev/emitted" --registry-plain-http
	expect_rc 2 "emit --push without credentials is refused"
	[ ! -e "$W/em1/pointer.yaml" ] && ok "no pointer when the push is refused" || bad "no pointer when the push is refused"
	ae emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$W/em2" --push "$REG_HOST/ev/emitted" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin <"$W/pw" >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "emit --push with --registry-username/--registry-password-stdin"
	grep -q "digest: sha256:" "$W/em2/pointer.yaml" && ok "the pointer names the pushed digest" || bad "pointer after authenticated emit --push"
	run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" \
		-o "$W/em3" --registry-plain-http
	expect_rc 64 "registry flags without --push are a usage error"
else
	bad "registry with basic auth starts"
fi

# ---- bearer token ----
if reg_start "$W/token" --token; then
	t_cleanup "reg_stop $W/token"
	run push "$W/out" --to "$REG_HOST/ev/t:v1" --registry-plain-http
	expect_rc 2 "bearer without credentials is refused by the token server"
	printf '%s\n' "$REG_PASS" | ae push "$W/out" --to "$REG_HOST/ev/t:v1" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "push through the bearer token flow"
	printf '%s\n' "$REG_PASS" | ae push "$W/big" --to "$REG_HOST/ev/tbig:v1" --registry-plain-http \
		--registry-username "$REG_USER" --registry-password-stdin --format json >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "a streamed layer pushes through the bearer token flow"
	DT=$(jq -r .digest "$T_OUT" 2>/dev/null)
	[ "$DT" = "$DB" ] && ok "to the digest it had with basic auth" || bad "streamed digest with a token" "$DT"
	printf '%s\n' "$REG_PASS" | ae pull "$REG_HOST/ev/t@$D" --to "$W/tp" --cache "$W/ct" \
		--registry-plain-http --registry-username "$REG_USER" --registry-password-stdin >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "pull through the bearer token flow"
	[ -s "$W/tp/attestation.intoto.jsonl" ] && ok "the referrer is found with a token" || bad "bearer referrer"
else
	bad "registry with token auth starts"
fi

# ---- TLS ----
if reg_start "$W/tls" --tls --auth; then
	t_cleanup "reg_stop $W/tls"
	printf '%s\n' "$REG_PASS" | ae push "$W/out" --to "$REG_HOST/ev/s:v1" --registry-ca "$REG_CA" \
		--registry-username "$REG_USER" --registry-password-stdin >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "push over TLS with --registry-ca"
	printf '%s\n' "$REG_PASS" | ae push "$W/big" --to "$REG_HOST/ev/sbig:v1" --registry-ca "$REG_CA" \
		--registry-username "$REG_USER" --registry-password-stdin --format json >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "a streamed layer pushes over TLS"
	[ "$(jq -r .digest "$T_OUT" 2>/dev/null)" = "$DB" ] && ok "to the same digest" || bad "streamed digest over TLS"
	run pull "$REG_HOST/ev/s@$D" --to "$W/sp" --cache "$W/cs"
	expect_rc 2 "an unknown CA is refused"
	printf '%s\n' "$REG_PASS" | ae pull "$REG_HOST/ev/s@$D" --to "$W/sp" --cache "$W/cs" \
		--registry-insecure-tls --registry-username "$REG_USER" --registry-password-stdin >"$T_OUT" 2>"$T_ERR"
	T_RC=$?
	expect_rc 0 "--registry-insecure-tls skips verification"
	if skopeo inspect --cert-dir "$W/tls/tls/certdir" --creds "$REG_USER:$REG_PASS" --raw \
		"docker://$REG_HOST/ev/s@$D" 2>/dev/null | grep -q aicr.artifact; then
		ok "skopeo reads our TLS push"
	else
		bad "skopeo reads our TLS push"
	fi
else
	bad "registry with TLS starts"
fi

t_end
