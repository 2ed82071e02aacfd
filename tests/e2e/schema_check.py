#!/usr/bin/env python3
# tests/e2e/schema_check.py -- validates feed files against
# docs/ledger-feed.schema.json (JSON Schema 2020-12), as the definition
# KIND (index or series) and as the whole schema (exactly one of them).
#   schema_check.py SCHEMA KIND FILE...   exit 0 valid, 1 invalid, 2 no
#                                          jsonschema module (python3-jsonschema)
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIPPED -- python3-jsonschema is not installed (make deps)")
    sys.exit(2)

schema = json.load(open(sys.argv[1]))
kind = sys.argv[2]
one = {k: v for k, v in schema.items() if k != "oneOf"}
one["$ref"] = "#/$defs/" + kind
for path in sys.argv[3:]:
    doc = json.load(open(path))
    for s in (one, schema):
        errs = list(jsonschema.Draft202012Validator(s).iter_errors(doc))
        if errs:
            print(f"{path}: {errs[0].message} at {list(errs[0].absolute_path)}")
            sys.exit(1)
print("valid")
