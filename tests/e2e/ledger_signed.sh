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
#   se_token EMAIL        the stack's OIDC-less token for EMAIL (issuer
#                         SE_ISSUER, audience sigstore), valid 15 minutes
SE_ISSUER=https://accounts.example.test
SE_EX=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../recipes/examples" && pwd)

se_slug() { printf '%s\n%s' "$1" "$2" | sha256sum | cut -c1-32; }

se_token() {
	jwt_unsigned "{\"iss\":\"$SE_ISSUER\",\"aud\":\"sigstore\",\"sub\":\"$1\",\"email\":\"$1\",\"exp\":$(($(date +%s) + 900))}"
}

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

# se_run ARGS: run, with SOURCE_DATE_EPOCH=$SE_EPOCH when SE_EPOCH is set
# (otherwise the caller's SOURCE_DATE_EPOCH, if any, stands)
se_run() {
	if [ -n "${SE_EPOCH:-}" ]; then SOURCE_DATE_EPOCH=$SE_EPOCH run "$@"; else run "$@"; fi
}

signed_emit() {
	local name=$1 email=$2 ctrf=$3 root=$4 recipe=${5:-} out tok rel ref stmt
	out=$T_WORK/emit-$name-$RANDOM
	tok=$(se_token "$email")
	if [ -n "${SE_VERSION:-}" ]; then
		# Emit unsigned, write the version another build would have
		# recorded, then sign the statement as it stands (sign reads
		# it from the bundle; the manifest does not cover it).
		se_run emit --recipe "${recipe:-$SE_EX/recipe.yaml}" \
			--snapshot "${SE_SNAPSHOT:-$SE_EX/snapshot.yaml}" --ctrf "$ctrf" -o "$out"
		[ "$T_RC" -eq 0 ] || { bad "emit as $name" "exit $T_RC: $(head -c 300 "$T_ERR")"; return 1; }
		stmt=$out/summary-bundle/statement.intoto.json
		jq --arg v "$SE_VERSION" '.predicate.aicrVersion = $v' "$stmt" >"$stmt.new" && mv "$stmt.new" "$stmt"
		run sign "$out" --ref "$REG_HOST/evidence/$name" --identity-token "$tok" \
			--signing-config "$SC" --trusted-root "$TR" --yes
	else
		# Sign offline against the reference, then push the same bytes
		# (the artifact digest is known before any network I/O, SPEC §3).
		se_run emit --recipe "${recipe:-$SE_EX/recipe.yaml}" \
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

# signed_lens_ledger DIR -- a signed ledger for the issue-22 tests, built
# under DIR: DIR/root (the evidence root), DIR/recipes (the recipes as they
# stand now), DIR/cache. Recipe h100-eks-ubuntu-training changed since
# some runs (a component version bumped); gb200-eks-ubuntu-training is a
# second recipe. Runs (day 0 = 1764000000):
#   alice (community)  0.20.0 day 1 pass; 0.21.1 day 3 pass; gb200 0.21.1
#                      day 5 pass                          k8s 1.33
#   bob   (partner)    0.20.0 day -1 pass; 0.21.1 day 2 fails
#                      k8s-version-constraint               k8s 1.32, H100 NVL
#   dave  (community)  dev day 4 pass                       k8s 1.33
#   erin  (community)  0.21.1 day 2 pass, old recipe: HISTORICAL
#   carol (unlisted)   0.21.1 day 2 pass: reported
# Latest lens: CONTESTED (bob fails); --at-version 0.20.0: CONFIRMED.
signed_lens_ledger() {
	local d=$1 root old new gb snap2 t0=1764000000 day=86400
	root=$d/root
	mkdir -p "$root" "$d/recipes"
	old=$SE_EX/recipe.yaml
	new=$d/recipes/h100-eks-ubuntu-training.yaml
	sed 's/version: v25.3.0/version: v25.3.1/' "$old" >"$new"
	gb=$d/recipes/gb200-eks-ubuntu-training.yaml
	sed 's/accelerator: h100/accelerator: gb200/' "$new" >"$gb"
	snap2=$d/snapshot-1.32.yaml
	sed -e 's/v1\.33\.1/v1.32.4/g' -e 's/H100 80GB HBM3/H100 NVL/' "$SE_EX/snapshot.yaml" >"$snap2"
	local i
	for i in 1 2 3 4 5 6 7 8; do
		if [ "$i" = 4 ]; then
			signed_ctrf "$SE_EX/ctrf" "$d/ctrf-$i" "$i" k8s-version-constraint || return 1
		else
			signed_ctrf "$SE_EX/ctrf" "$d/ctrf-$i" "$i" || return 1
		fi
	done
	SE_VERSION=0.20.0 SE_EPOCH=$((t0 + day)) signed_emit alice alice@example.test "$d/ctrf-1" "$root" "$new" &&
		SE_VERSION=0.21.1 SE_EPOCH=$((t0 + 3 * day)) signed_emit alice alice@example.test "$d/ctrf-2" "$root" "$new" &&
		SE_VERSION=0.20.0 SE_EPOCH=$((t0 - day)) SE_SNAPSHOT=$snap2 signed_emit bob bob@example.test "$d/ctrf-3" "$root" "$new" &&
		SE_VERSION=0.21.1 SE_EPOCH=$((t0 + 2 * day)) SE_SNAPSHOT=$snap2 signed_emit bob bob@example.test "$d/ctrf-4" "$root" "$new" &&
		SE_VERSION=dev SE_EPOCH=$((t0 + 4 * day)) signed_emit dave dave@example.test "$d/ctrf-5" "$root" "$new" &&
		SE_VERSION=0.21.1 SE_EPOCH=$((t0 + 2 * day)) signed_emit erin erin@example.test "$d/ctrf-6" "$root" "$old" &&
		SE_VERSION=0.21.1 SE_EPOCH=$((t0 + 2 * day)) signed_emit carol carol@example.test "$d/ctrf-7" "$root" "$new" &&
		SE_VERSION=0.21.1 SE_EPOCH=$((t0 + 5 * day)) signed_emit alice alice@example.test "$d/ctrf-8" "$root" "$gb" || return 1
	signed_allowlist "$root" "alice alice@example.test community" "bob bob@example.test partner" \
		"dave dave@example.test community" "erin erin@example.test community"
}
