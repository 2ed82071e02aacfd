#!/usr/bin/env bash
# 03 -- the authorization URL, with its state, nonce and PKCE challenge, is
# put on xdg-open's argv, which /proc/PID/cmdline shows to every local user
# while the browser starts (and for as long as the browser process it
# starts keeps it on its own command line).  LOW
#
# Expected: the launcher gets the path of a page (0600, in a 0700
# directory of the tool's) that refreshes to the authorization URL: no
# state, nonce or code_challenge in any argv, and nothing on the argv that
# another user can turn into them (a one-time URL on the listener could be
# fetched first by anyone: test_login_cotenant.sh).
# Actual: xdg-open's argv[1] is the authorization URL itself.
# Usage: browser_argv.sh /path/to/aicr-evidence
set -u
# setup.sh: BIN, W ($T_WORK, removed at exit), finding_idp (the stand-in
# provider, stopped at exit), finding_ready
. "$(dirname "$0")/setup.sh"
finding_idp
# the "browser": records its command line as /proc shows it, and what it
# was given: the page's modes and the URL it refreshes to
cat >"$W/bin/xdg-open" <<PY
#!/usr/bin/env python3
import json, os, stat, sys
sys.path.insert(0, "$(cd "$(dirname "$0")/.." && pwd)")
from startpage import page_path, resolve
cmdline = open("/proc/self/cmdline", "rb").read().decode("latin-1").split("\\0")
res = {"argv": sys.argv[1:], "cmdline": cmdline, "modes": []}
p = page_path(sys.argv[1])
try:
    res["modes"] = ["%o" % stat.S_IMODE(os.lstat(f).st_mode) for f in (p, os.path.dirname(p))]
except OSError as e:
    res["modes"] = [str(e)]
res["auth"] = resolve(sys.argv[1])
json.dump(res, open("$W/result.tmp", "w")); os.replace("$W/result.tmp", "$W/result.json")
PY
chmod +x "$W/bin/xdg-open"
finding_ready
env -u SIGSTORE_ID_TOKEN PATH="$W/bin:$PATH" DISPLAY=:99 \
	timeout 30 "$BIN" sigstore sign-bundle --bundle out.json --oidc-provider browser \
	--oidc-issuer "http://127.0.0.1:$PORT" --oidc-timeout 4s a.txt >/dev/null 2>"$W/stderr"
for _ in $(seq 50); do [ -s result.json ] && break; sleep 0.1; done
[ -s result.json ] || { echo "SETUP: the browser was not started"; exit 2; }
python3 - "$W/result.json" "$PORT" <<'PY'
import json, sys, urllib.parse
r = json.load(open(sys.argv[1])); iss = "http://127.0.0.1:%s/auth" % sys.argv[2]
bad = [a for a in r["argv"] + r["cmdline"]
       if any(k in a for k in ("state=", "nonce=", "code_challenge", "/auth"))]
if bad:
    print("BUG: the authorization URL is on the launcher's command line:", bad[0][:120]); sys.exit(1)
loc = r["auth"]
q = urllib.parse.parse_qs(urllib.parse.urlparse(loc).query)
if r["modes"] != ["600", "700"]:
    print("BUG: the launcher's page is not private:", r["argv"][0], r["modes"]); sys.exit(1)
if not loc.startswith(iss + "?") or "state" not in q or "code_challenge" not in q:
    print("BUG: the launcher's page does not lead to the authorization URL:", loc[:120]); sys.exit(1)
print("fixed: xdg-open gets", r["argv"][0], "(0600 in 0700, refreshing to the authorization URL)")
PY
