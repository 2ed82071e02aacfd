#!/usr/bin/env bash
# tests/e2e/test_tar_oracle.sh -- whatever layer we extract, Go's
# archive/tar (what ORAS and the reference verifier read layers with) and
# GNU tar read too, as the same files with the same bytes (issue 23 item 8).
#
# The layers are the hand-made cases of tests/e2e/tarcraft.py and a few
# hundred random header mutations of a valid layer (checksums fixed, so the
# header is read, not refused at once); each is served by
# tests/e2e/lyingregistry.py and pulled. For every layer we accept, Go
# (tests/e2e/tarlist.go, built here; SKIPPED without go) must accept it and
# list the same regular files, and `tar -x` must succeed and write the same
# files. A layer we refuse needs nobody's agreement: refusing is always
# allowed. The "ok" cases must be accepted by all three, so the oracle is
# known to work.
. "$(dirname "$0")/lib.sh"
t_begin
HERE=$(cd "$(dirname "$0")" && pwd)
W=$T_WORK
MUTATIONS=${ORACLE_MUTATIONS:-200} # ORACLE_SEED picks another set
for t in go python3 tar; do
	command -v "$t" >/dev/null || { echo "SKIPPED -- $t missing (golang-go, make deps)"; t_end; }
done
if ! (cd "$W" && GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="$W/gocache" \
	go build -o "$W/tarlist" "$HERE/tarlist.go") 2>"$W/go.err"; then
	echo "SKIPPED -- tests/e2e/tarlist.go does not build: $(head -1 "$W/go.err")"
	t_end
fi

LP=$(free_port)
mkdir -p "$W/lie" "$W/cases"
setsid python3 "$HERE/lyingregistry.py" serve --port "$LP" --dir "$W/lie" >"$W/lie.log" 2>&1 &
echo $! >"$W/lie.pid"
t_cleanup "kill \$(cat $W/lie.pid)"
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$LP/v2/" && break; sleep 0.1; done

# ours DIR, Go's listing, GNU tar's DIR: prints why they differ, or nothing.
# Regular files as "sha256 path" (Go: "./" dropped as an extractor does);
# Go entries that are neither files nor directories ('g' headers aside)
# count as a difference.
cat >"$W/compare.py" <<'EOF'
import hashlib, os, sys
def tree(root):
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p):
                out.add("%s %s" % (hashlib.sha256(open(p, "rb").read()).hexdigest(),
                                   os.path.relpath(p, root)))
            else:
                out.add("NOT-A-FILE " + os.path.relpath(p, root))
    return out
def golist(path):
    out = set()
    for line in open(path):
        typ, size, sha, name = line.rstrip("\n").split(" ", 3)
        while name.startswith("./"):
            name = name[2:]
        if typ in ("48", "0"):
            out.add("%s %s" % (sha, name))
        elif typ not in ("53", "103"):
            out.add("TYPE-%s %s" % (typ, name))
    return out
ours, go, gnu = tree(sys.argv[1]), golist(sys.argv[2]), tree(sys.argv[3])
if ours != go:
    print("Go reads other files: ours-only %s, Go-only %s" % (sorted(ours - go)[:2], sorted(go - ours)[:2]))
elif ours != gnu:
    print("GNU tar writes other files: ours-only %s, tar-only %s" % (sorted(ours - gnu)[:2], sorted(gnu - ours)[:2]))
EOF

accepted=0 refused=0 disagree=0
# Pulls layer FILE (manifest DIGEST); when we accept it, Go and GNU tar must
# read the same files. 1 when we refuse it.
judge() { # FILE DIGEST LABEL
	local f=$1 d=$2 label=$3 why
	rm -rf "$W/ours" "$W/cache" "$W/gnu"
	if ! ae pull "127.0.0.1:$LP/ev/x@$d" --to "$W/ours" --cache "$W/cache" \
		--registry-plain-http >/dev/null 2>"$W/ours.err"; then
		refused=$((refused + 1))
		return 1
	fi
	accepted=$((accepted + 1))
	mkdir "$W/gnu"
	if ! "$W/tarlist" <"$f" >"$W/go.raw" 2>"$W/go.err"; then
		why="we extract it, Go refuses it: $(head -1 "$W/go.err")"
	elif ! tar -xzf "$f" -C "$W/gnu" 2>"$W/gnu.err"; then
		why="we extract it, GNU tar fails: $(head -1 "$W/gnu.err")"
	else
		why=$(python3 "$W/compare.py" "$W/ours" "$W/go.raw" "$W/gnu")
	fi
	if [ -n "$why" ]; then
		disagree=$((disagree + 1))
		bad "$label" "$why"
	fi
	return 0
}

python3 "$HERE/tarcraft.py" list >"$W/list"
while read -r name verdict; do
	python3 "$HERE/tarcraft.py" make "$name" "$W/cases/$name.tgz"
done <"$W/list"
python3 "$HERE/tarcraft.py" mutate "${ORACLE_SEED:-23}" "$MUTATIONS" "$W/cases"
python3 "$HERE/lyingregistry.py" put-many "$W/lie" "$W"/cases/* >"$W/digests"
digest_of() { awk -v f="$1" '$1 == f {print $2}' "$W/digests"; }

while read -r name verdict; do
	f=$W/cases/$name.tgz
	if judge "$f" "$(digest_of "$f")" "$name"; then got=ok; else got=refuse; fi
	[ "$got" = "$verdict" ] && ok "$name: $verdict" || bad "$name: want $verdict" "$(head -1 "$W/ours.err")"
done <"$W/list"
for f in "$W"/cases/mut-*.tar.gz; do
	judge "$f" "$(digest_of "$f")" "$(basename "$f")" || true
done
[ $disagree -eq 0 ] &&
	ok "$MUTATIONS header mutations: $accepted layers accepted, each read alike by Go and GNU tar; $refused refused" ||
	bad "mutations read differently" "$disagree layers"
[ $accepted -gt 20 ] && ok "the mutations do exercise acceptance ($accepted)" ||
	bad "too few mutations accepted to compare" "$accepted"

t_end
