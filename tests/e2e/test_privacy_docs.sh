#!/usr/bin/env bash
# tests/e2e/test_privacy_docs.sh -- the docs do not claim the ledger holds
# no e-mail addresses (every signed pointer carries signer.identity, issue
# 20 item 13), and say what is public where.
. "$(dirname "$0")/lib.sh"
t_begin
D=$(cd "$(dirname "$0")/../../docs" && pwd)

# the contradicting sentences, joined across line breaks
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }
for f in formats.md maintainer-guide.md contributor-guide.md signing.md; do
	[ -f "$D/$f" ] || continue
	if flat "$D/$f" | grep -qiE 'ledger must hold one-way slugs, never personal e-mail|no cleartext e-mails in git|no e-mail is committed'; then
		bad "docs/$f: no claim that the ledger holds no e-mail" "the contradicting sentence is still there"
	else
		ok "docs/$f: no claim that the ledger holds no e-mail"
	fi
done
flat "$D/formats.md" | grep -q 'What is public where' && ok "formats.md says what is public where" || bad "formats.md says what is public where"
for w in 'Rekor' 'signer.identity' 'allowlist'; do
	sed -n '/What is public where/,/only the allowlist keeps/p' "$D/formats.md" | grep -q "$w" &&
		ok "what is public where names $w" || bad "what is public where names $w"
done
t_end
