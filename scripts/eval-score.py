#!/usr/bin/env python3
"""Score Trawl (and, when it is installed, Microsoft Presidio) against the evaluation corpus labels.

  scripts/eval-score.py CORPUS_DIR TRAWL_REPORT [--presidio]

Prints one table: per type, precision, recall and F1 of each tool, matched on (file, type,
normalised value) with multiplicity; then Trawl's file-level classification accuracy. Findings a
tool marks as example data or role mailboxes (Trawl's `exempt`) are not counted as findings.
Presidio runs its predefined recognizers (UK ones included) on text extracted here from each
document, with a blank spaCy pipeline (no model download: its pattern recognizers are what is
compared; it has no recognizer for types shown as '-'). Every result Presidio returns counts (its
default score threshold, 0), with context words raising scores through its own enhancer.
"""
import collections
import datetime
import json
import os
import re
import sys
import zipfile

TYPES = ["uk.nino", "dob", "email", "uk.postcode", "uk.phone", "payment.card", "uk.bank.account", "iban", "uk.passport", "uk.brp",
         "uk.driving_licence", "uk.nhs", "uk.uln", "uk.upn", "uk.utr", "ucas.id", "ip.address", "mac.address",
         "credential.password", "credential.token", "special.health", "special.ethnicity", "special.religion",
         "special.trade_union", "special.criminal"]
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


def norm(t, v):
    if t == "email":
        return v.lower()
    if t == "dob":
        nums = re.findall(r"\d+", v)
        words = re.findall(r"[A-Za-z]+", v)
        month = next((MONTHS[w[:3].lower()] for w in words if w[:3].lower() in MONTHS), None)
        try:
            if month:
                return datetime.date(int(nums[-1]), month, int(nums[0])).isoformat()
            if len(nums[0]) == 4:
                return datetime.date(int(nums[0]), int(nums[1]), int(nums[2])).isoformat()
            return datetime.date(int(nums[2]), int(nums[1]), int(nums[0])).isoformat()
        except (ValueError, IndexError):
            return v
    if t.startswith("special."):
        return " ".join(v.lower().split())
    if t in ("ip.address",):
        return v.lower()
    if t == "mac.address":
        return re.sub(r"[^0-9a-f]", "", v.lower())
    if t == "uk.phone":
        d = re.sub(r"\D", "", v)
        return "0" + d[2:] if d.startswith("44") else d
    return re.sub(r"[^0-9A-Za-z]", "", v).upper()


def score(labels, predicted):
    """labels/predicted: {file: Counter((type, norm))}. Returns {type: (tp, fp, fn)}."""
    out = collections.defaultdict(lambda: [0, 0, 0])
    for f in set(labels) | set(predicted):
        l, p = labels.get(f, collections.Counter()), predicted.get(f, collections.Counter())
        for key in set(l) | set(p):
            tp = min(l[key], p[key])
            out[key[0]][0] += tp
            out[key[0]][1] += p[key] - tp
            out[key[0]][2] += l[key] - tp
    return out


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def trawl_predictions(corpus, report):
    pred = collections.defaultdict(collections.Counter)
    levels = {}
    for line in open(report):
        rec = json.loads(line)
        if rec["type"] != "file":
            continue
        d = rec["data"]
        path = d["path"].get("text", "")
        rel = os.path.relpath(path, corpus)
        if d.get("members"):
            continue
        levels[rel] = d["level"]
        for fnd in d["findings"]:
            if fnd.get("exempt"):
                continue
            pred[rel][(fnd["type"], norm(fnd["type"], fnd["value"]))] += 1
    return pred, levels


def extract_text(path):
    """Plain text of a document, for Presidio."""
    if path.endswith((".txt", ".csv", ".json")):
        return open(path, encoding="utf-8", errors="replace").read()
    if path.endswith(".html"):
        return re.sub(r"<[^>]+>", "\n", open(path, encoding="utf-8").read())
    with zipfile.ZipFile(path) as z:
        if path.endswith(".docx"):
            xml = z.read("word/document.xml").decode()
            paras = re.findall(r"<w:p>(.*?)</w:p>", xml)
            return "\n".join("".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", p)) for p in paras)
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        rows = re.findall(r"<row[^>]*>(.*?)</row>", xml)
        return "\n".join("\t".join(re.findall(r"<t>(.*?)</t>", r)) for r in rows)


PRESIDIO_TYPES = {"UK_NINO": "uk.nino", "EMAIL_ADDRESS": "email", "UK_POSTCODE": "uk.postcode", "PHONE_NUMBER": "uk.phone",
                  "CREDIT_CARD": "payment.card", "IBAN_CODE": "iban", "UK_PASSPORT": "uk.passport", "UK_DRIVING_LICENCE": "uk.driving_licence",
                  "UK_NHS": "uk.nhs", "IP_ADDRESS": "ip.address", "MAC_ADDRESS": "mac.address"}


def presidio_predictions(corpus, files):
    import logging
    import tempfile
    import spacy
    from spacy.language import Language
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    # tldextract tries to download the public suffix list (no network here) and falls back to its
    # bundled copy; its error log is noise.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)

    @Language.component("lower_lemma")
    def lower_lemma(doc):
        # Presidio's context enhancer compares lemmas with its context words; without a trained
        # model, the lower-cased token is the lemma.
        for token in doc:
            token.lemma_ = token.lower_
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("lower_lemma")
    blank = os.path.join(tempfile.mkdtemp(), "blank-en")
    nlp.to_disk(blank)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": blank}])
    engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine, languages=["en"])
    # UK recognizers are off by default in Presidio; switch on every one this version ships.
    import presidio_analyzer.predefined_recognizers as pr
    have = {type(r).__name__ for r in registry.recognizers}
    for name in dir(pr):
        if name.startswith("Uk") and name.endswith("Recognizer") and name not in have:
            try:
                registry.add_recognizer(getattr(pr, name)())
            except Exception:
                pass
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])
    supported = set()
    for r in registry.recognizers:
        supported.update(r.supported_entities)
    pred = collections.defaultdict(collections.Counter)
    for rel in files:
        text = extract_text(os.path.join(corpus, rel))
        for res in analyzer.analyze(text=text, language="en"):
            t = PRESIDIO_TYPES.get(res.entity_type)
            if t:
                pred[rel][(t, norm(t, text[res.start:res.end]))] += 1
    return pred, {PRESIDIO_TYPES[e] for e in supported if e in PRESIDIO_TYPES}


def main():
    corpus, report = sys.argv[1], sys.argv[2]
    with_presidio = "--presidio" in sys.argv
    labels_doc = json.load(open(os.path.join(corpus, "labels.json")))["files"]
    labels = {rel: collections.Counter((f["type"], norm(f["type"], f["value"])) for f in d["findings"]) for rel, d in labels_doc.items()}
    tpred, levels = trawl_predictions(corpus, report)
    tscore = score(labels, tpred)
    pscore, psupported = None, set()
    if with_presidio:
        try:
            ppred, psupported = presidio_predictions(corpus, list(labels_doc))
            pscore = score(labels, ppred)
        except ImportError as e:
            print(f"(Presidio not available: {e})", file=sys.stderr)
    head = f"{'type':22} {'labels':>6} | {'Trawl P':>7} {'R':>6} {'F1':>6}"
    if pscore is not None:
        head += f" | {'Presidio P':>10} {'R':>6} {'F1':>6}"
    print(head)
    print("-" * len(head))
    worst = 1.0
    for t in TYPES:
        tp, fp, fn = tscore.get(t, [0, 0, 0])
        n = tp + fn
        p, r, f = prf(tp, fp, fn)
        worst = min(worst, p, r) if n else worst
        line = f"{t:22} {n:>6} | {p:>7.3f} {r:>6.3f} {f:>6.3f}"
        if pscore is not None:
            if t in psupported:
                pp, prr, pf = prf(*pscore.get(t, [0, 0, 0]))
                line += f" | {pp:>10.3f} {prr:>6.3f} {pf:>6.3f}"
            else:
                line += f" | {'-':>10} {'-':>6} {'-':>6}"
        print(line)
    extra = sorted(set(tscore) - set(TYPES))
    for t in extra:
        tp, fp, fn = tscore[t]
        print(f"{t:22} {tp + fn:>6} | false positives: {fp}")
    all_tp = sum(v[0] for v in tscore.values()); all_fp = sum(v[1] for v in tscore.values()); all_fn = sum(v[2] for v in tscore.values())
    p, r, f = prf(all_tp, all_fp, all_fn)
    print(f"{'all types':22} {all_tp + all_fn:>6} | {p:>7.3f} {r:>6.3f} {f:>6.3f}")
    correct = sum(1 for rel, d in labels_doc.items() if levels.get(rel) == d["level"])
    print(f"\nfile levels: {correct}/{len(labels_doc)} correct ({correct / len(labels_doc):.3f})")
    wrong = [(rel, d["level"], levels.get(rel)) for rel, d in labels_doc.items() if levels.get(rel) != d["level"]]
    for w in wrong[:10]:
        print(f"  {w[0]}: expected {w[1]}, got {w[2]}")
    if "--details" in sys.argv:
        for rel in sorted(labels):
            l, p = labels[rel], tpred.get(rel, collections.Counter())
            if l != p:
                print(rel, "missed", dict(l - p), "extra", dict(p - l))


if __name__ == "__main__":
    main()
