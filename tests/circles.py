#!/usr/bin/env python3
"""tests/circles.py BUILD -- file-level circles among the objects of a build

A file uses another when its object has an undefined symbol the other
defines (nm -g). Prints each strongly connected set of two or more source
files, one per line, sorted ("ledger/check_pipe ledger/check_pool"), for
tests/lint.sh, run from the top of the tree. Test objects (BUILD/tests)
and objects whose source is gone are left out."""
import collections
import glob
import os
import subprocess
import sys

build = sys.argv[1] if len(sys.argv) > 1 else "build"
defs, uses = {}, {}
for o in sorted(glob.glob(os.path.join(build, "**", "*.o"), recursive=True)):
    rel = os.path.relpath(o, build)[:-2]
    if rel.startswith("tests/") or rel.startswith("fuzz"):
        continue
    if not (os.path.exists(rel + ".c") or os.path.exists(rel + ".cc")):
        continue  # a stale object: its source moved or went
    out = subprocess.run(["nm", "-g", o], capture_output=True, text=True,
                         check=True).stdout
    d, u = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "U":
            u.add(f[1])
        elif len(f) == 3 and f[1] in "TDBRCV":
            d.add(f[2])
    defs[rel], uses[rel] = d, u
owner = {s: f for f, d in defs.items() for s in d}
graph = collections.defaultdict(set)
for f, u in uses.items():
    for s in u:
        if s in owner and owner[s] != f:
            graph[f].add(owner[s])

# Tarjan's strongly connected components, iterative.
index, low, on, stack, out = {}, {}, set(), [], []
counter = 0
for root in sorted(defs):
    if root in index:
        continue
    work = [(root, iter(sorted(graph[root])))]
    index[root] = low[root] = counter
    counter += 1
    stack.append(root)
    on.add(root)
    while work:
        v, it = work[-1]
        w = next(it, None)
        if w is not None:
            if w not in index:
                index[w] = low[w] = counter
                counter += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(graph[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
            continue
        work.pop()
        if work:
            low[work[-1][0]] = min(low[work[-1][0]], low[v])
        if low[v] == index[v]:
            comp = []
            while True:
                x = stack.pop()
                on.discard(x)
                comp.append(x)
                if x == v:
                    break
            if len(comp) > 1:
                out.append(" ".join(sorted(comp)))
for c in sorted(out):
    print(c)
