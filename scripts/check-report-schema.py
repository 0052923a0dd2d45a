#!/usr/bin/env python3
"""Scan Samples/ with the debug build and validate every line of the report against
docs/report.schema.json, and `trawl diff --json` of two reports against docs/diff.schema.json
(JSON Schema 2020-12). Installs the jsonschema package from PyPI if missing."""
import json
import os
import subprocess
import sys
import tempfile

root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
try:
    import jsonschema
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "jsonschema"], check=True)
    import jsonschema

schema = json.load(open(os.path.join(root, "docs", "report.schema.json")))
validator = jsonschema.Draft202012Validator(schema)
binary = os.environ.get("TRAWL_BINARY", os.path.join(root, ".build", "debug", "trawl"))
with tempfile.TemporaryDirectory() as tmp:
    report = os.path.join(tmp, "report.json")
    for extra in ([], ["--show-values"], ["--findings-only"], ["--max-findings", "2"]):
        run = subprocess.run([binary, "scan", "Samples", "--output", report, "--quiet",
                              "--key-file", os.path.join(tmp, "key")] + extra, cwd=root)
        if run.returncode not in (0, 1):
            sys.exit(f"check-report-schema: trawl exited {run.returncode}")
        lines = open(report, "rb").read().splitlines()
        errors = 0
        for n, line in enumerate(lines, 1):
            for e in validator.iter_errors(json.loads(line)):
                errors += 1
                print(f"report line {n}: {e.message} at {list(e.absolute_path)}", file=sys.stderr)
        types = [json.loads(l)["type"] for l in lines]
        if types[0] != "begin" or types[-1] != "summary" or types.count("begin") != 1 or types.count("summary") != 1:
            errors += 1
            print("report must open with one begin record and close with one summary record", file=sys.stderr)
        if errors:
            sys.exit(f"check-report-schema: {errors} problems in the report ({' '.join(extra) or 'default options'})")
    # A diff between the report and one of a narrower scan (so that something changed).
    narrow = os.path.join(tmp, "narrow.json")
    subprocess.run([binary, "scan", "Samples/text", "--output", narrow, "--quiet", "--key-file", os.path.join(tmp, "key")], cwd=root)
    out = subprocess.run([binary, "diff", report, narrow, "--json"], cwd=root, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"check-report-schema: trawl diff exited {out.returncode}: {out.stderr}")
    diff_schema = json.load(open(os.path.join(root, "docs", "diff.schema.json")))
    problems = list(jsonschema.Draft202012Validator(diff_schema).iter_errors(json.loads(out.stdout)))
    for e in problems:
        print(f"diff: {e.message} at {list(e.absolute_path)}", file=sys.stderr)
    if problems:
        sys.exit(f"check-report-schema: {len(problems)} problems in the diff")
print(f"report schema: {len(lines)} records valid against docs/report.schema.json; diff valid against docs/diff.schema.json")
