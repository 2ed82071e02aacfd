#!/usr/bin/env bash
# tests/fuzz/gen_rekor_seeds.sh -- regenerates tests/fuzz/corpus/rekor_answer/
# from the local Sigstore stack: answers for the fixed request of
# rekor_answer_fuzz.c (signature "fuzz-signature", digest 32 x 0x11,
# payload {"_type":"x"}), several per case so proofs carry hashes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus/rekor_answer
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
node "$here/../sigstore-stack/stack.mjs" --out-dir "$work" >"$work/out" &
pid=$!
for _ in $(seq 50); do grep -q READY "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^READY //p' "$work/out")
mkdir -p "$out"
sig=$(printf 'fuzz-signature' | base64 -w0)
hex=$(printf '11%.0s' $(seq 32))
dig=$(printf "$hex" | xxd -r -p | base64 -w0)
payload=$(printf '{"_type":"x"}' | base64 -w0)
for i in 1 2 3; do
	pem=$(printf 'pem %s' "$i" | base64 -w0)
	env="{\"payload\":\"$payload\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"$sig\"}]}"
	envs=$(printf '%s' "$env" | sed 's/"/\\"/g')
	{ printf '\0'; curl -s -X POST "$url/api/v1/log/entries" -d \
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"$hex\"}},\"signature\":{\"content\":\"$sig\",\"publicKey\":{\"content\":\"$pem\"}}}}"; } >"$out/v1-hashedrekord-$i"
	{ printf '\2'; curl -s -X POST "$url/api/v1/log/entries" -d \
		"{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"proposedContent\":{\"envelope\":\"$envs\",\"verifiers\":[\"$pem\"]}}}"; } >"$out/v1-dsse-$i"
	ver="{\"x509Certificate\":{\"rawBytes\":\"$pem\"},\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\"}"
	{ printf '\1'; curl -s -X POST "$url/api/v2/log/entries" -d \
		"{\"hashedRekordRequestV002\":{\"digest\":\"$dig\",\"signature\":{\"content\":\"$sig\",\"verifier\":$ver}}}"; } >"$out/v2-hashedrekord-$i"
	{ printf '\3'; curl -s -X POST "$url/api/v2/log/entries" -d \
		"{\"dsseRequestV002\":{\"envelope\":$env,\"verifiers\":[$ver]}}"; } >"$out/v2-dsse-$i"
done
ls "$out" | wc -l
