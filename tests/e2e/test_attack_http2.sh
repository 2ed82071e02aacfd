#!/usr/bin/env bash
# tests/e2e/test_attack_http2.sh -- a third outside review's attacks on the
# one HTTP engine that the tool held: a hostile Fulcio, Rekor or TSA
# (atk_sigsvc.py) answering endless, huge or deeply nested bodies, errors
# with endless bodies, Retry-After far away, redirects to another host; a
# hostile registry (atk_errreg.py) answering statuses with huge bodies and
# every spelling of Retry-After; a 200 body that never ends. Every check is
# named after its attack and bounded in time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_stack.sh"
. "$(dirname "$0")/ledger_signed.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
W=$T_WORK
stack_start "$W/stack" || t_end
TR=$STACK_DIR/trusted_root.json
SV=""
t_cleanup 'kill $SV'
serve() { # SCRIPT MODE: a hostile server on $P, pid $SV, log $W/srv.log
	P=$(free_port)
	: >"$W/srv.log"
	python3 "$HERE/$1" "$P" "$2" "$W/srv.log" >/dev/null 2>&1 &
	SV=$!
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$P") 2>/dev/null && break; sleep 0.1; done
}
unserve() { kill "$SV" 2>/dev/null; wait "$SV" 2>/dev/null; SV=""; }

signed_ctrf "$SE_EX/ctrf" "$W/c" 41 || t_end
SOURCE_DATE_EPOCH=1764000050 run emit --recipe "$SE_EX/recipe.yaml" \
	--snapshot "$SE_EX/snapshot.yaml" --ctrf "$W/c" -o "$W/b0"
expect_rc 0 "setup: an unsigned bundle"
tok=$(stack_token a@example.test)
for svc in fulcio rekor tsa; do
	for m in endless huge deep 503-endless 429-ra99999 302-redirect 200-plain; do
		serve atk_sigsvc.py "$m"
		H=http://127.0.0.1:$P
		case $svc in
		fulcio) fl=(--fulcio-url "$H" --rekor-url "$STACK_URL" --tsa-url "$STACK_URL/api/v1/timestamp") ;;
		rekor) fl=(--fulcio-url "$STACK_URL" --rekor-url "$H" --tsa-url "$STACK_URL/api/v1/timestamp") ;;
		tsa) fl=(--fulcio-url "$STACK_URL" --rekor-url "$STACK_URL" --tsa-url "$H/api/v1/timestamp") ;;
		esac
		rm -rf "$W/b"
		cp -r "$W/b0" "$W/b"
		s=$(date +%s)
		run sign "$W/b" --ref 127.0.0.1:5000/x --identity-token "$tok" "${fl[@]}" \
			--trusted-root "$TR" --yes --timeout 30
		e=$(($(date +%s) - s))
		# a 503 is transient whatever its body (exit 3, as the registry's
		# 500 with a huge body below): its endless body is cut, never read
		# as "too big" (test_http_error_bodies)
		want=2
		case $m in 429-ra99999 | 503-endless) want=3 ;; esac
		if [ "$T_RC" -eq "$want" ] && [ "$e" -le 15 ]; then
			ok "hostile $svc answering '$m': refused (exit $T_RC) in ${e}s"
		else
			bad "hostile $svc answering '$m'" "exit $T_RC after ${e}s, want $want within 15 s"
		fi
		if [ "$m" = 302-redirect ]; then
			! grep -q "^127.0.0.2 " "$W/srv.log" && ok "  $svc's redirect to 127.0.0.2 was not followed" ||
				bad "  $svc's redirect to 127.0.0.2 was followed"
		fi
		unserve
	done
done
H64=$(printf 'a%.0s' $(seq 64))
for m in 500-huge 429-ra-1 429-ra0 429-ra99999999999999999999999 \
	429-raWed,_21_Oct_1970_07:28:00_GMT 429-raFri,_31_Dec_9999_23:59:59_GMT 503-ra1.5 429-ra%s 200-endless; do
	serve atk_errreg.py "$m"
	s=$(date +%s)
	run verify "127.0.0.1:$P/r@sha256:$H64" --registry-plain-http --timeout 60
	e=$(($(date +%s) - s))
	n=$(grep -c manifests "$W/srv.log")
	want=3
	[ "$m" = 200-endless ] && want=2
	if [ "$T_RC" -eq "$want" ] && [ "$e" -le 20 ] && [ "$n" -le 5 ]; then
		ok "registry answering '$m': exit $T_RC in ${e}s, $n requests"
	else
		bad "registry answering '$m'" "exit $T_RC after ${e}s and $n requests, want $want within 20 s"
	fi
	unserve
done
t_end
