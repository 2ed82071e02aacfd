#!/usr/bin/env bash
# tests/e2e/test_minimize_hosts.sh -- the minimal policy publishes no host
# names, addresses, e-mails, URLs or paths, even in a field it keeps because
# its value fits a charset (review finding 01, LOW: a CTRF test's suite[]
# entries, results.tool.name and the snapshot's PRETTY_NAME carried a
# private IPv4 address and an EC2 private DNS name into the signed bundle).
# Each hostile value is planted in every kept string field of the CTRF and
# the snapshot at once (suite, tool name and version, generatedBy, the OS
# release text, os-image, the GPU model, the K8s versions, os-release ids,
# the snapshot's fingerprint); emit must succeed, the bundle must verify and
# hold the value nowhere, and the real values beside it stay.
. "$(dirname "$0")/lib.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000

cat >"$W/plant.py" <<'PY'
import json, sys, yaml
ex, out, v, where = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
text_only = where == "text"
for ph in ("conformance", "deployment", "performance"):
    r = json.load(open(f"{ex}/ctrf/{ph}.json"))
    if not text_only:
        for t in r["results"]["tests"]:
            t["suite"] = [ph, v, "x" + v, v + "-x"]
        r["results"]["tool"]["name"] = v
        r["results"]["tool"]["version"] = "v1.0.0-" + v
        r["generatedBy"] = v
    else:
        for t in r["results"]["tests"]:
            t["suite"] = [ph, v]
    json.dump(r, open(f"{out}/ctrf/{ph}.json", "w"))
s = yaml.safe_load(open(f"{ex}/snapshot.yaml"))
for m in s["measurements"]:
    for st in m.get("subtypes", []):
        d = st.get("data", {})
        for k in ("PRETTY_NAME", "NAME", "VERSION", "os-image", "model"):
            if k in d:
                d[k] = v if text_only else "Ubuntu 22.04.5 LTS " + v
        if not text_only:
            for k in ("kubelet-version", "kernel-version", "container-runtime-version", "version"):
                if k in d:
                    d[k] = "1.2.3-" + v
            for k in ("ID", "VERSION_CODENAME", "ID_LIKE", "VERSION_ID"):
                if k in d:
                    d[k] = v
fp = s.setdefault("fingerprint", {})
fp["gpuModel"] = {"value": v, "source": "GPU.hardware.model"}
if not text_only:
    fp["k8sVersion"] = {"value": "v1.33.1-" + v, "source": "K8s.server.version"}
    fp["os"] = {"value": v, "version": v, "source": "OS.release"}
yaml.safe_dump(s, open(f"{out}/snapshot.yaml", "w"))
PY

# plant VALUE WHERE: emit with VALUE planted (WHERE all: every kept string
# field; text: the product-name fields and suite only); the bundle must
# verify and hold VALUE nowhere.
plant() {
	local v=$1 where=$2
	rm -rf "$W/in" "$W/out"
	mkdir -p "$W/in/ctrf"
	python3 "$W/plant.py" "$EX" "$W/in" "$v" "$where"
	run emit --recipe "$EX/recipe.yaml" --snapshot "$W/in/snapshot.yaml" --ctrf "$W/in/ctrf" -o "$W/out"
	if [ "$T_RC" -ne 0 ]; then
		bad "emit with '$v' ($where)" "exit $T_RC"
		return
	fi
	if grep -rqF -- "$v" "$W/out/summary-bundle" "$W/out/pointer.yaml"; then
		bad "'$v' ($where) is published" "$(grep -rlF -- "$v" "$W/out" | sed "s|$W/out/||" | tr '\n' ' ')"
	else
		ok "'$v' ($where) is not published"
	fi
	run verify "$W/out"
	[ "$T_RC" -eq 0 ] || bad "the bundle with '$v' dropped verifies" "exit $T_RC"
}

# addresses, host names, cloud node names, e-mails, URLs, paths: in every field
for v in 10.0.77.34 192.168.201.17 172.16.5.9 100.64.7.250 \
	ip-10-0-77-35 ip-10-0-77-36.ec2.internal ip-10-0-77-37.us-west-2.compute.internal \
	10-0-77-38 10_0_77_39 ec2-54-77-12-3.compute-1.amazonaws.com \
	node7.acme.corp gpu-node-77.cluster.local redis.svc worker77.internal \
	nfs77.lan build77.localdomain router77.home.arpa \
	instance-77.us-central1-a.c.acme-prod.internal \
	gke-prod77-default-pool-1a2b3c4d-x7k2 aks-nodepool77-12345678-vmss000001 \
	myaks-dns-7a8b9c0d.hcp.eastus.azmk8s.io vm77.internal.cloudapp.net \
	node77.subnet1.vcn1.oraclevcn.com 2001-db8-77--1.ipv6-literal.net \
	fd00::77 2001:db8::77 fe80::1ff:fe23:4567:890a \
	alice77@acme.com https://acme77.example/x file:///etc/acme77 \
	home/alice77//kubeconfig acme77/../etc; do
	plant "$v" all
done
# the whole value of a product-name field (an OS release's names,
# os-image, the GPU model): a host or node name, which has no capital and
# no space, as a collector that misreads a node would write it
for v in acme-gpu-77 worker77 node-77-a; do
	plant "$v" text
done

# what the fields are for still passes
rm -rf "$W/out"
run emit --recipe "$EX/recipe.yaml" --snapshot "$EX/snapshot.yaml" --ctrf "$EX/ctrf" -o "$W/out"
expect_rc 0 "the examples emit"
jq -e '[.results.tests[].suite] | all(. == ["conformance"])' "$W/out/summary-bundle/ctrf/conformance.json" >/dev/null &&
	ok "suite: the phase stays" || bad "suite: the phase stays"
jq -e '.results.tool.name == "aicr-validators/conformance"' "$W/out/summary-bundle/ctrf/conformance.json" >/dev/null &&
	ok "tool name stays" || bad "tool name stays"
grep -q 'PRETTY_NAME: Ubuntu 22.04.5 LTS' "$W/out/summary-bundle/snapshot.yaml" &&
	ok "PRETTY_NAME stays" || bad "PRETTY_NAME stays"
grep -q 'model: NVIDIA H100 80GB HBM3' "$W/out/summary-bundle/snapshot.yaml" &&
	ok "the GPU model stays" || bad "the GPU model stays"

t_end
