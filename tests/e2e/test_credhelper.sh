#!/usr/bin/env bash
# tests/e2e/test_credhelper.sh -- docker credential helpers (issue 20 item 8)
#
# A loopback docker-registry with htpasswd auth; the docker config names a
# helper of our own, docker-credential-aetest, on PATH. credsStore and
# credHelpers.<host> are run as docker, cosign, oras and skopeo run them:
# `docker-credential-aetest get`, the host on stdin. The helper's answer is
# untrusted: garbage, duplicate keys, control bytes, a huge answer, a failing
# helper, a helper name with a '/' are refused with a message that never
# quotes the answer; "credentials not found" is anonymous access.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
t_begin
W=$T_WORK
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
	echo "credhelper: SKIPPED -- no docker-registry or htpasswd (make deps)"
	t_end
fi
reg_up "$W/reg" --auth

mkdir -p "$W/bin" "$W/dc"
cat >"$W/bin/docker-credential-aetest" <<EOF2
#!/bin/sh
# logs its argv and stdin, answers as $W/mode says
host=\$(cat)
printf '%s|%s\n' "\$*" "\$host" >>"$W/helper.log"
case \$(cat "$W/mode") in
good) printf '{"ServerURL":"%s","Username":"$REG_USER","Secret":"$REG_PASS"}\n' "\$host" ;;
notfound) echo "credentials not found in native keychain"; exit 1 ;;
fail) echo "SECRETLEAK $REG_PASS"; exit 3 ;;
garbage) echo "SECRETLEAK not json $REG_PASS" ;;
dupkey) echo '{"Username":"$REG_USER","Username":"x","Secret":"SECRETLEAK"}' ;;
control) printf '{"Username":"$REG_USER","Secret":"SECRET\\\\nLEAK"}\n' ;;
colon) echo '{"Username":"a:b","Secret":"SECRETLEAK"}' ;;
token) echo '{"Username":"<token>","Secret":"SECRETLEAK"}' ;;
huge) head -c 2000000 /dev/zero | tr '\0' 'A' ;;
esac
EOF2
chmod +x "$W/bin/docker-credential-aetest"
export PATH="$W/bin:$PATH"
mode() { echo "$1" >"$W/mode"; : >"$W/helper.log"; }
config() { printf '%s\n' "$1" >"$W/dc/config.json"; }

mkdir -p "$W/b/summary-bundle"
cp "$EX/recipe.yaml" "$W/b/summary-bundle/recipe.yaml"
echo '{}' >"$W/b/summary-bundle/bom.cdx.json"

# credsStore: every registry through the helper
config '{"credsStore":"aetest"}'
mode good
DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/a:v1" --registry-plain-http --format json
expect_rc 0 "push with credsStore: the helper's credentials are used"
D=$(jq -r .digest "$T_OUT" 2>/dev/null)
[ "$(head -1 "$W/helper.log")" = "get|$REG_HOST" ] && ok "the helper ran as 'get' with the host on stdin" ||
	bad "the helper ran as 'get' with the host on stdin" "$(head -1 "$W/helper.log")"
DOCKER_CONFIG=$W/dc run pull "$REG_HOST/ev/a@$D" --to "$W/p1" --cache "$W/c1" --registry-plain-http
expect_rc 0 "pull with credsStore"

# credHelpers.<host> wins over credsStore (a store that does not exist)
config "{\"credsStore\":\"nosuchstore\",\"credHelpers\":{\"$REG_HOST\":\"aetest\"}}"
DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/b:v1" --registry-plain-http
expect_rc 0 "push with credHelpers.<host>"
# --docker-config names the file directly; HOME's .docker is the default
mkdir -p "$W/home/.docker"
cp "$W/dc/config.json" "$W/home/.docker/config.json"
HOME=$W/home DOCKER_CONFIG= run push "$W/b" --to "$REG_HOST/ev/c:v1" --registry-plain-http
expect_rc 0 "push with ~/.docker/config.json naming a helper"
run push "$W/b" --to "$REG_HOST/ev/d:v1" --registry-plain-http --docker-config "$W/dc/config.json"
expect_rc 0 "push with --docker-config naming a helper"

# not found: anonymous, refused by the registry (not a helper error)
config '{"credsStore":"aetest"}'
mode notfound
DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/e:v1" --registry-plain-http
expect_rc 2 "credentials not found: anonymous, refused by the registry"
grep -q 'docker-credential' "$T_ERR" && bad "not found is no helper error" "$(head -1 "$T_ERR")" ||
	ok "not found is no helper error"

# bad answers: exit 2, the helper named, its output never echoed
for m in fail garbage dupkey control colon token huge; do
	mode $m
	DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/f:v1" --registry-plain-http
	expect_rc 2 "helper answer '$m' is refused"
	grep -q 'docker-credential-aetest' "$T_ERR" && ok "helper answer '$m': the message names the helper" ||
		bad "helper answer '$m': the message names the helper" "$(head -1 "$T_ERR")"
	if grep -q "SECRETLEAK\|$REG_PASS" "$T_ERR" "$T_OUT"; then
		bad "helper answer '$m': nothing of the answer is echoed"
	else
		ok "helper answer '$m': nothing of the answer is echoed"
	fi
done
# a helper that does not exist, a name that is a path
config '{"credsStore":"nosuchstore"}'
DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/g:v1" --registry-plain-http
expect_rc 2 "a helper not on PATH is an error"
expect_err 'docker-credential-nosuchstore' "the message names the missing helper"
printf '#!/bin/sh\ntouch %s/ran\n' "$W" >"$W/evil"
chmod +x "$W/evil"
config "{\"credsStore\":\"../../../../$W/evil\"}"
DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/h:v1" --registry-plain-http
expect_rc 2 "a helper name with '/' is refused"
[ ! -e "$W/ran" ] && ok "a helper name with '/' runs nothing" || bad "a helper name with '/' runs nothing"
# the host never reaches argv
mode good
config '{"credsStore":"aetest"}'
DOCKER_CONFIG=$W/dc run push "$W/b" --to "$REG_HOST/ev/i:v1" --registry-plain-http
cut -d'|' -f1 "$W/helper.log" | grep -qv '^get$' && bad "the helper's argv is only 'get'" "$(cat "$W/helper.log")" ||
	ok "the helper's argv is only 'get'"
t_end
