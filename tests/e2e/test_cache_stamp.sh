#!/usr/bin/env bash
# tests/e2e/test_cache_stamp.sh -- the stamp a verified layer download
# carries (docs/oci.md "The cache's trust model"): a cached layer is used
# without hashing it again only when the file is ours -- owned by us,
# writable by nobody else, on a local file system -- and carries our stamp
# for this layer and content digest. A co-tenant who writes the cache
# directory puts other bytes at the name with a forged stamp: as their own
# file, as a group-writable one, or by renaming one of our own stamped
# files (another layer's) over it. Each time the pull must
# hash, see the mismatch, and give the bundle asked for (online: refetched)
# or fail (offline) -- never the other bundle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry.sh"
. "$(dirname "$0")/pushed_pair.sh"
t_begin
EX=$(cd "$(dirname "$0")/../../recipes/examples" && pwd)
W=$T_WORK
export SOURCE_DATE_EPOCH=1763650000
need_tools docker-registry python3 jq
xattr() { # FILE [VALUE]: prints the stamp, or sets it
	python3 - "$@" <<'EOF'
import os, sys
n = "user.aicr-evidence.verified"
if len(sys.argv) > 2:
    os.setxattr(sys.argv[1], n, sys.argv[2].encode())
else:
    try:
        print(os.getxattr(sys.argv[1], n).decode())
    except OSError:
        print("-")
EOF
}

pushed_pair "$EX" || t_end
LA=$(jq -r '.layers[0].digest' "$C/blobs/sha256/${DA#sha256:}")
TA=$(jq -r '.layers[0].annotations["io.deis.oras.content.digest"]' "$C/blobs/sha256/${DA#sha256:}")
LB=$(jq -r '.layers[0].digest' "$C/blobs/sha256/${DB#sha256:}")
FA=$C/blobs/sha256/${LA#sha256:}
FB=$C/blobs/sha256/${LB#sha256:}
[ "$LA" != "$LB" ] && ok "A and B have different layers" || bad "layers differ" "$LA"
if [ "$(xattr "$FA")" = "-" ]; then
	echo "SKIPPED -- the file system under $W keeps no user extended attributes: the stamp cases did NOT run"
	t_end
fi
[ "$(xattr "$FA")" = "$LA $TA" ] && ok "a verified download is stamped with its layer and content digests" ||
	bad "stamp" "$(xattr "$FA")"
run pull "$R/ev/a@$DA" --to "$W/pa2" --cache "$C" --offline
expect_rc 0 "a stamped layer of ours is pulled from the cache"
diff -r "$W/pa" "$W/pa2" >/dev/null && ok "  the same tree" || bad "  the same tree"

# forge FILE: A's layer with one byte changed -- the same size, so only
# the owner, the mode or the stamp can tell -- and A's stamp
forge() {
	rm -f "$1" && cp "$FA" "$1" && python3 - "$1" <<'EOF'
import os, sys
f = sys.argv[1]
n = os.path.getsize(f)
with open(f, "r+b") as h:
    h.seek(n // 2)
    b = h.read(1)
    h.seek(n // 2)
    h.write(bytes([b[0] ^ 0x55]))
EOF
	xattr "$1" "$LA $TA"
}

# case LABEL SETUP: a copy of the cache where SETUP put other bytes at A's
# layer name with A's stamp (a co-tenant's file, a group-writable one, our
# own stamped layer of B renamed there); the pull of A must give A
# (online: refetched) or fail (offline)
case_swap() {
	local label=$1 c=$W/c-$2 f
	rm -rf "$c" && cp -a "$C" "$c"
	f=$c/blobs/sha256/${LA#sha256:}
	case $2 in
	theirs)
		forge "$f" && chown nobody "$f" && chmod 0644 "$f" ;;
	groupw)
		forge "$f" && chmod 0664 "$f" ;;
	renamed)
		mv "$c/blobs/sha256/${LB#sha256:}" "$f" ;; # ours, stamped for B
	esac
	rm -rf "$W/o-$2" "$W/f-$2"
	run pull "$R/ev/a@$DA" --to "$W/o-$2" --cache "$c" --registry-plain-http
	expect_rc 0 "$label: online, the pull of A succeeds (refetched)"
	diff -r "$W/pa" "$W/o-$2" >/dev/null && ok "  and gives A's tree, not B's" || bad "  A's tree" "$(diff -r "$W/pa" "$W/o-$2" | head -3)"
	rm -rf "$c" && cp -a "$C" "$c"
	case $2 in
	theirs)
		forge "$f" && chown nobody "$f" && chmod 0644 "$f" ;;
	groupw)
		forge "$f" && chmod 0664 "$f" ;;
	renamed)
		mv "$c/blobs/sha256/${LB#sha256:}" "$f" ;;
	esac
	run pull "$R/ev/a@$DA" --to "$W/f-$2" --cache "$c" --offline
	[ "$T_RC" != 0 ] && ok "$label: offline, the pull of A fails (exit $T_RC)" || bad "$label: offline must fail" "exit 0"
	[ ! -e "$W/f-$2" ] && ok "  and leaves nothing at --to" || bad "  nothing at --to" "$(ls "$W/f-$2" | head -3)"
}
case_swap "A's layer changed, with A's stamp, owned by a co-tenant" theirs
case_swap "A's layer changed, with A's stamp, group-writable" groupw
case_swap "our own stamped layer of B renamed over A's" renamed

# a stamp for another content digest (a manifest whose annotation differs)
# is not this one: hashed, and judged by the annotation
c=$W/c-td && rm -rf "$c" && cp -a "$C" "$c"
xattr "$c/blobs/sha256/${LA#sha256:}" "$LA sha256:$(printf '0%.0s' $(seq 64))"
run pull "$R/ev/a@$DA" --to "$W/o-td" --cache "$c" --offline
expect_rc 0 "a stamp naming another content digest: hashed, and A verifies"
diff -r "$W/pa" "$W/o-td" >/dev/null && ok "  A's tree" || bad "  A's tree"
t_end
