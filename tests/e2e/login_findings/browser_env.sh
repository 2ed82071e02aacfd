#!/usr/bin/env bash
# 01 -- the confidential client's secret (and every other ambient signing
# secret) is handed to the browser in its environment.  LOW
#
# docs/signing.md: the client secret comes from --oidc-client-secret-file or
# SIGSTORE_OIDC_CLIENT_SECRET and is "never in a message, in argv or in a
# log"; it exists to be sent as HTTP Basic to the token endpoint only.
# Expected: xdg-open/open (and the browser it starts, with every extension,
# helper and child process that outlives the login) gets an environment
# without SIGSTORE_OIDC_CLIENT_SECRET (nor SIGSTORE_ID_TOKEN,
# ACTIONS_ID_TOKEN_REQUEST_TOKEN).
# Actual: the browser launcher inherits the whole environment, so the secret
# lives on in a long-running browser process (readable in its
# /proc/PID/environ, passed to every child it spawns, dumped in crash
# reports) that has nothing to do with the token exchange.
# Usage: browser_env.sh /path/to/aicr-evidence
set -u
# setup.sh: BIN, W ($T_WORK, removed at exit), finding_idp (the stand-in
# provider, stopped at exit), finding_ready
. "$(dirname "$0")/setup.sh"
finding_idp
finding_env_browser
finding_ready
env -u SIGSTORE_ID_TOKEN PATH="$W/bin:$PATH" DISPLAY=:99 SIGSTORE_OIDC_CLIENT_SECRET=s3cr3t-client-secret \
	ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-secret \
	timeout 30 "$BIN" sigstore sign-bundle --bundle out.json --oidc-provider browser \
	--oidc-issuer "http://127.0.0.1:$PORT" --oidc-client-id conf --oidc-timeout 3s a.txt >/dev/null 2>&1
for _ in $(seq 30); do [ -s browser.env ] && break; sleep 0.1; done
[ -s browser.env ] || { echo "SETUP: the browser was not started"; exit 2; }
if grep -q 's3cr3t-client-secret' browser.env; then
	echo "BUG: the browser's environment holds the client secret:"
	grep -E 's3cr3t|gha-request-secret' browser.env | sed 's/^/    /'
	exit 1
fi
echo "fixed: the browser gets no client secret"
exit 0
