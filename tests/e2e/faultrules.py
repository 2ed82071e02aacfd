"""tests/e2e/faultrules.py -- the rule table of the servers that misbehave
on purpose (faultproxy.py, hostile.py): one copy of how a request picks its
rule. A rule is a dict: "method" (any when absent), "path" (a substring of
the request's path), "skip": N (let N matching requests pass first),
"times": N (then stop; default 1); each server reads its own "action".
"""


def pick(rules, method, path):
    """The first rule of `rules` this request matches and fires, or None;
    counts it in the rule ("_seen", "_fired"). Call with the server's lock
    held."""
    for r in rules:
        if r.get("method") not in (None, method):
            continue
        if r.get("path", "") not in path:
            continue
        if r.setdefault("_seen", 0) < r.get("skip", 0):
            r["_seen"] += 1
            return None
        if r.setdefault("_fired", 0) >= r.get("times", 1):
            continue
        r["_fired"] += 1
        return r
    return None
