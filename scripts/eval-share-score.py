#!/usr/bin/env python3
"""Score a Trawl report of the evaluation share against the share's truth.

  scripts/eval-share-score.py OUT_DIR REPORT [--json FILE]

OUT_DIR is what scripts/eval-share.py wrote (truth.json and share/); REPORT a `trawl scan
--show-values` report of OUT_DIR/share. Prints:

- per type: planted values found (TP), reported values that were not planted (FP, with how many
  of them were decoys), planted values missed (FN), precision and recall. A finding matches a
  planted value of the same type in the same file on disk (members of a zip or an email count with
  the file that holds them), by value normalised for spacing and case (dates as dates, phone
  numbers as digits with +44 read as 0, MACs as hex digits); a credential matches when either
  value contains the other (a report may give the secret or the whole assignment); a
  special-category finding matches any planted value of its type in the file, one for one, since
  where such a value starts and ends is a matter of wording. Exempt findings (role mailboxes,
  example data) count neither way; findings of the college's own details and other neutral values
  count neither way either;
- file level: accuracy over the files on disk, the confusion matrix (truth x reported), the number
  of files whose truth is Confidential reported lower, and every wrong file with its truth, what
  was reported, the truth's why and the report's reasons. Files the report says were not read are
  listed as such and counted wrong; files missing from the report likewise.
"""
import argparse
import collections
import datetime
import json
import os
import re

LEVELS = ["Public", "Internal", "Restricted", "Confidential"]
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


def norm_date(v):
    nums = re.findall(r"\d+", v)
    words = [w[:3].lower() for w in re.findall(r"[A-Za-z]+", v)]
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    try:
        if month:
            day = int(nums[0])
            year = int(nums[-1])
        elif len(nums[0]) == 4:
            return datetime.date(int(nums[0]), int(nums[1]), int(nums[2])).isoformat()
        else:
            day, month, year = int(nums[0]), int(nums[1]), int(nums[2])
        if year < 100:
            year += 2000 if year <= 30 else 1900
        return datetime.date(year, month, day).isoformat()
    except (ValueError, IndexError):
        return v.strip().lower()


def norm(t, v):
    v = v.strip()
    if t == "email":
        return v.lower()
    if t == "dob":
        return norm_date(v)
    if t == "uk.phone":
        d = re.sub(r"\D", "", v)
        if d.startswith("440"):
            d = "0" + d[3:]
        elif d.startswith("44"):
            d = "0" + d[2:]
        return d
    if t == "mac.address":
        return re.sub(r"[^0-9a-f]", "", v.lower())
    if t.startswith("special.") or t.startswith("credential."):
        return " ".join(v.lower().split())
    return re.sub(r"[\s\-]", "", v.upper())


def same(t, planted, found):
    if planted == found:
        return True
    if t.startswith("credential.") or t == "uk.bank.account":
        return bool(planted) and bool(found) and (planted in found or found in planted)
    return False


def load_report(path, root):
    files = collections.defaultdict(lambda: {"entry": None, "findings": [], "unread": []})
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec["type"] != "file":
                continue
            d = rec["data"]
            p = d["path"].get("text")
            if p is None:
                continue
            rel = os.path.relpath(p, root)
            slot = files[rel]
            if not d.get("members"):
                slot["entry"] = d
            if d.get("outcome") != "scanned":
                slot["unread"].append((d.get("members") or [rel], d.get("outcome"), [i.get("kind") for i in d.get("issues", [])]))
            slot["findings"].extend(d.get("findings", []))
    return files


def match(t, wanted, found):
    """Pairs planted and found (normalised) values of one type, one for one. Returns (matched
    count, unmatched planted, unmatched found)."""
    wanted, found = list(wanted), list(found)
    if t.startswith("special."):
        k = min(len(wanted), len(found))
        return k, wanted[k:], found[k:]
    hits = 0
    left = []
    for fv in found:
        for i, wv in enumerate(wanted):
            if same(t, wv, fv):
                del wanted[i]
                hits += 1
                break
        else:
            left.append(fv)
    return hits, wanted, left


def score(out_dir, report_path):
    truth = json.load(open(os.path.join(out_dir, "truth.json")))
    root = os.path.realpath(os.path.join(out_dir, truth.get("share", "share")))
    report = load_report(report_path, root)
    findings = [f for slot in report.values() for f in slot["findings"]]
    if findings and not any("value" in f for f in findings):
        raise SystemExit("eval-share-score: the report has no values: scan with --show-values")
    per_type = collections.defaultdict(lambda: collections.Counter())
    examples = collections.defaultdict(lambda: {"fp": [], "fn": []})
    confusion = collections.Counter()
    wrong, unread = [], []
    for rel, t in sorted(truth["files"].items()):
        got = report.get(rel)
        entry = got["entry"] if got else None
        reported = entry.get("level") if entry else "missing"
        if entry is None:
            unread.append((rel, "missing from the report"))
        elif got["unread"]:
            unread.append((rel, "; ".join(f"{'/'.join(m)}: {o} {','.join(k)}" for m, o, k in got["unread"])))
        confusion[(t["level"], reported)] += 1
        if reported != t["level"]:
            reasons = [f"{x.get('rule')}:{x.get('level')}:{x.get('detail', '')}" for x in (entry or {}).get("reasons", [])]
            wrong.append((rel, t["level"], reported, t["why"], reasons, t.get("policy_choice")))
        findings = [f for f in (got["findings"] if got else []) if not f.get("exempt") and (f.get("decision") or {}).get("decision") != "false_positive"]
        types = {v["type"] for v in t["values"]} | {f["type"] for f in findings}
        for ty in types:
            wanted = [norm(ty, v["value"]) for v in t["values"] if v["type"] == ty]
            found = [norm(ty, f.get("value", "")) for f in findings if f["type"] == ty]
            hits, missed, extra = match(ty, wanted, found)
            decoys = [norm(ty, v["value"]) for v in t["decoys"] if v["type"] == ty]
            neutral = [norm(ty, v["value"]) for v in t["neutral"] if v["type"] == ty]
            fp = decoy = 0
            for fv in extra:
                if any(same(ty, n, fv) for n in neutral):
                    per_type[ty]["neutral"] += 1
                    continue
                fp += 1
                if any(same(ty, dv, fv) for dv in decoys):
                    decoy += 1
                if len(examples[ty]["fp"]) < 4:
                    examples[ty]["fp"].append(f"{rel}: {fv}")
            per_type[ty]["tp"] += hits
            per_type[ty]["fn"] += len(missed)
            per_type[ty]["fp"] += fp
            per_type[ty]["decoy"] += decoy
            for mv in missed[:1]:
                if len(examples[ty]["fn"]) < 4:
                    examples[ty]["fn"].append(f"{rel}: {mv}")
        # Decoys never reported still count as decoys seen, for the table.
        for v in t["decoys"]:
            per_type[v["type"]]["decoys_planted"] += 1
    return truth, per_type, examples, confusion, wrong, unread


def pct(a, b):
    return f"{a / b:6.2f}" if b else "     -"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("report")
    ap.add_argument("--json", help="also write the figures as JSON here")
    ap.add_argument("--examples", action="store_true", help="print example misses and false positives per type")
    a = ap.parse_args()
    truth, per_type, examples, confusion, wrong, unread = score(a.out_dir, a.report)
    print(f"{'type':28} {'TP':>5} {'FP':>5} {'decoy':>5} {'FN':>5} {'P':>6} {'R':>6} {'neutral':>7}")
    tot = collections.Counter()
    for ty in sorted(per_type):
        c = per_type[ty]
        if not (c["tp"] or c["fp"] or c["fn"] or c["neutral"]):
            continue
        tot.update({k: c[k] for k in ("tp", "fp", "fn", "decoy", "neutral")})
        print(f"{ty:28} {c['tp']:5} {c['fp']:5} {c['decoy']:5} {c['fn']:5} {pct(c['tp'], c['tp'] + c['fp'])} {pct(c['tp'], c['tp'] + c['fn'])} {c['neutral']:7}")
    print(f"{'all':28} {tot['tp']:5} {tot['fp']:5} {tot['decoy']:5} {tot['fn']:5} {pct(tot['tp'], tot['tp'] + tot['fp'])} "
          f"{pct(tot['tp'], tot['tp'] + tot['fn'])} {tot['neutral']:7}")
    print("(neutral: the college's own or a supplier's details reported as counted findings; they count as neither,\n"
          " but the file-level figures below show whether they made a file personal)")
    if a.examples:
        print("\nexamples (file: normalised value)")
        for ty in sorted(examples):
            for kind in ("fn", "fp"):
                for e in examples[ty][kind]:
                    print(f"  {ty:24} {kind} {e}")
    n = len(truth["files"])
    right = sum(v for (t, r), v in confusion.items() if t == r)
    print(f"\nfile level: {right}/{n} right, accuracy {right / n:.3f}")
    cols = LEVELS + ["missing"]
    print(f"{'truth / reported':18}" + "".join(f"{c:>13}" for c in cols))
    for t in LEVELS:
        print(f"{t:18}" + "".join(f"{confusion[(t, c)]:13}" for c in cols))
    lower = sum(v for (t, r), v in confusion.items() if t == "Confidential" and r in LEVELS[:3] + ["missing"])
    print(f"Confidential reported lower: {lower}")
    folders = collections.Counter(rel.split("/")[0] for rel in truth["files"])
    wrong_in = collections.Counter(w[0].split("/")[0] for w in wrong)
    print("by folder: " + ", ".join(f"{f} {folders[f] - wrong_in[f]}/{folders[f]}" for f in sorted(folders)))
    if unread:
        print(f"\nnot read ({len(unread)}):")
        for rel, why in unread:
            print(f"  {rel}: {why}")
    print(f"\nwrong files ({len(wrong)}): path | truth -> reported | why | report's reasons")
    for rel, t, r, why, reasons, choice in wrong:
        print(f"  {rel} | {t} -> {r} | {why} | {'; '.join(reasons) or '-'}" + (f" | policy choice: {choice}" if choice else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"types": {ty: dict(c) for ty, c in per_type.items()}, "files": n, "right": right,
                       "confusion": {f"{t}>{r}": v for (t, r), v in confusion.items()}, "confidential_lower": lower,
                       "wrong": [w[0] for w in wrong], "unread": [u[0] for u in unread]}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
