#!/usr/bin/env bash
# tests/e2e/test_ledger_html.sh -- the HTML dashboard in a real browser
# (issue 22 item 6, issue 20 item 12): headless Debian chromium, driven
# over the DevTools protocol (cdp.mjs), loads the page at desktop and
# phone widths, in print media and with scripts off; the lens and the
# facets work as plain radio controls without scripts; deep links
# #/<recipe>/<signer> land on the signer's history; the banner says how
# many runs verified; uncounted cells say so; CONTESTED reasons show
# without expanding, in print too; legend, provenance, pointer paths and
# OCI references are on the page. Screenshots (their paths printed) go to
# $AE_SCREENSHOT_DIR (default build/screenshots). Without chromium this
# test FAILS: `make deps` installs it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ledger_fixture.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin

here=$(cd "$(dirname "$0")" && pwd)
shots=${AE_SCREENSHOT_DIR:-$here/../../build/screenshots}
mkdir -p "$shots"
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium_bin" ] || ! command -v node >/dev/null; then
	bad "chromium and node are installed" "run 'make deps' (Debian chromium, nodejs)"
	t_end
fi
ok "chromium is installed ($chromium_bin)"
export CDP_PROFILE=$T_WORK/profile

# cdp STEP... -- drives chromium; output in $T_WORK/cdp.out
cdp() {
	timeout 120 node "$here/cdp.mjs" "$chromium_bin" "$@" >"$T_WORK/cdp.out" 2>"$T_WORK/cdp.err"
}
# got KEY -- the value cdp printed for "KEY=" (style, count, visible)
got() { grep -F "$1=" "$T_WORK/cdp.out" | tail -1 | sed 's/.*=//'; }
# png_size FILE -> "W H" from the IHDR chunk
png_size() {
	od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}
# shot NAME W H [mobile] [more steps] -- a viewport screenshot, checked
shot() {
	local name=$1 w=$2 h=$3 file=$shots/ledger-$1.png
	shift 3
	rm -f "$file"
	if cdp viewport "$w" "$h" "$@" shot "$file" && [ -s "$file" ] &&
		[ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
		ok "$name: screenshot ($(png_size "$file" | tr ' ' x))"
		echo "screenshot: $file"
	else
		bad "$name: screenshot" "$(tail -3 "$T_WORK/cdp.err")"
	fi
}

# ---- the claimed dashboard (no network) ----
root=$T_WORK/evidence
ledger_fixture "$root"
run ledger --root "$root" --format html -o "$T_WORK/claimed.html"
expect_rc 0 "the claimed dashboard is written"
C=file://$T_WORK/claimed.html
cdp viewport 1280 900 open "$C" count '#matrix td.cell' count '#matrix tr.recipe' \
	count 'p.basis.basis-claimed' count 'script' count 'link' count 'img' count 'iframe'
same "one matrix cell per recipe and signer (2 x 5)" "$(got 'count #matrix td.cell')" 10
same "one row per recipe" "$(got 'count #matrix tr.recipe')" 2
same "the banner says nothing was verified" "$(got 'count p.basis.basis-claimed')" 1
same "one script, no link, image or frame" \
	"$(got 'count script')/$(got 'count link')/$(got 'count img')/$(got 'count iframe')" "1/0/0/0"
if grep -qE 'src=|url\(|https?://[a-z]' "$T_WORK/claimed.html"; then
	bad "no external asset or URL the page would load"
else
	ok "no external asset or URL the page would load"
fi
if grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$T_WORK/claimed.html"; then
	ok "a Content-Security-Policy allows nothing from outside"
else
	bad "a Content-Security-Policy allows nothing from outside"
fi
if grep -q 'example.com' "$T_WORK/claimed.html"; then
	bad "no claimed identity on the page"
else
	ok "no claimed identity on the page"
fi
shot claimed-desktop 1280 900 open "$C"

# ---- the verified dashboard: historical, dev-build, multi-version ----
signed_start "$T_WORK/svc" || t_end
D=$T_WORK/lens
signed_lens_ledger "$D" || t_end
H=h100-eks-ubuntu-training
# an unverifiable pointer beside them: a copy of bob's with another digest
bobdir=$(dirname "$(grep -l 'bob@example.test' -r "$D/root" | head -1)")
fake=$(printf 'f%.0s' $(seq 64))
sed "s/digest: sha256:[0-9a-f]*/digest: sha256:$fake/" "$(ls "$bobdir"/*.yaml | head -1)" >"$bobdir/sha256-$fake.yaml"
run ledger --root "$D/root" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$D/cache" --recipes "$D/recipes" --format html -o "$T_WORK/v.html"
expect_rc 0 "the verified dashboard is written"
run ledger --root "$D/root" --verify --trusted-root "$TR" --registry-plain-http \
	--cache "$D/cache" --recipes "$D/recipes" --format json
slug_of_label() { jq -r ".signers[] | select(.label==\"$1\" and .vote==\"verified\") | .slug" "$T_OUT"; }
bob=$(slug_of_label bob)
carol=$(jq -r '.signers[] | select(.class=="reported") | .slug' "$T_OUT")
V=file://$T_WORK/v.html
R="#matrix tr.recipe:nth-child(2)"

cdp viewport 1280 900 open "$V" count 'p.basis.basis-partial' count 'p.basis.basis-verified' \
	count '#legend dt' count 'dl.prov dd' count "$R td.cell .lv.l0 .b-nc"
same "the banner is not green when a run did not verify" \
	"$(got 'count p.basis.basis-partial')/$(got 'count p.basis.basis-verified')" "1/0"
if grep -q '8 of 9 runs verified' "$T_WORK/v.html"; then
	ok "the banner says how many runs verified (8 of 9)"
else
	bad "the banner says how many runs verified (8 of 9)"
fi
if [ "$(got 'count #legend dt')" -ge 10 ]; then ok "a legend defines states, cells and badges"; else bad "a legend"; fi
same "provenance: tool, ledger commit, root, trusted root, time" "$(got 'count dl.prov dd')" 5
if grep -q "trusted_root.json (sha256:[0-9a-f]\{64\})" "$T_WORK/v.html"; then
	ok "the trusted root is named with its digest"
else
	bad "the trusted root is named with its digest"
fi
if [ "$(got "count $R td.cell .lv.l0 .b-nc")" -ge 2 ]; then
	ok "uncounted cells say 'not counted' in the cell (unlisted, historical, unverifiable)"
else
	bad "uncounted cells say 'not counted' in the cell" "$(got "count $R td.cell .lv.l0 .b-nc")"
fi
if grep -q "not counted: unlisted (reported)" "$T_WORK/v.html" &&
	grep -q "not counted: historical" "$T_WORK/v.html" &&
	grep -q "not counted: could not be verified" "$T_WORK/v.html"; then
	ok "each reason is named"
else
	bad "each reason is named"
fi
if grep -q "pointer <code>$H/$bob/sha256-" "$T_WORK/v.html" &&
	grep -q "OCI <code>$REG_HOST/evidence/bob:" "$T_WORK/v.html"; then
	ok "pointer paths and OCI references per signer"
else
	bad "pointer paths and OCI references per signer"
fi

# CONTESTED reasons: in the open, on screen and in print
cdp viewport 1280 900 open "$V" style "$R th .lv.l0 .why" display media print style "$R th .lv.l0 .why" display \
	style 'form.controls' display
same "the CONTESTED reason shows without expanding" "$(grep -F "style $R th .lv.l0 .why display=" "$T_WORK/cdp.out" | head -1 | sed 's/.*=//')" block
if grep -q 'CONTESTED: conformance/k8s-version-constraint (2 pass, 1 fail)' "$T_WORK/v.html"; then
	ok "the reason names the check and the votes"
else
	bad "the reason names the check and the votes"
fi
same "in print media the controls go, the reason stays" \
	"$(got "style form.controls display")/$(grep -F "style $R th .lv.l0 .why display=" "$T_WORK/cdp.out" | tail -1 | sed 's/.*=//')" \
	"none/block"

# the no-script view: everything readable, lens and facets still work
B="$R td.cell[data-signer=\"s$(jq -r ".signers | map(.slug) | index(\"$bob\") + 1" "$T_OUT")\"]"
A="$R td.cell[data-signer=\"s$(jq -r ".signers | map(.slug) | index(\"$(slug_of_label alice)\") + 1" "$T_OUT")\"]"
cdp viewport 1280 900 noscript open "$V" visible '#matrix td.cell .lv' count '#matrix td.cell' \
	style "$B .lv.l0" opacity click 'label:has(#k8s-1)' style "$B .lv.l0" opacity \
	style "$A .lv.l0" opacity visible "$R th .lv.l0 .state-CONTESTED"
cells=$(got 'count #matrix td.cell')
same "scripts off: one lens variant of every cell shows" "$(got 'visible #matrix td.cell .lv')" "$cells"
same "scripts off: bob's cell (K8s 1.32) is full before a facet" \
	"$(grep -F "style $B .lv.l0 opacity=" "$T_WORK/cdp.out" | head -1 | sed 's/.*=//')" 1
same "the K8s 1.33 facet dims bob's cell" "$(grep -F "style $B .lv.l0 opacity=" "$T_WORK/cdp.out" | tail -1 | sed 's/.*=//')" 0.28
same "and leaves alice's (1.33)" "$(got "style $A .lv.l0 opacity")" 1
same "dimmed, not removed: the recipe is still CONTESTED (bob still counts)" \
	"$(got "visible $R th .lv.l0 .state-CONTESTED")" 1
l020=$(grep -o 'id="lens-[0-9]*" data-v="0.20.0"' "$T_WORK/v.html" | sed 's/id="lens-\([0-9]*\)".*/\1/')
cdp viewport 1280 900 noscript open "$V" click "label:has(#lens-$l020)" \
	visible "#matrix .lv.l$l020" visible '#matrix .lv.l0' \
	count "div.lv.l$l020 tr.check"
same "scripts off: the 0.20.0 lens shows its variants, hides the default" \
	"$(got "visible #matrix .lv.l0")" 0
if [ "$(got "visible #matrix .lv.l$l020")" -gt 0 ]; then ok "the 0.20.0 variants are shown"; else bad "the 0.20.0 variants are shown"; fi
shot noscript-desktop 1280 900 noscript open "$V"

# deep links: #/<recipe>/<signer> is the signer's history
if grep -q "href=\"#/$H/$bob\"" "$T_WORK/v.html"; then
	ok "cells link to #/<recipe>/<signer>"
else
	bad "cells link to #/<recipe>/<signer>"
fi
cdp viewport 1280 900 noscript open "$V#/$H/$bob" style "[id=\"/$H/$bob\"]" outline-style \
	style "[id=\"/$H/$carol\"]" outline-style
same "the deep link targets the signer's history (scripts off)" \
	"$(got "style [id=\"/$H/$bob\"] outline-style")/$(got "style [id=\"/$H/$carol\"] outline-style")" "solid/none"
cdp viewport 1280 900 open "$V#/$H" style "[id=\"/$H\"] > header" outline-style
same "#/<recipe> targets the recipe" "$(got "style [id=\"/$H\"] > header outline-style")" solid

# with scripts: the choice is kept in the address and restored
cdp viewport 1280 900 open "$V" click 'label:has(#k8s-1)' eval 'location.search' \
	eval 'document.getElementById("facet-count").textContent'
if grep -q '"?k8s=1.33"' "$T_WORK/cdp.out"; then ok "scripts on: the facet goes into the address"; else bad "scripts on: the facet goes into the address" "$(cat "$T_WORK/cdp.out")"; fi
if grep -q 'matrix cells match the facets' "$T_WORK/cdp.out"; then ok "and the page says how many cells match"; else bad "and the page says how many cells match"; fi
cdp viewport 1280 900 open "$V?lens=0.20.0&k8s=1.32" eval "document.getElementById('lens-$l020').checked" \
	eval "document.getElementById('k8s-0').checked"
same "a shared address restores lens and facet" "$(tr '\n' ' ' <"$T_WORK/cdp.out")" "true true "

# screenshots: desktop, phone, print
shot desktop 1280 900 open "$V"
shot phone 390 844 mobile open "$V"
shot print 1280 900 media print open "$V"
cdp viewport 1280 900 media print open "$V" pdf "$shots/ledger-print.pdf"
if [ "$(head -c 4 "$shots/ledger-print.pdf" 2>/dev/null)" = "%PDF" ]; then
	ok "it prints (PDF)"
	echo "pdf: $shots/ledger-print.pdf"
else
	bad "it prints (PDF)" "$(tail -3 "$T_WORK/cdp.err")"
fi
cdp viewport 390 844 mobile open "$V" eval 'document.documentElement.scrollWidth <= innerWidth' \
	eval 'document.querySelector(".scroll").scrollWidth > document.querySelector(".scroll").clientWidth'
same "phone: the page does not scroll sideways; the matrix scrolls in its box" \
	"$(tr '\n' ' ' <"$T_WORK/cdp.out")" "true true "

t_end
