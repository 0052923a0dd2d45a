#!/usr/bin/env python3
"""Check a report of a scan of Samples/ against what scripts/make-samples.py planted.

  scripts/check-samples-report.py REPORT ROOT [EXPECTED]

REPORT is the JSON Lines report of `trawl scan ROOT --exclude expected.json --show-values`;
ROOT is the folder as it was named on that command line (each entry's path starts with it);
EXPECTED is Samples/expected.json (default: the one beside this script). Every planted entry
must be in the report, and nothing else, with its outcome, level, issue kind, findings (type,
value and exemption) and markings. The same check as the end-to-end test of Samples, for a
trawl run elsewhere (an installed package). Prints each difference; exits 1 if there is one.
"""
import base64
import json
import os
import sys


def raw(path):
    return path["text"].encode() if "text" in path else base64.b64decode(path["bytes"])


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    report, root = sys.argv[1], sys.argv[2].rstrip("/").encode() + b"/"
    expected_path = sys.argv[3] if len(sys.argv) == 4 else os.path.join(os.path.dirname(__file__), "..", "Samples", "expected.json")
    with open(expected_path) as f:
        expected = json.load(f)["entries"]
    got, problems, summary = {}, [], None
    with open(report, "rb") as f:
        for line in f:
            record = json.loads(line)
            if record["type"] == "summary":
                summary = record["data"]
            if record["type"] != "file":
                continue
            entry = record["data"]
            path = raw(entry["path"])
            if not path.startswith(root):
                problems.append(f"{path!r}: outside {root!r}")
                continue
            key = (path[len(root):],) + tuple(raw(m) for m in entry.get("members", []))
            got[key] = entry
    if summary is None:
        problems.append("no summary record: the report is not complete")
    for e in expected:
        path = e["path"].encode() if e.get("path") is not None else base64.b64decode(e["path_base64"])
        key = (path,) + tuple(m.encode() for m in e["members"])
        name = "!/".join(k.decode(errors="backslashreplace") for k in key)
        entry = got.pop(key, None)
        if entry is None:
            problems.append(f"{name}: no entry in the report")
            continue
        if entry["outcome"] != e["outcome"]:
            problems.append(f"{name}: outcome {entry['outcome']}, planted {e['outcome']}")
        if entry["level"] != e["level"]:
            problems.append(f"{name}: level {entry['level']}, planted {e['level']}")
        if e.get("issue") and (entry.get("issues") or [{}])[0].get("kind") != e["issue"]:
            problems.append(f"{name}: issue {entry.get('issues')}, planted {e['issue']}")
        found = sorted((x["type"], x.get("value", ""), x.get("exempt") or "") for x in entry.get("findings", []))
        planted = sorted((x["type"], x["value"], x.get("exempt") or "") for x in e["findings"])
        if found != planted:
            problems.append(f"{name}: findings differ: found {sorted(set(found) - set(planted))}, missed {sorted(set(planted) - set(found))}")
        if entry.get("markings", []) != e["markings"]:
            problems.append(f"{name}: markings {entry.get('markings', [])}, planted {e['markings']}")
    for key in got:
        problems.append(f"{b'!/'.join(key)!r}: in the report, not planted")
    for p in problems:
        print(p)
    print(f"{len(expected) - len([p for p in problems if 'no entry' in p])} of {len(expected)} planted entries in the report; {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
