#!/usr/bin/env bash
# tests/interop/test_tuf_realdata.sh -- `trust update` on the real Sigstore
# public-good TUF repository as of 2026-08-21 ($SHARED/data/sigstore-tuf,
# README there), side by side with tuf-js (npm tuf-js, the client inside
# sigstore-js) under faketime on the same repository in the same run.
#
# From 1.root.json and from 5.root.json, at 2026-08-25T00:00:00Z, both
# clients must walk to root 15, timestamp 762, snapshot 165, targets 14 and
# fetch trusted_root.json with sha256 6494e21e...; at the real time both
# must refuse (root 15 expired on 2026-11-20), ours with exit 2, the
# previous cache untouched.
. "$(dirname "$0")/../e2e/lib.sh"
t_begin

repo=${SHARED:-}/data/sigstore-tuf/repository
if [ ! -d "$repo" ]; then
	echo "test_tuf_realdata: SKIPPED -- ${SHARED:-../shared}/data/sigstore-tuf is absent, the real-repository TUF walk did NOT run"
	echo "test_tuf_realdata: 0 passed, 0 failed"
	exit 0
fi
here=$(cd "$(dirname "$0")/.." && pwd)
want=sha256:6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66
at=2026-08-25T00:00:00Z

port=$(free_port)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$repo" \
	>"$T_WORK/http.log" 2>&1 &
srv=$!
t_cleanup "kill $srv"
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$port/timestamp.json" >/dev/null && break
	sleep 0.1
done
url=http://127.0.0.1:$port

# state of a cache: every file and its hash, for "untouched"
snap() { (cd "$1" && find . -type f ! -name .lock -print0 | sort -z | xargs -0 sha256sum); }

for start in 1 5; do
	c=$T_WORK/c$start
	run trust update --tuf-url "$url" --tuf-root "$repo/$start.root.json" \
		--cache "$c" --at "$at" --format json
	expect_rc 0 "from $start.root.json at $at: updated"
	for kv in '"root":{"version":15' '"timestamp":{"version":762' \
		'"snapshot":{"version":165' '"targets":{"version":14'; do
		if tr -d ' \n' <"$T_OUT" | grep -qF "$kv"; then
			ok "from $start.root.json: $kv"
		else
			bad "from $start.root.json: $kv" "$(head -c 300 "$T_OUT")"
		fi
	done
	expect_out "\"trusted_root.json\": \"$want\"" \
		"from $start.root.json: trusted_root.json is $want"
	f=$(ls "$c"/tuf/*/g-*/targets/*.trusted_root.json 2>/dev/null | head -1)
	if [ -n "$f" ] && [ "sha256:$(sha256sum "$f" | cut -d' ' -f1)" = "$want" ]; then
		ok "from $start.root.json: the cached trusted_root.json hashes to $want"
	else
		bad "from $start.root.json: the cached trusted_root.json hashes to $want" "$f"
	fi
	run trust show --cache "$c" --at "$at" --format json
	expect_out '"source": "tuf"' "from $start.root.json: trust show at $at: the TUF documents are in force"
	run trust show --cache "$c"
	expect_out '^in force: embedded' "from $start.root.json: trust show now: root 15 expired, the embedded root is in force"
	if [ ! -s "$T_ERR" ]; then ok "trust show prints nothing on stderr"; else bad "trust show prints nothing on stderr"; fi

	# the real time: root 15 expired on 2026-11-20
	before=$(snap "$c")
	run trust update --tuf-url "$url" --cache "$c"
	expect_rc 2 "from the cached root 15 now: refused (exit 2)"
	expect_err 'root v15: expired at 2026-11-20T13:58:18Z.*freeze' \
		"the refusal names the role and the rule"
	if [ "$(snap "$c")" = "$before" ]; then
		ok "the refused update left the cache untouched"
	else
		bad "the refused update left the cache untouched"
	fi
	c2=$T_WORK/n$start
	run trust update --tuf-url "$url" --tuf-root "$repo/$start.root.json" --cache "$c2"
	expect_rc 2 "from $start.root.json now: refused (exit 2)"
	if [ -z "$(ls -A "$c2/tuf"/*/ 2>/dev/null | grep -v '^\.lock$')" ]; then
		ok "from $start.root.json now: nothing was kept"
	else
		bad "from $start.root.json now: nothing was kept" "$(ls -R "$c2")"
	fi
done

# the peer: tuf-js under faketime, same repository, same run
js=$here/tuf/tufjs-update.mjs
if [ ! -d "$here/tuf/node_modules/tuf-js" ] || ! command -v node >/dev/null ||
	! command -v faketime >/dev/null; then
	echo "test_tuf_realdata: SKIPPED -- tuf-js (make deps) or faketime is missing, the tuf-js comparison did NOT run"
	t_end
fi
for start in 1 5; do
	j=$(faketime '2026-08-25 00:00:00' node "$js" "$url" "$repo/$start.root.json" \
		"$T_WORK/js$start" trusted_root.json signing_config.v0.2.json 2>&1)
	ours=$(ae trust show --cache "$T_WORK/c$start" --at "$at" --format json 2>/dev/null |
		tr -d ' \n')
	exp="{\"ok\":true,\"root\":15,\"timestamp\":762,\"snapshot\":165,\"targets\":14,\"files\":{\"trusted_root.json\":\"$want\""
	if [[ "$j" == "$exp"* ]]; then
		ok "tuf-js from $start.root.json at $at: root 15, timestamp 762, snapshot 165, targets 14, $want"
	else
		bad "tuf-js from $start.root.json at $at" "$j"
	fi
	# same signing config digest from both clients
	sc=$(sed -n 's/.*"signing_config.v0.2.json":"\(sha256:[0-9a-f]*\)".*/\1/p' <<<"$j")
	run trust update --tuf-url "$url" --cache "$T_WORK/c$start" --at "$at" --format json
	if [ -n "$sc" ] && grep -qF "\"signing_config.v0.2.json\": \"$sc\"" "$T_OUT"; then
		ok "tuf-js and ours agree on signing_config.v0.2.json ($sc)"
	else
		bad "tuf-js and ours agree on signing_config.v0.2.json" "$sc / $(head -c 300 "$T_OUT")"
	fi
	expect_out '"status": "current"' "a second update at $at from the cache is already current"
	[ -n "$ours" ] || bad "trust show json"
done
j=$(node "$js" "$url" "$repo/1.root.json" "$T_WORK/jsnow" trusted_root.json 2>&1)
if [[ "$j" == *'Final root.json is expired'* ]]; then
	ok "tuf-js at the real time refuses: Final root.json is expired"
else
	bad "tuf-js at the real time refuses" "$j"
fi
t_end
