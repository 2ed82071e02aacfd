#!/usr/bin/env bash
# tests/e2e/test_ledger_html.sh -- the HTML dashboard in a real browser:
# headless Debian chromium loads the file, its DOM must hold the recipes ×
# signers matrix with state classes, and a screenshot is taken (its path is
# printed). Without chromium this test FAILS: `make deps` installs it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ledger_fixture.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

shot_dir=${AE_SCREENSHOT_DIR:-$(dirname "$AE_BIN")}
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ]; then
	bad "chromium is installed" "no chromium on PATH: run 'make deps' (Debian package chromium)"
	# The verified dashboard: signed bundles from the local Sigstore stack in a
# loopback registry; alice (community) and bob (partner, one failing check)
# vote, carol (not listed) is reported. 1 recipe x 3 signers.
if signed_start "$T_WORK/svc"; then
	sroot=$T_WORK/signed/recipes/evidence
	mkdir -p "$sroot"
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-a" 1
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-b" 2 k8s-version-constraint
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-c" 3
	if signed_emit alice alice@example.test "$T_WORK/ctrf-a" "$sroot" &&
		signed_emit bob bob@example.test "$T_WORK/ctrf-b" "$sroot" &&
		signed_emit carol carol@example.test "$T_WORK/ctrf-c" "$sroot"; then
		signed_allowlist "$sroot" "alice alice@example.test community" "bob bob@example.test partner"
		run ledger --root "$sroot" --verify --trusted-root "$TR" --registry-plain-http \
			--cache "$T_WORK/cache" --format html -o "$T_WORK/verified.html"
		expect_rc 0 "the verified dashboard is written"
		check_dashboard verified "$T_WORK/verified.html" 1 3 state-CONTESTED cell-fail
		dom=$T_WORK/verified.dom
		for want in 'class="state state-CONFIRMED"' 'class="cell cell-pass"' \
			'class="signer class-reported vote-verified"' \
			'class="signer class-partner vote-verified"' 'class="basis basis-verified"' \
			'<tr class="check">'; do
			if grep -qF "$want" "$dom"; then
				ok "verified: the DOM has $want"
			else
				bad "verified: the DOM has $want"
			fi
		done
		if grep -q '@example.test' "$T_WORK/verified.html"; then
			bad "verified: no community/partner identity without --show-identities"
		else
			ok "verified: no community/partner identity without --show-identities"
		fi
	fi
fi

t_end
fi
ok "chromium is installed ($chromium_bin)"

# chromium_run OUT ARGS... -- headless, no network services, private
# profile; bounded in time so a hung browser fails the test.
chromium_run() {
	local out=$1
	shift
	timeout 90 "$chromium_bin" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$T_WORK/profile" \
		--window-size=1280,900 "$@" >"$out" 2>"$T_WORK/chromium.err"
}

# png_size FILE -> "W H" from the IHDR chunk
png_size() {
	od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}

# check_dashboard NAME HTML RECIPES SIGNERS STATE-CLASS CELL-CLASS
check_dashboard() {
	local name=$1 html=$2 nr=$3 ns=$4 state=$5 cell=$6 dom=$T_WORK/$1.dom
	local shot=$shot_dir/ledger-dashboard-$1.png cells
	rm -f "$shot"
	if chromium_run "$dom" --dump-dom "file://$html" && [ -s "$dom" ]; then
		ok "$name: chromium loads the page and dumps its DOM"
	else
		bad "$name: chromium loads the page and dumps its DOM" "$(tail -3 "$T_WORK/chromium.err")"
		return
	fi
	if grep -q '<table id="matrix" class="matrix">' "$dom"; then
		ok "$name: the DOM holds the matrix"
	else
		bad "$name: the DOM holds the matrix"
	fi
	cells=$(grep -o '<td class="cell cell-[a-z-]*" data-signer="s[0-9]*"' "$dom" | wc -l)
	if [ "$cells" -eq $((nr * ns)) ]; then
		ok "$name: one matrix cell per recipe and signer ($nr x $ns)"
	else
		bad "$name: one matrix cell per recipe and signer" "$cells cells, want $((nr * ns))"
	fi
	if [ "$(grep -o '<tr class="recipe">' "$dom" | wc -l)" -eq "$nr" ]; then
		ok "$name: one matrix row per recipe"
	else
		bad "$name: one matrix row per recipe"
	fi
	if grep -q "class=\"state $state\"" "$dom" && grep -q "class=\"cell $cell\"" "$dom"; then
		ok "$name: states and cells carry their classes ($state, $cell)"
	else
		bad "$name: states and cells carry their classes ($state, $cell)"
	fi
	if [ "$(grep -o '<details class="recipe-detail"' "$dom" | wc -l)" -eq "$nr" ]; then
		ok "$name: per-check detail is a <details> per recipe"
	else
		bad "$name: per-check detail is a <details> per recipe"
	fi
	if grep -qiE '<script|<link|<img|<iframe|src=|url\(' "$html"; then
		bad "$name: the page has no script and no external asset"
	else
		ok "$name: the page has no script and no external asset"
	fi
	if chromium_run "$T_WORK/shot.out" --screenshot="$shot" "file://$html" &&
		[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(png_size "$shot")" = "1280 900" ]; then
		ok "$name: screenshot taken (1280x900 PNG)"
		echo "screenshot: $shot"
	else
		bad "$name: screenshot taken (1280x900 PNG)" "$(tail -3 "$T_WORK/chromium.err")"
	fi
}

root=$T_WORK/evidence
ledger_fixture "$root"

# The claimed dashboard: 2 recipes x 5 signer columns (alice, bob, carol,
# alice's squatted slug, bob's unsigned pointer).
run ledger --root "$root" --format html -o "$T_WORK/claimed.html"
expect_rc 0 "the claimed dashboard is written"
check_dashboard claimed "$T_WORK/claimed.html" 2 5 state-UNTESTED cell-unverifiable
if grep -q 'basis-claimed' "$T_WORK/claimed.dom" 2>/dev/null; then
	ok "claimed: the page says nothing was verified"
else
	bad "claimed: the page says nothing was verified"
fi
if grep -q 'example.com' "$T_WORK/claimed.html"; then
	bad "claimed: no claimed identity on the page"
else
	ok "claimed: no claimed identity on the page"
fi

# The verified dashboard: signed bundles from the local Sigstore stack in a
# loopback registry; alice (community) and bob (partner, one failing check)
# vote, carol (not listed) is reported. 1 recipe x 3 signers.
if signed_start "$T_WORK/svc"; then
	sroot=$T_WORK/signed/recipes/evidence
	mkdir -p "$sroot"
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-a" 1
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-b" 2 k8s-version-constraint
	signed_ctrf "$SE_EX/ctrf" "$T_WORK/ctrf-c" 3
	if signed_emit alice alice@example.test "$T_WORK/ctrf-a" "$sroot" &&
		signed_emit bob bob@example.test "$T_WORK/ctrf-b" "$sroot" &&
		signed_emit carol carol@example.test "$T_WORK/ctrf-c" "$sroot"; then
		signed_allowlist "$sroot" "alice alice@example.test community" "bob bob@example.test partner"
		run ledger --root "$sroot" --verify --trusted-root "$TR" --registry-plain-http \
			--cache "$T_WORK/cache" --format html -o "$T_WORK/verified.html"
		expect_rc 0 "the verified dashboard is written"
		check_dashboard verified "$T_WORK/verified.html" 1 3 state-CONTESTED cell-fail
		dom=$T_WORK/verified.dom
		for want in 'class="state state-CONFIRMED"' 'class="cell cell-pass"' \
			'class="signer class-reported vote-verified"' \
			'class="signer class-partner vote-verified"' 'class="basis basis-verified"' \
			'<tr class="check">'; do
			if grep -qF "$want" "$dom"; then
				ok "verified: the DOM has $want"
			else
				bad "verified: the DOM has $want"
			fi
		done
		if grep -q '@example.test' "$T_WORK/verified.html"; then
			bad "verified: no community/partner identity without --show-identities"
		else
			ok "verified: no community/partner identity without --show-identities"
		fi
	fi
fi

t_end
