#!/usr/bin/env python3
"""tests/e2e/canary.py -- where does each input value end up in a bundle?

Issue 24: a minimized bundle is published, so nothing may survive outside
the fields the policy documents as kept (docs/formats.md, "What a minimized
bundle keeps"). Two modes:

  canary.py make DIR
      writes DIR/recipe.yaml, DIR/snapshot.yaml, DIR/ctrf/<phase>.json and
      DIR/canaries.json: every field of every input (keys and values, the
      header, every test field, snapshot data, fingerprint, context, items)
      carries a unique canary "cnry<4 digits>".

  canary.py where DIR OUT
      finds every canary of DIR/canaries.json in OUT (summary-bundle files,
      pointer.yaml), prints one line per canary with the places it reached
      (file: path), and exits 1 if any place is not a kept field (KEPT below,
      the table of docs/formats.md).

  canary.py leaks OUT INPUT...
      for real inputs (recipes/examples): every value of a field the policy
      drops (a value of >= 5 characters that no kept field also holds) must
      not appear anywhere in OUT; exits 1 listing those that do.
"""
import json
import os
import re
import sys

import yaml

# The fields a minimized bundle keeps, by file: path patterns where [*]
# matches any index and {k} any key. recipe.yaml ships as given (its digest
# is signed); emit warns about fields beyond the reference's schema.
KEPT = {
    "recipe.yaml": [r".*"],
    "snapshot.yaml": [
        r"kind", r"apiVersion", r"metadata\.(timestamp|version)",
        r"fingerprint\.(service|accelerator|gpuModel|os|k8sVersion|nodeCount|gpuNodeCount)\.(value|source|note|version)",
        r"measurements\[\*\]\.type", r"measurements\[\*\]\.subtypes\[\*\]\.subtype",
        r"measurements\[\*\]\.subtypes\[\*\]\.data\.(version|platform|goVersion|provider|kubelet-version|kernel-version|operating-system|os-image|container-runtime-name|container-runtime-version|gpu-present|gpu-count|driver-loaded|detection-source|model|ID|ID_LIKE|NAME|PRETTY_NAME|VERSION|VERSION_ID|VERSION_CODENAME|node-count|taint-count|label-count)",
    ],
    "ctrf": [
        r"reportFormat", r"specVersion", r"timestamp", r"generatedBy",
        r"results\.tool\.(name|version)",
        r"results\.tests\[\*\]\.(name|status|duration)",
        r"results\.tests\[\*\]\.suite\[\*\]",
        r"results\.tests\[\*\]\.extra\.(nodesValidated|nodesTotal|skipReason|runtimeSource)",
        r"results\.tests\[\*\]\.runtimeProvenance\.(shippedDigest|derivedDigest|overriddenPaths\[\*\]|inheritedPaths\[\*\])",
        r"results\.summary\.\w+",
    ],
    "bom.cdx.json": [r"components\[\*\]\.(name|version|type)"],
    "statement.intoto.json": [
        r"subject\[\*\]\.name",
        r"predicate\.recipe\.name",
        r"predicate\.validatorCatalogVersion",
        r"predicate\.validatorImages\[\*\]\.(image|digest)",
        r"predicate\.fingerprint\.(service|accelerator|gpuModel|os|k8sVersion|nodeCount|gpuNodeCount)\.(value|source|note|version)",
        r"predicate\.criteriaMatch\.perDimension\[\*\]\.(recipeRequires|fingerprintProvides)",
    ],
    "pointer.yaml": [r"recipe"],
}

CANARY = re.compile(r"cnry\d{4}")


def kept(file, path):
    key = "ctrf" if file.startswith("ctrf/") else file
    norm = re.sub(r"\[\d+\]", "[*]", path)
    return any(re.fullmatch(p, norm) for p in KEPT.get(key, []))


def walk(node, path, out, containers=True):
    """(path, text) of every key and scalar below node; without
    `containers`, the keys of mappings and sequences (schema words like
    `measurements`) are left out, the keys of scalars kept."""
    if isinstance(node, dict):
        for k, v in node.items():
            p = f"{path}.{k}" if path else str(k)
            if containers or not isinstance(v, (dict, list)):
                out.append((p, str(k)))
            walk(v, p, out, containers)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, f"{path}[{i}]", out, containers)
    elif node is not None:
        out.append((path, str(node)))
    return out


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith((".json", ".jsonl")):
        return json.loads(raw), raw
    return yaml.safe_load(raw), raw


def bundle_files(out):
    sb = os.path.join(out, "summary-bundle")
    for root, _, files in os.walk(sb):
        for n in files:
            full = os.path.join(root, n)
            yield os.path.relpath(full, sb), full
    if os.path.exists(os.path.join(out, "pointer.yaml")):
        yield "pointer.yaml", os.path.join(out, "pointer.yaml")


def places(out):
    """Every (file, path, text) of the bundle."""
    res = []
    for rel, full in bundle_files(out):
        if rel == "attestation.intoto.jsonl":
            continue
        try:
            doc, raw = load(full)
        except Exception:
            res.append((rel, "<unparsed>", open(full, "rb").read().decode("utf-8", "replace")))
            continue
        for p, t in walk(doc, "", []):
            res.append((rel, p, t))
    return res


# ---- make ----

class Canaries:
    def __init__(self):
        self.n = 0
        self.where = {}

    def __call__(self, where):
        self.n += 1
        c = f"cnry{self.n:04d}"
        self.where[c] = where
        return c


def make(d):
    c = Canaries()
    os.makedirs(os.path.join(d, "ctrf"), exist_ok=True)
    # The recipe: criteria make the name; fields beyond the schema too.
    recipe = {
        "kind": "RecipeResult", "apiVersion": "aicr.nvidia.com/v1alpha1",
        "metadata": {"version": "v0.1.0", "appliedOverlays": [c("recipe.metadata.appliedOverlays[0]")],
                     "annotations": {c("recipe.metadata.annotations key"): c("recipe.metadata.annotations value")}},
        "criteria": {"service": "eks", "accelerator": c("recipe.criteria.accelerator"), "os": "ubuntu",
                     "intent": "training", c("recipe.criteria custom key"): c("recipe.criteria custom value")},
        "componentRefs": [{"name": c("recipe.componentRefs[0].name"), "version": c("recipe.componentRefs[0].version"),
                           "values": {"password": c("recipe.componentRefs[0].values.password")}}],
        "constraints": [{"name": "K8s.server.version", "value": c("recipe.constraints[0].value")}],
    }
    with open(os.path.join(d, "recipe.yaml"), "w") as f:
        yaml.safe_dump(recipe, f, sort_keys=False)

    def sub(mtype, name, keys, extra=True):
        data = {k: c(f"snapshot {mtype}/{name}.data.{k}") for k in keys}
        if extra:
            data[c(f"snapshot {mtype}/{name}.data unknown key")] = c(f"snapshot {mtype}/{name}.data unknown value")
        return {"subtype": name, "data": data,
                "context": {c(f"snapshot {mtype}/{name}.context key"): c(f"snapshot {mtype}/{name}.context value")},
                "items": [{"data": {"x": c(f"snapshot {mtype}/{name}.items")}}]}

    snapshot = {
        "kind": "Snapshot", "apiVersion": "aicr.nvidia.com/v1alpha1",
        "metadata": {"timestamp": c("snapshot.metadata.timestamp"), "version": c("snapshot.metadata.version"),
                     "source-node": c("snapshot.metadata.source-node"),
                     c("snapshot.metadata unknown key"): c("snapshot.metadata unknown value")},
        c("snapshot top-level unknown key"): c("snapshot top-level unknown value"),
        "fingerprint": {
            dim: {"value": c(f"snapshot.fingerprint.{dim}.value"), "source": c(f"snapshot.fingerprint.{dim}.source"),
                  "note": c(f"snapshot.fingerprint.{dim}.note"),
                  c(f"snapshot.fingerprint.{dim} unknown key"): {"nested": c(f"snapshot.fingerprint.{dim} nested")}}
            for dim in ("service", "accelerator", "gpuModel", "os", "k8sVersion", "region", "nodeCount")
        },
        "measurements": [
            {"type": "K8s", "subtypes": [
                sub("K8s", "server", ["version", "platform", "goVersion", "gitCommit"]),
                sub("K8s", "node", ["provider", "provider-id", "kubelet-version", "kernel-version", "operating-system",
                                    "os-image", "container-runtime-name", "container-runtime-version"]),
                sub("K8s", "image", ["gpu-operator", "internal"]),
            ]},
            {"type": "GPU", "subtypes": [sub("GPU", "hardware", ["gpu-present", "gpu-count", "driver-loaded",
                                                                  "detection-source", "model", "serial-number"])]},
            {"type": "OS", "subtypes": [sub("OS", "release", ["ID", "ID_LIKE", "NAME", "PRETTY_NAME", "VERSION",
                                                              "VERSION_ID", "VERSION_CODENAME", "HOME_URL"]),
                                        sub("OS", "sysctl", ["kernel.hostname"])]},
            {"type": "NodeTopology", "subtypes": [sub("NodeTopology", "summary", ["node-count", "taint-count",
                                                                                  "label-count"]),
                                                  sub("NodeTopology", "label", ["topology.kubernetes.io/region"])]},
            {"type": "SystemD", "subtypes": [sub("SystemD", "containerd.service", ["ExecStart"])]},
            {"type": c("snapshot unknown measurement type"), "subtypes": [sub("X", "y", ["z"])]},
        ],
    }
    with open(os.path.join(d, "snapshot.yaml"), "w") as f:
        yaml.safe_dump(snapshot, f, sort_keys=False)

    for phase in ("deployment", "performance", "conformance"):
        p = f"ctrf/{phase}"
        test = {
            "name": c(f"{p} tests[0].name"), "status": c(f"{p} tests[0].status"), "duration": 1,
            "suite": [c(f"{p} tests[0].suite[0]")], "message": c(f"{p} tests[0].message"),
            "Message": c(f"{p} tests[0].Message"), "stdout": [c(f"{p} tests[0].stdout[0]")],
            "STDOUT": [c(f"{p} tests[0].STDOUT[0]")], "stderr": [c(f"{p} tests[0].stderr[0]")],
            "trace": c(f"{p} tests[0].trace"), "filePath": c(f"{p} tests[0].filePath"),
            "rawStatus": c(f"{p} tests[0].rawStatus"), "tags": [c(f"{p} tests[0].tags[0]")],
            "steps": [{"name": c(f"{p} tests[0].steps[0].name"), "stdout": [c(f"{p} tests[0].steps[0].stdout")]}],
            "attachments": [{"name": c(f"{p} tests[0].attachments[0].name"), "path": c(f"{p} tests[0].attachments[0].path")}],
            "parameters": {c(f"{p} tests[0].parameters key"): c(f"{p} tests[0].parameters value")},
            "retryAttempts": [{"attempt": 1, "status": "failed", "message": c(f"{p} tests[0].retryAttempts[0].message"),
                               "trace": c(f"{p} tests[0].retryAttempts[0].trace")}],
            "extra": {"nodesValidated": c(f"{p} tests[0].extra.nodesValidated"),
                      "skipReason": c(f"{p} tests[0].extra.skipReason"),
                      c(f"{p} tests[0].extra unknown key"): c(f"{p} tests[0].extra unknown value")},
            "runtimeProvenance": {"shippedDigest": c(f"{p} tests[0].runtimeProvenance.shippedDigest"),
                                  "derivedDigest": c(f"{p} tests[0].runtimeProvenance.derivedDigest"),
                                  "overriddenPaths": [c(f"{p} tests[0].runtimeProvenance.overriddenPaths[0]")]},
        }
        report = {
            "reportFormat": "CTRF", "specVersion": c(f"{p} specVersion"), "reportId": c(f"{p} reportId"),
            "timestamp": c(f"{p} timestamp"), "generatedBy": c(f"{p} generatedBy"),
            "extra": {c(f"{p} extra key"): c(f"{p} extra value")},
            "results": {
                "tool": {"name": c(f"{p} results.tool.name"), "version": c(f"{p} results.tool.version"),
                         "url": c(f"{p} results.tool.url"), "image": f"nvcr.io/{c(p + ' results.tool.image')}:v1",
                         "extra": {"k": c(f"{p} results.tool.extra")}},
                "tests": [test],
                "environment": {"appName": c(f"{p} environment.appName"),
                                "appVersion": c(f"{p} environment.appVersion"),
                                "testEnvironment": c(f"{p} environment.testEnvironment"),
                                "buildUrl": c(f"{p} environment.buildUrl"),
                                "repositoryUrl": c(f"{p} environment.repositoryUrl"),
                                "branchName": c(f"{p} environment.branchName"),
                                "osPlatform": c(f"{p} environment.osPlatform")},
                "extra": {"k": c(f"{p} results.extra")},
            },
        }
        with open(os.path.join(d, "ctrf", f"{phase}.json"), "w") as f:
            json.dump(report, f, indent=1)
    with open(os.path.join(d, "canaries.json"), "w") as f:
        json.dump(c.where, f, indent=1)
    print(f"canary: {c.n} canaries planted in {d}")


def where(d, out):
    with open(os.path.join(d, "canaries.json")) as f:
        planted = json.load(f)
    found = {}
    for file, path, text in places(out):
        for m in set(CANARY.findall(text)):
            found.setdefault(m, set()).add((file, path))
    bad = 0
    survived = 0
    for c in sorted(planted):
        spots = sorted(found.get(c, ()))
        if not spots:
            print(f"{c} {planted[c]}: dropped")
            continue
        survived += 1
        marks = []
        for file, path in spots:
            ok = kept(file, path)
            bad += not ok
            marks.append(f"{file}: {path}{'' if ok else '  <-- NOT A KEPT FIELD'}")
        print(f"{c} {planted[c]}: " + "; ".join(marks))
    print(f"canary: {len(planted)} planted, {survived} reached the bundle, "
          f"{bad} place(s) outside the kept fields")
    return 1 if bad else 0


def input_kind(path):
    n = os.path.basename(path)
    if n.endswith(".json"):
        return "ctrf/x.json"
    return n


# Input fields whose value the bundle keeps somewhere else (the validator
# image becomes predicate.validatorImages).
KEPT_ELSEWHERE = [r"results\.tool\.image"]

# Map keys that are operator text (the rest are schema words).
OPERATOR_KEYS = re.compile(r".*\.(data|context|extra|parameters|labels|annotations)\.[^.\[]+$")


def leaks(out, inputs):
    """Values of dropped input fields must appear nowhere in the bundle
    (but recipe.yaml, which ships as given): as a whole field anywhere, or,
    from 10 characters on, inside one."""
    texts = []
    for file, path, text in places(out):
        if file != "recipe.yaml":
            texts.append(text)
    kept_in, dropped = set(), []
    for inp in inputs:
        doc, _ = load(inp)
        kind = input_kind(inp)
        for path, text in walk(doc, "", [], containers=False):
            text = str(text)
            if kind == "recipe.yaml":
                kept_in.add(text)  # ships as given: its values are public
                continue
            is_key = path.endswith("." + text) and not OPERATOR_KEYS.fullmatch(path)
            if kept(kind, path) or any(re.fullmatch(p, path) for p in KEPT_ELSEWHERE):
                kept_in.add(text)
            elif not is_key or OPERATOR_KEYS.fullmatch(path):
                dropped.append((inp, path, text))
    bad = 0
    for inp, path, text in dropped:
        if len(text) < 5 or re.fullmatch(r"[0-9.]+|true|false", text):
            continue
        if any(text == k or (len(text) >= 10 and text in k) for k in kept_in):
            continue  # also (part of) a kept value
        hits = [t for t in texts if t == text or (len(text) >= 10 and text in t)]
        if hits:
            bad += 1
            print(f"leak: {inp}: {path} = {text!r} is in the bundle")
    print(f"leaks: {len(dropped)} dropped input values checked, {bad} found in the bundle")
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        make(sys.argv[2])
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "where":
        return where(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 4 and sys.argv[1] == "leaks":
        return leaks(sys.argv[2], sys.argv[3:])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main())
