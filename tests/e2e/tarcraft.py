#!/usr/bin/env python3
"""tests/e2e/tarcraft.py -- hand-made tar and gzip layers, good and hostile,
for the extraction tests (issue 23 items 3 and 8; stdlib only).

    tarcraft.py list                  names of the cases, with the verdict
                                      our extractor must give (ok/refuse)
    tarcraft.py make NAME OUT         writes case NAME as OUT (.tar.gz)
    tarcraft.py mutate SEED N OUTDIR  N random mutations of a valid layer
                                      (header bytes changed, checksums
                                      fixed), for the differential test
    tarcraft.py bomb FILES KIB OUT    FILES files of KIB KiB of zeros each
    tarcraft.py names N LEN OUT       N files with LEN-byte names (PAX)

Every archive is written as gzip (mtime 0) unless the case is about gzip
itself. "refuse" cases are the ones Go's archive/tar or GNU tar refuse or
read differently from a plain reading (hidden entries, a GNU header's atime
taken for a prefix, sparse maps, ...); "ok" ones must extract to the same
files all three readers see.
"""
import gzip
import hashlib
import io
import random
import struct
import sys
import zlib

BLOCK = 512
POSIX = b"ustar\x0000"
GNU = b"ustar  \x00"


def octal(v, w):
    return ("%0*o" % (w - 1, v)).encode() + b"\x00"


def hdr(name, size=0, typ=b"0", magic=POSIX, prefix=b"", mode=0o644,
        tail=None, link=b"", mtime=0, size_field=None):
    """One header block; `tail` replaces bytes 345..511 when given."""
    h = bytearray(BLOCK)
    h[0:len(name)] = name
    h[100:108] = octal(mode, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = size_field if size_field is not None else octal(size, 12)
    h[136:148] = octal(mtime, 12)
    h[156:157] = typ
    h[157:157 + len(link)] = link
    h[257:265] = magic
    if tail is not None:
        h[345:345 + len(tail)] = tail
    else:
        h[345:345 + len(prefix)] = prefix
    return fix(h)


def fix(h):
    h[148:156] = b" " * 8
    h[148:156] = ("%06o" % sum(h)).encode() + b"\x00 "
    return bytes(h)


def body(data):
    return data + b"\x00" * ((BLOCK - len(data) % BLOCK) % BLOCK)


def entry(name, data=b"", **kw):
    return hdr(name, size=len(data), **kw) + body(data)


def pax(records, name=b"PaxHeaders/x", typ=b"x"):
    rec = b""
    for k, v in records:
        line = b" " + k + b"=" + v + b"\n"
        n = len(line) + 1
        while len(str(n).encode()) + len(line) != n:
            n += 1
        rec += str(n).encode() + line
    return hdr(name, size=len(rec), typ=typ) + body(rec)


def pax_raw(rec, typ=b"x"):
    return hdr(b"PaxHeaders/x", size=len(rec), typ=typ) + body(rec)


END = b"\x00" * (2 * BLOCK)


def base():
    return (entry(b"recipe.yaml", b"kind: RecipeResult\n") +
            entry(b"manifest.json", b'{"schemaVersion":"1.0.0","files":[]}\n') +
            hdr(b"ctrf/", typ=b"5", mode=0o755) +
            entry(b"ctrf/deployment.json", b'{"results":{}}\n'))


def gz(tar):
    return gzip.compress(tar, mtime=0)


def gz_crc(tar, crc_xor=0, isize_add=0):
    g = bytearray(gz(tar))
    crc, isize = struct.unpack("<II", g[-8:])
    g[-8:] = struct.pack("<II", crc ^ crc_xor, (isize + isize_add) & 0xffffffff)
    return bytes(g)


def gnu_tail(atime, ctime):
    return atime.ljust(12, b"\x00")[:12] + ctime.ljust(12, b"\x00")[:12]


LONG = b"d" * 60 + b"/" + b"e" * 60 + b"/" + b"f" * 30

CASES = {
    # name: (verdict, bytes)
    "ok-plain": ("ok", lambda: gz(base() + END)),
    "ok-dot-prefix": ("ok", lambda: gz(entry(b"./recipe.yaml", b"a\n") +
                                       hdr(b"./", typ=b"5") + END)),
    "ok-pax-path": ("ok", lambda: gz(pax([(b"path", LONG + b"/x.json"),
                                          (b"mtime", b"1700000000.5"),
                                          (b"SCHILY.xattr.user.k", b"v\x00w")]) +
                                     entry(b"short", b"p\n") + END)),
    "ok-gnu-longname": ("ok", lambda: gz(
        hdr(b"././@LongLink", size=len(LONG) + 1, typ=b"L", magic=GNU) +
        body(LONG + b"\x00") + entry(b"short", b"l\n", magic=GNU) + END)),
    "ok-gnu-times": ("ok", lambda: gz(entry(b"f.txt", b"t\n", magic=GNU,
                                            tail=gnu_tail(b"14000000000", b"14000000000")) + END)),
    "ok-ustar-prefix": ("ok", lambda: gz(entry(b"x.json", b"u\n", prefix=b"a/b") + END)),
    "ok-record-padding": ("ok", lambda: gz(base() + END + b"\x00" * 8192)),
    "ok-lone-zero-block": ("ok", lambda: gz(base() + b"\x00" * BLOCK)),
    "ok-global-comment": ("ok", lambda: gz(pax([(b"comment", b"abc")], typ=b"g") +
                                           base() + END)),
    # gzip
    "gz-bad-crc": ("refuse", lambda: gz_crc(base() + END, crc_xor=1)),
    "gz-bad-isize": ("refuse", lambda: gz_crc(base() + END, isize_add=512)),
    "gz-trailing-garbage": ("refuse", lambda: gz(base() + END) + b"garbage"),
    "gz-second-member": ("refuse", lambda: gz(base() + END) + gz(entry(b"x", b"x") + END)),
    "gz-truncated": ("refuse", lambda: gz(base() + END)[:-4]),
    # tar structure
    "tar-hidden-after-zero-block": ("refuse", lambda: gz(
        base() + b"\x00" * BLOCK + entry(b"hidden.txt", b"h\n") + END)),
    "tar-garbage-after-end": ("refuse", lambda: gz(base() + END + b"junk" + b"\x00" * 508)),
    "tar-no-end-marker": ("refuse", lambda: gz(base())),
    "tar-v7-header": ("refuse", lambda: gz(entry(b"v7.txt", b"x", magic=b"\x00" * 8) + END)),
    "tar-ustar-bad-version": ("refuse", lambda: gz(entry(b"f", b"x", magic=b"ustar\x00xx") + END)),
    "tar-star-trailer": ("refuse", lambda: gz(entry(b"f", b"x", tail=b"a" * 130 + b"\x00" * 33 + b"tar\x00") + END)),
    "tar-prefix-junk": ("refuse", lambda: gz(entry(b"f", b"x", tail=b"ab\x00cd") + END)),
    "tar-name-junk": ("refuse", lambda: gz(entry(b"f\x00junk", b"x") + END)),
    "tar-gnu-atime-as-prefix": ("refuse", lambda: gz(
        entry(b"f.txt", b"x", magic=GNU, tail=gnu_tail(b"evil/dir", b"")) + END)),
    "tar-base256-size": ("refuse", lambda: gz(
        hdr(b"f", size_field=b"\x80" + b"\x00" * 10 + b"\x01") + body(b"x") + END)),
    "tar-bad-mode": ("refuse", lambda: gz(bad_mode() + END)),
    "tar-file-trailing-slash": ("refuse", lambda: gz(entry(b"f/", b"x") + END)),
    "tar-areg-trailing-slash": ("refuse", lambda: gz(entry(b"f/", b"", typ=b"\x00") + END)),
    "tar-dir-with-size": ("refuse", lambda: gz(hdr(b"d/", size=BLOCK, typ=b"5") +
                                               entry(b"inside.txt", b"x") + END)),
    "tar-dir-claims-4gib": ("refuse", lambda: dir_bomb()),
    "tar-symlink": ("refuse", lambda: gz(hdr(b"l", typ=b"2", link=b"/etc/passwd") + END)),
    "tar-hardlink": ("refuse", lambda: gz(base() + hdr(b"l", typ=b"1", link=b"recipe.yaml") + END)),
    "tar-sparse-gnu": ("refuse", lambda: gz(entry(b"s", b"x", typ=b"S", magic=GNU) + END)),
    "tar-duplicate": ("refuse", lambda: gz(entry(b"a", b"1") + entry(b"./a", b"2") + END)),
    # PAX
    "pax-gnu-sparse": ("refuse", lambda: gz(pax([(b"GNU.sparse.major", b"1"),
                                                 (b"GNU.sparse.minor", b"0"),
                                                 (b"GNU.sparse.name", b"real"),
                                                 (b"GNU.sparse.realsize", b"10")]) +
                                            entry(b"GNUSparseFile.0/real", b"1\n2\nxy") + END)),
    "pax-sparse-offset": ("refuse", lambda: gz(pax([(b"GNU.sparse.offset", b"0"),
                                                    (b"GNU.sparse.numbytes", b"1")]) +
                                               entry(b"s", b"x") + END)),
    "pax-twice": ("refuse", lambda: gz(pax([(b"path", b"first")]) + pax([(b"mtime", b"1")]) +
                                       entry(b"ustar-name", b"x") + END)),
    "pax-then-longname": ("refuse", lambda: gz(pax([(b"path", b"from-pax")]) +
                                               hdr(b"././@LongLink", size=9, typ=b"L", magic=GNU) +
                                               body(b"from-gnu\x00") + entry(b"n", b"x") + END)),
    "pax-dup-key": ("refuse", lambda: gz(pax([(b"path", b"a"), (b"path", b"b")]) +
                                         entry(b"n", b"x") + END)),
    "pax-empty-path": ("refuse", lambda: gz(pax([(b"path", b"")]) + entry(b"n", b"x") + END)),
    "pax-empty-size": ("refuse", lambda: gz(pax([(b"size", b"")]) + entry(b"n", b"xyz") + END)),
    "pax-bad-mtime": ("refuse", lambda: gz(pax([(b"mtime", b"soon")]) + entry(b"n", b"x") + END)),
    "pax-bad-uid": ("refuse", lambda: gz(pax([(b"uid", b"12a")]) + entry(b"n", b"x") + END)),
    "pax-short-record": ("refuse", lambda: gz(pax_raw(b"4 a\n") + entry(b"n", b"x") + END)),
    "pax-nul-in-key": ("refuse", lambda: gz(pax_raw(b"8 a\x00b=c\n") + entry(b"n", b"x") + END)),
    "pax-linkpath": ("refuse", lambda: gz(pax([(b"linkpath", b"x")]) + entry(b"n", b"x") + END)),
    "pax-global-path": ("refuse", lambda: gz(pax([(b"path", b"g")], typ=b"g") + base() + END)),
    "pax-without-entry": ("refuse", lambda: gz(base() + pax([(b"path", b"x")]) + END)),
}


def bad_mode():
    h = bytearray(hdr(b"f", size=1))
    h[100:108] = b"9999999\x00"
    return fix(h) + body(b"x")


def dir_bomb():
    """A directory entry that claims 4 GiB, followed by 4 GiB of zeros:
    4 MiB of gzip that a lax reader inflates in full to skip it."""
    out = io.BytesIO()
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out.write(z.compress(base() + hdr(b"big/", size=4 << 30, typ=b"5", mode=0o755)))
    chunk = b"\x00" * (1 << 20)
    for _ in range(4096):
        out.write(z.compress(chunk))
    out.write(z.compress(END))
    out.write(z.flush())
    return out.getvalue()


def bomb(files, kib):
    out = io.BytesIO()
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out.write(z.compress(base()))
    zeros = b"\x00" * (kib * 1024)
    for i in range(files):
        out.write(z.compress(hdr(b"bomb/%05d" % i, size=len(zeros)) + zeros))
    out.write(z.compress(END))
    out.write(z.flush())
    return out.getvalue()


def names(n, length):
    """n files whose PAX path names are `length` bytes long (16 levels at
    most, 250-byte directories), sharing all but their last bytes: the
    worst case for a pairwise comparison."""
    k = (length - 7) // 251
    stem = "/".join(["p" * 250] * k)
    stem = stem + "/" + "q" * (length - len(stem) - 1 - 6)
    out = io.BytesIO()
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    out.write(z.compress(base()))
    for i in range(n):
        out.write(z.compress(pax([(b"path", (stem + "%06d" % i).encode())]) +
                             entry(b"n", b"")))
    out.write(z.compress(END))
    out.write(z.flush())
    return out.getvalue()


def mutate(seed, count, outdir):
    """Random header mutations of a valid archive with the checksum made
    right again, so the header is read rather than refused at once."""
    rnd = random.Random(int(seed))
    good = bytearray(pax([(b"path", b"p/long.json"), (b"mtime", b"1.5")]) + base() +
                     entry(b"x.txt", b"abc", magic=GNU) + END)
    heads = [i for i in range(0, len(good), BLOCK)
             if good[i + 257:i + 262] == b"ustar"]
    for k in range(int(count)):
        t = bytearray(good)
        for _ in range(rnd.randint(1, 3)):
            h = rnd.choice(heads)
            off = rnd.choice([0, 99, 100, 124, 135, 156, 257, 262, 263, 345,
                              346, 400, 476, 500, 508] + list(range(512)))
            t[h + off] = rnd.choice(b"\x00 /.05x7\x80Lxg5\xffa")
            t[h:h + BLOCK] = fix(t[h:h + BLOCK])
        with open("%s/mut-%s-%04d.tar.gz" % (outdir, seed, k), "wb") as f:
            f.write(gz(bytes(t)))


def main():
    cmd = sys.argv[1]
    if cmd == "list":
        for name, (verdict, _) in CASES.items():
            print(name, verdict)
    elif cmd == "make":
        data = CASES[sys.argv[2]][1]()
        with open(sys.argv[3], "wb") as f:
            f.write(data)
    elif cmd == "mutate":
        mutate(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "bomb":
        with open(sys.argv[4], "wb") as f:
            f.write(bomb(int(sys.argv[2]), int(sys.argv[3])))
    elif cmd == "names":
        with open(sys.argv[4], "wb") as f:
            f.write(names(int(sys.argv[2]), int(sys.argv[3])))
    else:
        sys.exit("tarcraft: unknown command")


if __name__ == "__main__":
    main()
