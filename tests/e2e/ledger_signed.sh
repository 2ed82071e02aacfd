# tests/e2e/ledger_signed.sh -- a signed, pushed evidence ledger for the
# `ledger --verify` tests, the HTML dashboard test, `make demo` and the
# benchmark (sourced after lib.sh, registry.sh and sigstore_stack.sh).
#
#   signed_start DIR      starts a loopback docker-registry (REG_HOST) and
#                         the local Sigstore stack (TR, SC); 1 on failure
#   signed_emit NAME EMAIL CTRF_DIR ROOT [RECIPE]
#                         emits, signs (keyless, the stack's OIDC-less
#                         token for EMAIL) and pushes one bundle to
#                         REG_HOST/evidence/<NAME>, then copies its pointer
#                         to its canonical place under ROOT; sets SE_PTR
#                         and SE_OUT (the emit directory). Knobs (env):
#                         SE_VERSION  the predicate's aicrVersion (the
#                                     statement is edited before signing,
#                                     as another build of the tool would
#                                     have written it)
#                         SE_EPOCH    SOURCE_DATE_EPOCH (attestedAt)
#                         SE_SNAPSHOT the snapshot (default the example)
#                         SE_NOPTR    1: no pointer (first-party ingest)
#   signed_ctrf SRC DST TWEAK [FAIL_TEST]
#                         copies a CTRF directory, making it unique
#                         (duration + TWEAK, so every bundle has its own
#                         digest) and optionally failing one test
#   signed_allowlist ROOT "label email class" ...
#                         writes ROOT/allowlist.yaml (class community or
#                         partner)
SE_ISSUER=https://accounts.example.test
SE_EX=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../recipes/examples" && pwd)

se_slug() { printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32; }

signed_start() {
	local d=$1
	reg_start "$d/registry" || return 1
	t_cleanup "reg_stop '$d/registry'"
	stack_start "$d/stack" || return 1
	TR=$STACK_DIR/trusted_root.json
	SC=$STACK_DIR/signing_config.json
}

signed_ctrf() {
	local src=$1 dst=$2 tweak=$3 fail=${4:-} f
	mkdir -p "$dst"
	for f in "$src"/*.json; do
		jq --argjson t "$tweak" --arg fail "$fail" '
			.results.tests |= map(.duration = ((.duration // 0) + $t)
				| if .name == $fail then .status = "failed" else . end)
			| if $fail != "" and ([.results.tests[] | select(.name == $fail)] | length) > 0
			  then .results.summary.failed = ((.results.summary.failed // 0) + 1)
			     | .results.summary.passed = ((.results.summary.passed // 1) - 1)
			  else . end' "$f" >"$dst/$(basename "$f")" || return 1
	done
}

signed_emit() {
	local name=$1 email=$2 ctrf=$3 root=$4 recipe=${5:-} out now tok rel ref stmt
	out=$T_WORK/emit-$name-$RANDOM
	now=$(date +%s)
	tok=$(jwt_unsigned "{\"iss\":\"$SE_ISSUER\",\"aud\":\"sigstore\",\"sub\":\"$email\",\"email\":\"$email\",\"exp\":$((now + 900))}")
	if [ -n "${SE_VERSION:-}" ]; then
		# Emit unsigned, write the version another build would have
		# recorded, then sign the statement as it stands (sign reads
		# it from the bundle; the manifest does not cover it).
		SOURCE_DATE_EPOCH=${SE_EPOCH:-} run emit --recipe "${recipe:-$SE_EX/recipe.yaml}" \
			--snapshot "${SE_SNAPSHOT:-$SE_EX/snapshot.yaml}" --ctrf "$ctrf" -o "$out"
		[ "$T_RC" -eq 0 ] || { bad "emit as $name" "exit $T_RC: $(head -c 300 "$T_ERR")"; return 1; }
		stmt=$out/summary-bundle/statement.intoto.json
		jq --arg v "$SE_VERSION" '.predicate.aicrVersion = $v' "$stmt" >"$stmt.new" && mv "$stmt.new" "$stmt"
		run sign "$out" --ref "$REG_HOST/evidence/$name" --identity-token "$tok" \
			--signing-config "$SC" --trusted-root "$TR" --yes
	else
		# Sign offline against the reference, then push the same bytes
		# (the artifact digest is known before any network I/O, SPEC §3).
		SOURCE_DATE_EPOCH=${SE_EPOCH:-} run emit --recipe "${recipe:-$SE_EX/recipe.yaml}" \
			--snapshot "${SE_SNAPSHOT:-$SE_EX/snapshot.yaml}" \
			--ctrf "$ctrf" -o "$out" --sign --ref "$REG_HOST/evidence/$name" \
			--identity-token "$tok" --signing-config "$SC" --trusted-root "$TR" --yes
	fi
	if [ "$T_RC" -ne 0 ]; then
		bad "emit and sign as $name" "exit $T_RC: $(head -c 300 "$T_ERR")"
		return 1
	fi
	ref=$(sed -n 's/^ *oci: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$out/pointer.yaml")
	run push "$out" --to "$ref" --registry-plain-http
	if [ "$T_RC" -ne 0 ]; then
		bad "push as $name" "exit $T_RC: $(head -c 300 "$T_ERR")"
		return 1
	fi
	SE_OUT=$out
	SE_PTR=""
	[ "${SE_NOPTR:-}" = 1 ] && return 0
	rel=$(ae pointer path "$out/pointer.yaml" --root "") || {
		bad "pointer path for $name"
		return 1
	}
	mkdir -p "$root/$(dirname "$rel")"
	cp "$out/pointer.yaml" "$root/$rel"
	SE_PTR=$root/$rel
}

signed_allowlist() {
	local root=$1 e label email cls community="" partner=""
	shift
	for e in "$@"; do
		read -r label email cls <<<"$e"
		local entry="  - label: $label
    issuer: $SE_ISSUER
    source: $(se_slug "$SE_ISSUER" "$email")
"
		if [ "$cls" = partner ]; then partner+=$entry; else community+=$entry; fi
	done
	{
		echo 'schemaVersion: "1.0.0"'
		echo 'firstParty: []'
		if [ -n "$community" ]; then printf 'community:\n%s' "$community"; else echo 'community: []'; fi
		if [ -n "$partner" ]; then printf 'partner:\n%s' "$partner"; else echo 'partner: []'; fi
	} >"$root/allowlist.yaml"
}
