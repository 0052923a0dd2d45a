#!/usr/bin/env python3
"""Write Patterns/names/: the given names and surnames Trawl knows a person's name by in prose.

Sources (both fetched from PyPI into a temporary folder, never installed):
- `names` 0.3.0: the US Census Bureau's 1990 name frequency files (dist.male.first,
  dist.female.first, dist.all.last), a work of the US government in the public domain.
- `faker` (MIT licence, (c) 2012 Daniele Faraglia): the person providers of the locales a UK
  share's people come from (British first names there are the ONS's baby-name tables), Latin
  script only, romanised forms where the locale has them.

Each name is written in lower-case ASCII (accents folded: "Wiśniewski" is "wisniewski"). A name
that is also a common English word in lower case (Debian's wbritish word list: "mark", "will",
"grace", "brown") is followed by " word": the detector asks more of a name made of two such words
("Mark Scheme", "Will Power", "Grace Hall"), see docs/policy.md.

Usage: scripts/make-name-gazetteer.py [OUTPUT_DIR]   (default: Patterns/names beside this script)
Needs pip and Debian's wbritish (/usr/share/dict/british-english). Output is deterministic.
"""
import importlib
import os
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile

NAMES_VERSION = "0.3.0"
FAKER_VERSION = "40.63.0"
LOCALES = ["en", "en_GB", "en_IE", "en_NZ", "en_US", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "en_KE",
           "pl_PL", "ro_RO", "lt_LT", "lv_LV", "cs_CZ", "sk_SK", "hu_HU", "pt_PT", "pt_BR", "es_ES", "it_IT",
           "fr_FR", "de_DE", "nl_NL", "tr_TR", "zh_CN", "zh_TW", "ja_JP", "vi_VN"]
WORDS = "/usr/share/dict/british-english"


def folded(name):
    """The name in lower-case ASCII, or None if it is not a name of Latin letters."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_ = ascii_.strip().lower()
    if len(ascii_) < 2 or not all(c.isalpha() or c in "'-" for c in ascii_) or not ascii_[0].isalpha():
        return None
    return ascii_


def fetch(tmp):
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", tmp,
                    f"names=={NAMES_VERSION}", f"faker=={FAKER_VERSION}"], check=True)
    for f in os.listdir(tmp):
        if f.endswith(".tar.gz"):
            with tarfile.open(os.path.join(tmp, f)) as t:
                t.extractall(tmp, filter="data")
        elif f.endswith(".whl"):
            zipfile.ZipFile(os.path.join(tmp, f)).extractall(os.path.join(tmp, "faker-wheel"))


def census(tmp, file):
    with open(os.path.join(tmp, f"names-{NAMES_VERSION}", "names", file)) as f:
        return [line.split()[0] for line in f if line.strip()]


def faker_names(tmp):
    sys.path.insert(0, os.path.join(tmp, "faker-wheel"))
    given, family = [], []
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in sorted(dir(provider)):
            value = getattr(provider, attr)
            if callable(value) or attr.startswith("_") or "name" not in attr:
                continue
            if attr.startswith("first_name_") and attr.endswith("_pairs"):
                given += [p[-1] for p in value]
            elif attr.startswith("first_names") or attr.startswith("first_romanized_names"):
                given += list(value)
            elif "last_names" in attr or attr.startswith("last_romanized_names"):
                family += list(value)
    return given, family


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                             "Patterns", "names")
    with open(WORDS) as f:
        words = {w.strip() for w in f if w.strip() and w.strip().islower()}
    with tempfile.TemporaryDirectory() as tmp:
        fetch(tmp)
        given = census(tmp, "dist.male.first") + census(tmp, "dist.female.first")
        family = census(tmp, "dist.all.last")
        more_given, more_family = faker_names(tmp)
    os.makedirs(out, exist_ok=True)
    for file, names, source in [("given-names.txt", given + more_given, "given names"),
                                ("surnames.txt", family + more_family, "surnames")]:
        kept = sorted({n for n in map(folded, names) if n})
        with open(os.path.join(out, file), "w") as f:
            f.write(f"# {source}: written by scripts/make-name-gazetteer.py; sources and licences in README.md\n")
            for n in kept:
                f.write(f"{n} word\n" if n in words else f"{n}\n")
        print(f"{file}: {len(kept)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
