#!/usr/bin/env python3
"""Mutate every file in Samples/ and scan the results: trawl must report, never crash or hang.

  scripts/fuzz-samples.py TRAWL WORKDIR [--seed N] [--variants K] [--key-file F]

Writes K mutated copies of each sample (seeded, so a run can be repeated) into WORKDIR/cases,
scans them in batches with TRAWL, and for any batch that does not end with a report (a crash,
a runtime trap, a hang past the time limit) scans its files one by one to name the culprits.
Prints one line per culprit and a summary; exits 1 if there was any.

Mutations, each drawn at random:
  - bytes: a few bytes changed, a few aligned 16- or 32-bit words set to extreme values (where
    binary formats keep sizes and offsets), a run of bytes cut out, or the file cut short;
  - text: in text formats, and in every member of a zip package (docx, xlsx, odt...), a number
    made huge or negative, a run of capital letters put where a number or name was, or a
    tag or brace dropped; the package is zipped again so that the damage is inside.
"""
import argparse
import io
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile

TEXT_SUFFIXES = {".rtf", ".html", ".htm", ".xml", ".json", ".csv", ".tsv", ".txt", ".eml", ".svg",
                 ".yaml", ".yml", ".md", ".ics", ".vcf", ".log"}
HUGE = [b"99999999999999999999999", b"-99999999999999999999", b"4294967296", b"-32769",
        b"2147483648", b"1114112", b"-1", b"0"]


def mutate_text(data: bytes, rng: random.Random) -> bytes:
    """One to three changes aimed at what parsers read as numbers, names and structure."""
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        numbers = [m.span() for m in re.finditer(rb"-?\d+", data)]
        if choice < 0.45 and numbers:
            a, b = rng.choice(numbers)
            data = data[:a] + rng.choice(HUGE) + data[b:]
        elif choice < 0.7:
            names = [m.span() for m in re.finditer(rb'="[^"]{1,40}"', data)] or numbers
            if names:
                a, b = rng.choice(names)
                data = data[:a] + b'="' + b"A" * rng.choice([3, 14, 40, 300]) + b'1"' + data[b:]
        else:
            marks = [m.start() for m in re.finditer(rb"[<>{}\\]", data)]
            if marks:
                at = rng.choice(marks)
                data = data[:at] + data[at + 1:]
    return data


EXTREMES = [0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0x10000, 0xFFFF, 0x8000, 0]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    choice = rng.random()
    if choice < 0.3 and len(data) >= 8:
        # Binary formats keep sizes, counts and offsets in little-endian words: set a few words
        # to the values that break arithmetic.
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            width = rng.choice([2, 4])
            at = rng.randrange(0, len(out) - width + 1) & ~(width - 1)
            out[at:at + width] = (rng.choice(EXTREMES) & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
        return bytes(out)
    if choice < 0.6:
        out = bytearray(data)
        for _ in range(rng.randint(1, 16)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if choice < 0.8:
        a = rng.randrange(len(data))
        return data[:a] + data[a + rng.randint(1, 64):]
    return data[:rng.randrange(len(data))]


def mutate_package(data: bytes, rng: random.Random) -> bytes | None:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    except Exception:
        return None
    if not members:
        return None
    target = rng.randrange(len(members))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for k, (name, body) in enumerate(members):
            if k == target:
                body = mutate_text(body, rng) if rng.random() < 0.8 else mutate_bytes(body, rng)
            w.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_cases(samples: str, cases: str, variants: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for root, _, files in sorted(os.walk(samples)):
        for f in sorted(files):
            src = os.path.join(root, f)
            if os.path.islink(src) or not os.path.isfile(src) or os.path.getsize(src) > (4 << 20):
                continue
            data = open(src, "rb").read()
            stem, suffix = os.path.splitext(f)
            for v in range(variants):
                mutated = None
                if data[:2] == b"PK" and rng.random() < 0.8:
                    mutated = mutate_package(data, rng)
                elif suffix.lower() in TEXT_SUFFIXES and rng.random() < 0.8:
                    mutated = mutate_text(data, rng)
                if mutated is None:
                    mutated = mutate_bytes(data, rng)
                rel = os.path.relpath(root, samples).replace(os.sep, "_")
                out = os.path.join(cases, f"{rel}_{stem}_{v:03d}{suffix}")
                open(out, "wb").write(mutated)
                paths.append(out)
    return paths


def scan_ok(trawl: str, target: str, patterns: str, key: str, report: str, timeout: int) -> tuple[bool, str]:
    """Scans TARGET; ok when trawl ends by itself, complete (exit status 0 or 1), with a report."""
    if os.path.exists(report):
        os.remove(report)
    cmd = [trawl, "scan", target, "--quiet", "--patterns", patterns, "--output", report, "--key-file", key]
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"no report after {timeout} s"
    err = p.stderr.decode("utf-8", "replace")
    trap = re.search(r"(Swift runtime failure: [^*\n]*|Fatal error[^\n]*)", err)
    if trap:
        return False, trap.group(1).strip()
    if p.returncode not in (0, 1):
        return False, f"exit status {p.returncode}: {err.strip()[:200]}"
    if not os.path.exists(report) or b'"summary"' not in open(report, "rb").read()[-4096:]:
        return False, "no summary at the end of the report"
    return True, ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trawl")
    ap.add_argument("workdir")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--samples", default=os.path.join(here, "..", "Samples"))
    ap.add_argument("--patterns", default=os.path.join(here, "..", "Patterns"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variants", type=int, default=20)
    ap.add_argument("--batch", type=int, default=400)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--key-file", default=None)
    args = ap.parse_args()

    cases = os.path.join(args.workdir, "cases")
    shutil.rmtree(cases, ignore_errors=True)
    os.makedirs(cases)
    key = args.key_file or os.path.join(args.workdir, "key")
    if not os.path.exists(key):
        # Trawl trusts only a key file that is its owner's alone (mode 0600).
        with os.fdopen(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(os.urandom(32))
    paths = make_cases(args.samples, cases, args.variants, args.seed)

    culprits = []
    batch_dir = os.path.join(args.workdir, "batch")
    report = os.path.join(args.workdir, "report.json")
    for start in range(0, len(paths), args.batch):
        shutil.rmtree(batch_dir, ignore_errors=True)
        os.makedirs(batch_dir)
        batch = paths[start:start + args.batch]
        for p in batch:
            os.link(p, os.path.join(batch_dir, os.path.basename(p)))
        ok, _ = scan_ok(args.trawl, batch_dir, args.patterns, key, report, args.timeout)
        if ok:
            continue
        for p in batch:
            ok, why = scan_ok(args.trawl, p, args.patterns, key, report, args.timeout)
            if not ok:
                culprits.append((p, why))
                print(f"{p}: {why}", flush=True)
    shutil.rmtree(batch_dir, ignore_errors=True)
    print(f"{len(paths)} mutated files (seed {args.seed}), {len(culprits)} without a report")
    return 1 if culprits else 0


if __name__ == "__main__":
    sys.exit(main())
