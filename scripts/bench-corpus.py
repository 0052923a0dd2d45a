#!/usr/bin/env python3
"""Build a seeded benchmark corpus outside the repository.

  scripts/bench-corpus.py DIR [--text-mb 100] [--docx 1000] [--xlsx 0] [--tree 0] [--seed 1]

DIR/text/: prose in files of about 512 KiB with personal data at a realistic density (about one
person's record per 10 KiB: NI numbers, dates of birth, emails, postcodes, with decoys);
DIR/docx/: Word documents of a few paragraphs and a table each; DIR/xlsx/: workbooks of a few
hundred rows; DIR/archives/: a zip and a tar.gz of some of those; DIR/tree/: many small text files
in nested folders. Deterministic for a given seed.
"""
import argparse
import importlib.util
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_samples", os.path.join(here, "make-samples.py"))
samples = importlib.util.module_from_spec(spec)
spec.loader.exec_module(samples)

WORDS = ("the learner attended induction and completed the safeguarding module before the review "
         "meeting with their tutor where progress against the apprenticeship standard was discussed "
         "and evidence for the portfolio was agreed with the employer and the assessor").split()
FIRST = ["Aisha", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Leo", "Mia"]
LAST = ["Khan", "Carter", "Evans", "Okafor", "Price", "Walsh", "Wilson", "Turner", "Murray", "Scott"]
PREFIX = "ABCEGHJKLMNPRSTWXYZ"
AREAS = ["LS", "M", "B", "EH", "CF", "BS", "NE", "G", "OX", "YO", "LE", "SW"]


def nino(r):
    return r.choice(PREFIX) + r.choice("ABCEGHJKLMNPRSTWXYZ") + " %02d %02d %02d " % (r.randrange(100), r.randrange(100), r.randrange(100)) + r.choice("ABCD")


def person(r):
    f, l = r.choice(FIRST), r.choice(LAST)
    return (f"{f} {l}, date of birth {r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1960,2010)}, "
            f"NI number {nino(r)}, email {f.lower()}.{l.lower()}{r.randrange(100)}@gmail.com, "
            f"postcode {r.choice(AREAS)}{r.randint(1,20)} {r.randint(1,9)}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}{r.choice('ABDEFGHJLNPQRSTUWXYZ')}.")


def prose(r, size):
    out = []
    n = 0
    while n < size:
        if r.random() < 0.01:
            s = person(r)
        elif r.random() < 0.01:
            s = f"The panel met on {r.randint(1,28)}/{r.randint(1,12)}/20{r.randint(10,24)}; ref QQ 12 34 56 A."
        else:
            s = " ".join(r.choice(WORDS) for _ in range(r.randint(8, 20))).capitalize() + "."
        out.append(s)
        n += len(s) + 1
        if r.random() < 0.2:
            out.append("\n")
    return (" ".join(out) + "\n").encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--text-mb", type=int, default=100)
    ap.add_argument("--docx", type=int, default=1000)
    ap.add_argument("--xlsx", type=int, default=0)
    ap.add_argument("--tree", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(os.path.join(a.dir, "text"), exist_ok=True)
    os.makedirs(os.path.join(a.dir, "docx"), exist_ok=True)
    for i in range(a.text_mb * 2):
        with open(os.path.join(a.dir, "text", f"notes-{i:05d}.txt"), "wb") as f:
            f.write(prose(r, 512 * 1024))
    for i in range(a.docx):
        paras = "".join(samples.w_p(" ".join(r.choice(WORDS) for _ in range(30))) for _ in range(r.randint(3, 12)))
        rows = [["Name", "Date of Birth", "NI Number", "Email"]]
        for _ in range(r.randint(1, 6)):
            f, l = r.choice(FIRST), r.choice(LAST)
            rows.append([f"{f} {l}", f"{r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1960,2010)}", nino(r), f"{f.lower()}.{l.lower()}@outlook.com"])
        with open(os.path.join(a.dir, "docx", f"form-{i:05d}.docx"), "wb") as f:
            f.write(samples.docx(paras + samples.w_table(rows) + samples.w_p(person(r))))
    if a.xlsx:
        spec2 = importlib.util.spec_from_file_location("eval_corpus", os.path.join(here, "eval-corpus.py"))
        ev = importlib.util.module_from_spec(spec2)
        spec2.loader.exec_module(ev)
        os.makedirs(os.path.join(a.dir, "xlsx"), exist_ok=True)
        for i in range(a.xlsx):
            rows = [["Name", "Date of Birth", "NI Number", "Email", "Notes"]]
            for _ in range(300):
                f_, l_ = r.choice(FIRST), r.choice(LAST)
                rows.append([f"{f_} {l_}", f"{r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1960,2010)}", nino(r),
                             f"{f_.lower()}.{l_.lower()}@outlook.com", " ".join(r.choice(WORDS) for _ in range(8))])
            with open(os.path.join(a.dir, "xlsx", f"register-{i:04d}.xlsx"), "wb") as f:
                f.write(ev.xlsx(rows))
    if a.docx or a.xlsx:
        import tarfile, zipfile
        os.makedirs(os.path.join(a.dir, "archives"), exist_ok=True)
        picks = sorted(os.listdir(os.path.join(a.dir, "docx")))[:200]
        with zipfile.ZipFile(os.path.join(a.dir, "archives", "forms.zip"), "w", zipfile.ZIP_DEFLATED) as z:
            for p in picks:
                z.write(os.path.join(a.dir, "docx", p), p)
        with tarfile.open(os.path.join(a.dir, "archives", "notes.tar.gz"), "w:gz") as t:
            for p in sorted(os.listdir(os.path.join(a.dir, "text")))[:20]:
                t.add(os.path.join(a.dir, "text", p), p)
    for i in range(a.tree):
        d = os.path.join(a.dir, "tree", f"d{i % 100:02d}", f"e{(i // 100) % 40:02d}")
        os.makedirs(d, exist_ok=True)
        body = " ".join(r.choice(WORDS) for _ in range(r.randint(20, 200)))
        if r.random() < 0.05:
            body += "\n" + person(r)
        with open(os.path.join(d, f"n{i:06d}.txt"), "w") as f:
            f.write(body + "\n")


if __name__ == "__main__":
    main()
