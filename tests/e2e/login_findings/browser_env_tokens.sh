#!/usr/bin/env bash
# 04 -- token variables under names of the user's choosing reach the browser:
# GitLab's id_tokens are declared under any name (`id_tokens: MY_TOKEN:
# aud: sigstore`), CI systems add their own, and xdg-open (and the
# long-lived browser it starts) inherits every one of them.  LOW
#
# Expected: the launcher's environment holds no token variable: neither
# the named ones (SIGSTORE_ID_TOKEN, ACTIONS_ID_TOKEN_REQUEST_*,
# CI_JOB_JWT*) nor any variable whose name says token/JWT/secret or whose
# value is a JWT, whatever its name.
# Actual: only a fixed list of names is removed.
# Usage: browser_env_tokens.sh /path/to/aicr-evidence
set -u
# setup.sh: BIN, W ($T_WORK, removed at exit), finding_idp (the stand-in
# provider, stopped at exit), finding_ready
. "$(dirname "$0")/setup.sh"
finding_idp
finding_env_browser
finding_ready
JWT="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
env PATH="$W/bin:$PATH" DISPLAY=:99 GITLAB_CI=true \
	SIGSTORE_ID_TOKEN="$JWT-named" MY_SIGSTORE_OIDC="$JWT-custom" \
	GITLAB_OIDC_TOKEN=opaque-gitlab-token CI_JOB_JWT_V2="$JWT-v2" \
	DEPLOY_JWT=opaque-jwt-value ACTIONS_ID_TOKEN_REQUEST_URL=http://x/req?tok=url-secret \
	AICR_TEST_PLAIN=keep-me \
	timeout 30 "$BIN" sigstore sign-bundle --bundle out.json --oidc-provider browser \
	--oidc-issuer "http://127.0.0.1:$PORT" --oidc-timeout 3s a.txt >/dev/null 2>&1
for _ in $(seq 30); do [ -s browser.env ] && break; sleep 0.1; done
[ -s browser.env ] || { echo "SETUP: the browser was not started"; exit 2; }
grep -q '^AICR_TEST_PLAIN=keep-me$' browser.env || { echo "BUG: an ordinary variable was dropped"; exit 1; }
if grep -E "$JWT|opaque-gitlab-token|opaque-jwt-value|url-secret" browser.env >"$W/leak"; then
	echo "BUG: the browser's environment holds a token:"
	sed 's/=.*/=.../; s/^/    /' "$W/leak"
	exit 1
fi
echo "fixed: the browser gets no token variable, named or custom"
exit 0
