# tests/e2e/login_findings/setup.sh -- what every finding here sets up
# first (sourced after `set -u`, the tool's path in $1): BIN, the tool;
# lib.sh ($T_WORK as W, removed at exit); and the helpers
#   finding_idp           the stand-in provider (stopped at exit) on PORT,
#                         and W/bin for the "browser"
#   finding_env_browser   W/bin/xdg-open: writes the environment it was
#                         started with to W/browser.env
#   finding_ready         W/a.txt to sign, and the shell in W
BIN=$(realpath "$1")
AE_BIN=$BIN . "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
W=$T_WORK

finding_idp() {
	login_idp_start
	PORT=$IDP_PORT
	mkdir -p "$W/bin"
}

finding_env_browser() {
	printf '#!/bin/sh\nenv > "%s/browser.env"\n' "$W" >"$W/bin/xdg-open"
	chmod +x "$W/bin/xdg-open"
}

finding_ready() {
	echo hi >"$W/a.txt"
	cd "$W" || exit 2
}
