#!/usr/bin/env python3
"""tests/e2e/gen_recipe_variants.py OUTDIR -- writes the style-variant corpus
of the recipe digest differential (tests/e2e/test_recipe_digest.sh).

Every file is a small recipe-like YAML document that puts one scalar form
(quoting style, block scalar with each chomping and indentation indicator,
long text, unicode, a number, boolean, null or timestamp spelled as a
string, an empty text, an explicit tag...) in one place (a mapping value at
several depths, a block or flow sequence item, a flow mapping value, a key),
plus whole documents for the structures: empty collections, nested
sequences of mappings, flow style, keys that need quotes, comments
everywhere, metadata.version in each of its shapes, document markers.
Deterministic: the same files every run.
"""
import os
import sys

# Scalar forms: YAML source text of a value (single-line unless noted).
SCALARS = [
    "plain", "two words", "'single'", '"double"', "'it''s'",
    '"esc \\" \\\\ \\t \\n"', "''", '""', "~", "null", "Null", "NULL",
    "true", "false", "True", "yes", "no", "on", "off", "y", "n",
    "'true'", '"false"', "'yes'", "'null'", "'~'", "''''",
    "1", "-1", "+1", "0", "007", "0o17", "0x1F", "0b101", "1_000",
    "1.0", "-.5", "1e3", ".inf", "-.Inf", ".nan", "'1.0'", '"0x1F"',
    "'1_000'", "1:20", "'1:20'", "190:20:30",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "'2001-12-14'",
    '"2026-06-25T05:57:00Z"', "2026-06-25T05:57:00Z",
    "<<", "'<<'", "=", "-", "'-'", "'- x'", "?", "'? x'", ":", "'a: b'",
    "a:b", "'#x'", "a #b", "'a #b'", "x#y", "@at", "'@at'", "`tick`",
    "'%pct'", "'!bang'", "'&amp'", "'*star'", "'|pipe'", "'>gt'",
    "'[x]'", "'{x}'", "a,b", "a[b]", "'a, b'", "...x", "'...'", "'---'",
    "--x", "'  lead'", "'trail  '", '" both "', "'tab\tin'",
    '"tab\\tin"', "héllo", "日本語", '"\\u00e9"', '"\\U0001F600"',
    "'😀 emoji'", '"\\ufeffbom"', '"x\\ufeff"', '"\\x85nel"',
    '"\\u2028ls"', '"a\\u2029"', '"\\x7f del"', '"\\x9f c1"',
    '"\\xa0nbsp"', '"\\e\\a\\b\\v\\f\\r\\0"', "'a\n\n  b'",
    '"a\\nb"', '"a\\n"', '"\\n"', '"\\na"', '"a\\n\\n"', '"a \\nb"',
    '"a\\n b"', '"a\\rb"', '"line1\\nline2\\n"',
    "!!str 12", "!!str", "!!int 12", "!!int '12'", "!foo bar",
    "!<tag:yaml.org,2002:str> x", "!<!!x> y", "!<tag:example.com,2000:a%7Eb> z",
    "! plain", "!!binary aGVsbG8=", "!!null ''", "!!float 1",
    "x" * 79, "x" * 81, "word " * 30 + "end", "'" + "word " * 30 + "end'",
    '"' + "word " * 30 + 'end"', "a" * 200,
]

# Block scalar forms: (header, body lines); the body is indented by the
# generator to the value's depth.
BLOCKS = []
for style in ("|", ">"):
    for chomp in ("", "-", "+"):
        for body in (["text"], ["line one", "line two"],
                     ["para", "", "next"], ["trailing", "", ""],
                     ["  indented", "back"], ["a", "  more", "b"],
                     ["", "lead empty"], ["tab\there"], ["end space "],
                     ["x" * 90 + " " + "y" * 10],
                     ["word " * 25 + "end", "second"]):
            BLOCKS.append((style + chomp, body))
    BLOCKS.append((style + "2", ["  two", "  more"]))
    BLOCKS.append((style + "2-", ["   three"]))
    BLOCKS.append((style + "1+", [" one", ""]))
    BLOCKS.append((style, []))


def indent(lines, n):
    return [(" " * n + l) if l else "" for l in lines]


def scalar_docs(v):
    """One scalar form in each place."""
    yield "recipe: %s\n" % v
    yield "metadata:\n  name: n\n  note: %s\nkind: Recipe\n" % v
    yield "spec:\n  a:\n    b:\n      c: %s\n" % v
    yield "items:\n- %s\n- after\n" % v
    yield "items:\n  - first\n  - %s\n" % v
    yield "deep:\n- - %s\n  - x: %s\n" % (v, v)
    if "\n" not in v:
        yield "flow: [%s, z]\n" % v
        yield "flow: {k: %s, a: 1}\n" % v
        yield "%s: value\nother: 1\n" % v
        yield "m:\n  %s: value\n  zz: 1\n" % v
        yield "seq:\n- %s: value\n  b: 2\n" % v
        yield "fk: {%s: v}\n" % v
        yield "? %s\n: explicit\n" % v


def block_docs(header, body):
    yield "\n".join(["text: " + header] + indent(body, 2)) + "\n"
    yield "\n".join(["a:", "  b: " + header] + indent(body, 4) + ["  c: 1"]) + "\n"
    yield "\n".join(["list:", "- " + header] + indent(body, 2) + ["- x"]) + "\n"
    yield "\n".join(["? " + header] + indent(body, 2) + [": v"]) + "\n"


DOCS = [
    "", "\n", "# only a comment\n", "---\n", "--- \n...\n", "~\n", "x\n",
    "'x'\n", "|\n  root literal\n", "- a\n- b\n", "[]\n", "{}\n",
    "--- # c\na: 1\n", "%YAML 1.1\n---\na: 1\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x y\n",
    "a: []\nb: {}\nc: [[]]\nd: {e: {}}\nf:\n- []\n- {}\n",
    "a:\n- b: 1\n  c:\n  - d: 2\n    e: [3, {f: 4}]\n- - g\n  - - h\n",
    "z: 1\ny: 2\nx: 3\nB: 4\na: 5\n_: 6\n'': 7\n\"1\": 8\n",
    "a: 1 # line\n# head\nb: # after key\n  c: 2\n  # foot\n# end\n",
    "# top\n\n# more\nkey: value # trailing\n\n\n# bottom\n",
    "items: # c\n  - a # c\n  # c\n  - b\n",
    "flow: {a: [1, 2, {b: c}], d: e}\nf: [g, {h: i}]\n",
    "flow: [\n  a,\n  b\n]\n",
    "flow: {a: 1,\n  b: 2}\n",
    "e: {a: , b: }\nf: [a, ]\ng: {? x}\n",
    "metadata:\n  version: v1.2.3\n  name: r\n",
    "metadata:\n  version: v1.2.3\n",
    "metadata: {version: 1}\nkind: Recipe\n",
    "metadata:\n  name: r\n",
    "metadata: plain\n",
    "metadata: {}\n",
    "'metadata':\n  \"version\": 1\n  x: 2\n",
    "other:\n  metadata:\n    version: 1\n",
    "- metadata:\n    version: 1\n",
    "? " + "k" * 130 + "\n: long key\n",
    "k" * 128 + ": at the limit\n",
    "a: !!map\n  b: 1\nc: !!seq\n- d\ne: !!map {}\n",
    "a: !custom\n  b: 1\n",
    "a:\n  b:\n   c:\n     d: 1\n   e: 2\n",
    "a: b\n---\nc: d\n",
    "&anchor a: b\n",
    "a: &x 1\nb: *x\n",
    "<<: {a: 1}\n",
    "a: 1\na: 2\n",
    "? [a]\n: b\n",
    "? [a]\n: b\n? [c]\n: d\n",
    "? [a]\n: b\n'': c\n",
    "labels:\n  managed-by: {{ .Release.Service }}\n  chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n",
    "? - a\n  - b\n: v\nz: 1\n",
    "x:\n  ? a: 1\n    b: [2]\n  : - y\n    - {z: 1}\n",
    "l:\n- ? {a: 1}\n  : |\n    text\n",
    "{? [a] : 1, b: 2, {}: 3}\n",
    "[]: 1\nb: {}\n",
    "? !!set {a, b}\n: 1\n",
    "\"\\u00e9\": 1\n\"é\": 2\n",
    "kind: Recipe\napiVersion: aicr.run/v1\nmetadata:\n  name: h100-eks-ubuntu-training\n"
    "  version: v0.9.1\ncriteria:\n  service: eks\n  accelerator: h100\n  os: ubuntu\n"
    "  intent: training\ncomponentRefs:\n- name: gpu-operator\n  version: v25.3.0\n"
    "  valuesFile: components/gpu-operator/values.yaml\n  overrides:\n"
    "    driver:\n      enabled: true\n- name: network-operator\n  enabled: false\n"
    "constraints:\n- name: K8s.server.version\n  value: '>= 1.32.4'\n",
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    n = 0

    def put(doc):
        nonlocal n
        with open(os.path.join(out, "v%05d.yaml" % n), "w",
                  encoding="utf-8", newline="") as f:
            f.write(doc)
        n += 1

    for v in SCALARS:
        for d in scalar_docs(v):
            put(d)
    for header, body in BLOCKS:
        for d in block_docs(header, body):
            put(d)
    for d in DOCS:
        put(d)
    print(n)


if __name__ == "__main__":
    main()
