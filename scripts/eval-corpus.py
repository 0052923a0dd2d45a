#!/usr/bin/env python3
"""Build the labelled evaluation corpus: realistic documents with planted personal data of every
type, decoys of every type, and policy-like text, with a label file saying exactly what each
document holds and which level it must get. Seeded and deterministic.

  scripts/eval-corpus.py DIR [--docs 400] [--seed 7]

Writes DIR/docs/... and DIR/labels.json:
  {"files": {"docs/x.csv": {"level": "Restricted", "findings": [{"type": "uk.nino", "value": "AB 12 34 56 C"}, ...]}}}
Values are fake and generated to each scheme's rules (check digits computed here, independently of
Trawl). Decoys (wrong check digits, numbers without context, test data, dates that are not birth
dates, role mailboxes, policy text naming the special categories) are planted with no label.
"""
import argparse
import datetime
import importlib.util
import json
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_samples", os.path.join(here, "make-samples.py"))
ms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ms)

FIRST = ["Aisha", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Leo", "Mia", "Noah", "Olivia",
         "Priya", "Ravi", "Sofia", "Tom", "Yusuf", "Zara", "Callum", "Hannah", "Omar", "Ruby", "Kwame", "Megan", "Dylan"]
LAST = ["Khan", "Carter", "Evans", "Okafor", "Price", "Walsh", "Wilson", "Turner", "Murray", "Scott", "Patel", "Hughes",
        "Reid", "Shah", "Kerr", "Lee", "Brooks", "Hall", "Moss", "Green", "Jones", "Nowak", "Ahmed", "Davies"]
AREAS = ["LS", "M", "B", "EH", "CF", "BS", "NE", "G", "OX", "YO", "LE", "SW", "KY", "DD", "BL", "SK", "CB", "NG", "PL", "EX"]
TOWNS = ["Leeds", "Manchester", "Birmingham", "Edinburgh", "Cardiff", "Bristol", "Newcastle", "Glasgow", "Oxford", "York"]
STREETS = ["High Street", "Station Road", "Mill Lane", "Church Road", "Park Avenue", "Victoria Street", "Kirkstall Road"]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
NINO_FIRST = "ABCEGHJKLMNPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
BAD_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"}
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"
ETHNICITIES = ["White British", "Black Caribbean", "Indian", "Pakistani", "Mixed White and Asian", "Chinese", "White Irish", "Bangladeshi"]
CONDITIONS = ["asthma", "type 1 diabetes", "epilepsy", "dyslexia", "ADHD", "anxiety", "hearing impairment", "coeliac disease"]
RELIGIONS = ["Muslim", "Roman Catholic", "Hindu", "Sikh", "Church of England", "Jewish", "Buddhist"]
UNIONS = ["UNISON", "NEU", "UCU", "GMB", "Unite"]
OFFENCES = ["theft", "criminal damage", "possession of a controlled drug", "common assault", "fraud"]
FILLER = ("the learner attended induction and completed the safeguarding module before the review meeting with their "
          "tutor where progress against the apprenticeship standard was discussed and evidence for the portfolio was "
          "agreed with the employer and the assessor").split()


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.used = set()

    def unique(self, make):
        for _ in range(1000):
            v = make()
            if v not in self.used:
                self.used.add(v)
                return v
        raise RuntimeError("could not make a unique value")

    def name(self):
        return f"{self.r.choice(FIRST)} {self.r.choice(LAST)}"

    def nino(self):
        def make():
            while True:
                p = self.r.choice(NINO_FIRST) + self.r.choice(NINO_SECOND)
                if p not in BAD_PAIRS:
                    break
            d = "".join(str(self.r.randrange(10)) for _ in range(6))
            sfx = self.r.choice("ABCD")
            style = self.r.randrange(3)
            if style == 0:
                return f"{p} {d[:2]} {d[2:4]} {d[4:]} {sfx}"
            if style == 1:
                return f"{p}{d}{sfx}"
            return f"{p}-{d[:2]}-{d[2:4]}-{d[4:]}-{sfx}"
        return self.unique(make)

    def dob_date(self):
        return datetime.date(self.r.randint(1950, 2016), self.r.randint(1, 12), self.r.randint(1, 28))

    def dob(self):
        d = self.dob_date()
        style = self.r.randrange(5)
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        if style == 0:
            return d.strftime("%d/%m/%Y")
        if style == 1:
            return d.isoformat()
        if style == 2:
            return f"{d.day} {months[d.month - 1]} {d.year}"
        if style == 3:
            return d.strftime("%d-%m-%Y")
        return d.strftime("%d.%m.%Y")

    def email(self, name):
        f, l = name.lower().split()
        return self.unique(lambda: self.r.choice([f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}"]) + str(self.r.randrange(1, 999))
                           + "@" + self.r.choice(["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com", "icloud.com"]))

    def postcode(self):
        return self.unique(lambda: f"{self.r.choice(AREAS)}{self.r.randint(1, 20)} {self.r.randint(1, 9)}{self.r.choice(INWARD)}{self.r.choice(INWARD)}")

    def mobile(self):
        return self.unique(lambda: self.r.choice(["07{} {}", "07{}{}", "+44 7{} {}"]).format(
            "".join(str(self.r.randrange(10)) for _ in range(3)), "".join(str(self.r.randrange(10)) for _ in range(6))).replace(
            "07", "07", 1))

    def landline(self):
        area = self.r.choice(["0113 2", "0161 3", "0121 4", "0131 5", "0117 9", "020 7", "029 2"])
        rest = "".join(str(self.r.randrange(10)) for _ in range(7 if area.startswith("02") else 6))
        return self.unique(lambda: area + rest[:2] + " " + rest[2:] if not area.startswith("02") else area + rest[:3] + " " + rest[3:])

    def luhn_complete(self, p):
        for c in range(10):
            s = p + str(c)
            d = [int(x) for x in s][::-1]
            if sum((x * 2 - 9 if x * 2 > 9 else x * 2) if i % 2 else x for i, x in enumerate(d)) % 10 == 0:
                return s

    def card(self):
        def make():
            kind = self.r.randrange(3)
            if kind == 0:
                n = self.luhn_complete("4" + "".join(str(self.r.randrange(10)) for _ in range(14)))
            elif kind == 1:
                n = self.luhn_complete(str(self.r.randint(51, 55)) + "".join(str(self.r.randrange(10)) for _ in range(13)))
            else:
                n = self.luhn_complete(str(self.r.randint(2221, 2720)) + "".join(str(self.r.randrange(10)) for _ in range(11)))
            return " ".join(n[i:i + 4] for i in range(0, 16, 4)) if self.r.random() < 0.6 else n
        return self.unique(make)

    def bad_card(self):
        n = self.card().replace(" ", "")
        return n[:-1] + str((int(n[-1]) + 1) % 10)

    def sort_account(self):
        return self.unique(lambda: f"{self.r.randint(10, 99)}-{self.r.randint(10, 99)}-{self.r.randint(10, 99)}"), \
            self.unique(lambda: "".join(str(self.r.randrange(1, 10)) for _ in range(8)))

    def iban(self):
        def make():
            bban = self.r.choice(["BARC", "NWBK", "LOYD", "HBUK", "MIDL"]) + "".join(str(self.r.randrange(10)) for _ in range(14))
            n = int("".join(str(int(ch, 36)) for ch in bban + "GB00"))
            v = "GB%02d" % (98 - n % 97) + bban
            return " ".join(v[i:i + 4] for i in range(0, len(v), 4)) if self.r.random() < 0.5 else v
        return self.unique(make)

    def nhs(self):
        def make():
            while True:
                d = [self.r.choice([4, 6, 7])] + [self.r.randrange(10) for _ in range(8)]
                t = sum(a * b for a, b in zip(d, range(10, 1, -1)))
                c = 11 - t % 11
                c = 0 if c == 11 else c
                if c != 10:
                    s = "".join(map(str, d + [c]))
                    return f"{s[:3]} {s[3:6]} {s[6:]}" if self.r.random() < 0.6 else s
        return self.unique(make)

    def uln(self):
        def make():
            while True:
                d = [self.r.randint(1, 9)] + [self.r.randrange(10) for _ in range(8)]
                for c in range(10):
                    if sum(a * b for a, b in zip(d + [c], range(10, 0, -1))) % 11 == 10:
                        return "".join(map(str, d + [c]))
        return self.unique(make)

    def upn(self):
        def make():
            la = self.r.choice([201, 305, 340, 352, 373, 383, 392, 420, 801, 850, 873, 919, 936])
            rest = f"{la}{self.r.randint(1000, 9999)}{self.r.randint(10, 24)}{self.r.randint(0, 999):03d}"
            t = sum((i + 2) * UPN_ALPHABET.index(c) for i, c in enumerate(rest))
            return UPN_ALPHABET[t % 23] + rest
        return self.unique(make)

    def utr(self):
        def make():
            rest = "".join(str(self.r.randrange(10)) for _ in range(9))
            t = sum(a * b for a, b in zip(map(int, rest), [6, 7, 8, 9, 10, 5, 4, 3, 2]))
            v = "21987654321"[t % 11] + rest
            return v[:5] + " " + v[5:] if self.r.random() < 0.3 else v
        return self.unique(make)

    def ucas(self):
        return self.unique(lambda: "{}-{}-{}".format(self.r.randint(100, 999), self.r.randint(100, 999), self.r.randint(1000, 9999))
                           if self.r.random() < 0.5 else str(self.r.randint(1000000000, 9999999999)))

    def passport(self):
        return self.unique(lambda: str(self.r.randint(100000000, 999999999)))

    def brp(self):
        return self.unique(lambda: self.r.choice(["ZU", "ZR", "ZT", "ZX", "RF", "ZW"]) + self.r.choice("X0123456789") + str(self.r.randint(100000, 999999)))

    def licence(self, name, dob):
        surname = (name.split()[1].upper() + "99999")[:5]
        female = self.r.random() < 0.5
        month = dob.month + (50 if female else 0)
        initials = name.split()[0][0].upper() + "9"
        return self.unique(lambda: f"{surname}{str(dob.year)[2]}{month:02d}{dob.day:02d}{str(dob.year)[3]}{initials}9{self.r.choice('ABCDEFGHJK')}{self.r.choice('ABCDEFGHJK')}")

    def ip(self):
        return self.unique(lambda: f"{self.r.choice([81, 86, 92, 109, 151, 212])}.{self.r.randint(1, 254)}.{self.r.randint(1, 254)}.{self.r.randint(1, 254)}")

    def mac(self):
        sep = self.r.choice([":", "-"])
        return self.unique(lambda: sep.join(f"{self.r.randrange(256):02X}" for _ in range(6)))

    def password(self):
        return self.unique(lambda: self.r.choice(["Summer", "Winter", "Dragon", "Blue", "Coffee"]) + str(self.r.randint(10, 9999)) + self.r.choice(["!", "#", "", "$"]))

    def token(self):
        chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        return self.unique(lambda: "AKIA" + "".join(self.r.choice(chars) for _ in range(16)) if self.r.random() < 0.5
                           else "ghp_" + "".join(self.r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(36)))

    def words(self, n):
        return " ".join(self.r.choice(FILLER) for _ in range(n))


POLICY_TEXT = [
    "We may collect special category data such as information about your health, disability, ethnicity, religion or belief, "
    "sexual orientation, trade union membership and criminal convictions where the law allows.",
    "Special category data includes racial or ethnic origin, political opinions, religious beliefs, genetic and biometric data.",
    "Learners may be asked about medical conditions so that we can support them; you do not have to answer.",
    "Staff must not share passwords. Password: must be at least twelve characters and changed every 90 days.",
    "The retention period for learner records is six years from the end of the course, reviewed on 01/09/2024.",
    "Contact the Data Protection Officer at dpo@northfield-college.ac.uk or enquiries@northfield-college.ac.uk.",
    "The policy was approved by the board on 12 March 2024 and will be reviewed in March 2026.",
]


def build(out, docs, seed):
    g = Gen(seed)
    labels = {}
    os.makedirs(os.path.join(out, "docs"), exist_ok=True)

    def save(rel, data, findings, level):
        with open(os.path.join(out, rel), "wb") as f:
            f.write(data)
        labels[rel] = {"level": level, "findings": findings}

    def level_of(findings):
        conf = ("special.", "credential.", "payment.card", "uk.bank.account", "iban")
        if any(f["type"].startswith(conf) for f in findings):
            return "Confidential"
        return "Restricted" if findings else "Internal"

    kinds = ["register", "letter", "hr", "finance", "it", "health", "applications", "decoy", "policy"]
    for i in range(docs):
        kind = kinds[i % len(kinds)]
        fmt = g.r.choice({"register": ["csv", "xlsx", "json"], "letter": ["txt", "docx", "html"], "hr": ["txt", "docx", "json"],
                          "finance": ["csv", "xlsx"], "it": ["txt", "txt"], "health": ["docx", "txt"], "applications": ["json", "csv"],
                          "decoy": ["txt", "docx", "csv"], "policy": ["txt", "docx", "html"]}[kind])
        rel = f"docs/{i:04d}-{kind}.{fmt}"
        findings = []

        def f(t, v):
            findings.append({"type": t, "value": v})
            return v

        if kind in ("register", "finance", "applications") or (kind == "decoy" and fmt == "csv"):
            if kind == "register":
                header = ["Learner", g.r.choice(["Date of Birth", "DOB", "Birth date", "date_of_birth"]), g.r.choice(["NI Number", "NINO", "National Insurance No"]),
                          "Email", g.r.choice(["Mobile", "Phone", "Contact number"]), "Postcode", "ULN", "UPN", "Ethnicity", "Medical conditions", "Enrolment date"]
            elif kind == "finance":
                header = ["Payee", "Sort code", "Account number", "Card number", "Expiry", "IBAN"]
            elif kind == "applications":
                header = ["Applicant", "UCAS Personal ID", "Passport number", "BRP number", "UTR", "Unspent convictions", "NHS number"]
            else:
                header = ["Order", "Reference", "Amount", "Date", "Status"]
            rows = [header]
            for _ in range(g.r.randint(2, 8)):
                name = g.name()
                if kind == "register":
                    cond = g.r.choice(CONDITIONS + ["None", "None", "N/A"])
                    eth = g.r.choice(ETHNICITIES + ["Prefer not to say"])
                    row = [name, f("dob", g.dob()), f("uk.nino", g.nino()), f("email", g.email(name)), f("uk.phone", g.mobile()),
                           f("uk.postcode", g.postcode()), f("uk.uln", g.uln()), f("uk.upn", g.upn()), eth, cond,
                           g.r.choice(["01/09/2023", "2024-09-02", "05/09/2022"])]
                    if eth != "Prefer not to say":
                        f("special.ethnicity", eth)
                    if cond in CONDITIONS:
                        f("special.health", cond)
                elif kind == "finance":
                    sc, acc = g.sort_account()
                    row = [name, sc, acc, f("payment.card", g.card()), f"{g.r.randint(1, 12):02d}/{g.r.randint(25, 30)}", f("iban", g.iban())]
                    f("uk.bank.account", sc + "\t" + acc)
                elif kind == "applications":
                    conv = g.r.choice(["None", "No", "Yes, " + g.r.choice(OFFENCES) + " 2019"])
                    row = [name, f("ucas.id", g.ucas()), f("uk.passport", g.passport()), f("uk.brp", g.brp()), f("uk.utr", g.utr()), conv,
                           f("uk.nhs", g.nhs())]
                    if conv.startswith("Yes"):
                        f("special.criminal", conv)
                else:
                    row = [str(g.r.randint(10000, 99999)), str(g.r.randint(1000000000, 9999999999)), f"{g.r.randint(5, 900)}.00",
                           f"{g.r.randint(1, 28):02d}/{g.r.randint(1, 12):02d}/2024", g.r.choice(["paid", "open"])]
                rows.append(row)
            if fmt == "csv":
                import csv
                import io
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\n").writerows(rows)
                data = buf.getvalue().encode()
                # In a CSV the tab joins sort code and account only inside Trawl's row; label it as read.
            elif fmt == "json":
                data = json.dumps([dict(zip(header, r)) for r in rows[1:]], indent=1).encode()
            else:
                data = xlsx(rows)
            save(rel, data, findings, level_of(findings))
            continue

        paras = []
        if kind == "letter":
            name = g.name()
            nino = g.nino()
            if fmt == "docx" and " " in nino and g.r.random() < 0.5:
                nino = nino.replace(" ", "\u00a0")  # Word keeps identifiers together with no-break spaces
            ni_phrase = g.r.choice(["your National Insurance number as {}", "your NI number as {}", "NINO {}", "{} (your N.I. No.)",
                                    "your national insurance no. {}"])
            dob_phrase = g.r.choice(["your date of birth as {}", "that you were born on {}", "DOB {}", "{} as your birthday"])
            paras += [f"Dear {name.split()[0]},", g.words(20) + ".",
                      f"Our records show {dob_phrase.format(f('dob', g.dob()))} and {ni_phrase.format(f('uk.nino', nino))}.",
                      f"Reference numbers {g.r.randint(1000000000, 9999999999)} and {g.r.randint(100000000, 999999999)} relate to your enrolment on {g.r.randint(1, 28)}/{g.r.randint(1, 12)}/2023.",
                      f"We will write to you at {g.r.randint(1, 99)} {g.r.choice(STREETS)}, {g.r.choice(TOWNS)} {f('uk.postcode', g.postcode())}.",
                      f"You can reply by email to {g.r.choice(['admissions', 'info', 'enquiries'])}@northfield-college.ac.uk; we have your email as {f('email', g.email(name))}.",
                      f"If we need to call, we will use {f('uk.phone', g.landline())} (home telephone).", g.words(15) + "."]
        elif kind == "hr" and fmt == "json":
            name = g.name()
            dob = g.dob_date()
            record = {"name": name, "niNumber": f("uk.nino", g.nino()), "dateOfBirth": f("dob", dob.isoformat()),
                      "drivingLicence": f("uk.driving_licence", g.licence(name, dob)), "passportNumber": f("uk.passport", g.passport()),
                      "tradeUnion": f("special.trade_union", g.r.choice(UNIONS)), "religion": f("special.religion", g.r.choice(RELIGIONS)),
                      "notes": g.words(12)}
            save(rel, json.dumps({"staff": [record]}, indent=2).encode(), findings, level_of(findings))
            continue
        elif kind == "hr":
            name = g.name()
            dob = g.dob_date()
            paras += [f"Staff record for {name}",
                      f"Name: {name}\nNI number: {f('uk.nino', g.nino())}\nDate of birth: {f('dob', dob.strftime('%d/%m/%Y'))}\n"
                      f"Driving licence: {f('uk.driving_licence', g.licence(name, dob))}\nPassport number: {f('uk.passport', g.passport())}\n"
                      f"Trade union: {f('special.trade_union', g.r.choice(UNIONS))}\nReligion: {f('special.religion', g.r.choice(RELIGIONS))}",
                      g.words(25) + "."]
        elif kind == "it":
            name = g.name()
            paras += [f"Device register entry for {name}",
                      f"User {name.split()[0].lower()} logged in from {f('ip.address', g.ip())}; laptop MAC address {f('mac.address', g.mac())}.",
                      f"db_password = {f('credential.password', g.password())}",
                      f"aws_access_key_id = {f('credential.token', g.token())}",
                      "Build server version 2.4.1.3 restarted; checksum 3C:22:FB:9A:01:7E verified; uptime 12:30:45."]
        elif kind == "health":
            name = g.name()
            layout = g.r.randrange(3)
            if layout == 0:
                record = f"Pupil name: {name}. NHS number: {f('uk.nhs', g.nhs())}. Medical conditions: {f('special.health', g.r.choice(CONDITIONS))}"
            elif layout == 1:
                # A form whose labels sit on the line above their values.
                record = f"Pupil name:\n{name}\nNHS No:\n{f('uk.nhs', g.nhs())}\nDate of birth:\n{f('dob', g.dob())}"
            else:
                record = (f"{name} (NHS number {f('uk.nhs', g.nhs())}) was diagnosed with {f('special.health', g.r.choice(CONDITIONS))} "
                          f"in {g.r.randint(2015, 2023)} and has a care plan.")
            paras += [f"Support plan for {name}", record,
                      f"Parent contact: {f('email', g.email(g.name()))}, mobile {f('uk.phone', g.mobile())}.",
                      g.words(20) + "."]
        elif kind == "decoy":
            bad = g.bad_card()
            paras += ["Reference numbers and dates from the finance system.",
                      f"Invoice {g.r.randint(100000000, 999999999)} paid on {g.r.randint(1, 28)}/{g.r.randint(1, 12)}/2023; order {g.r.randint(1000000000, 9999999999)}.",
                      f"Test data: NI number QQ 12 34 56 A, card number 4111 1111 1111 1111, phone 07700 900{g.r.randint(100, 999)}, NHS number 999 000 0018.",
                      f"Card reference {bad[:4]} {bad[4:8]} {bad[8:12]} {bad[12:]} was rejected (fails its check).",
                      f"Room ZW{g.r.randint(1000000, 9999999)} is booked; meeting at 10:30; version {g.r.randint(1, 9)}.{g.r.randint(0, 9)}.{g.r.randint(0, 9)}.{g.r.randint(0, 9)}.",
                      "Shapes that are not postcodes: AA9 9AA, QQ1 1AA. Temporary reference 12 A1 23 45.",
                      "Contact info@northfield-college.ac.uk or exams@northfield-college.ac.uk."]
        else:  # policy
            paras += g.r.sample(POLICY_TEXT, 4)
            paras.append("Staff should know what to do if a learner is diagnosed with a condition, and must report anyone "
                         "convicted of an offence against children.")
        text_paras = paras
        if fmt == "txt":
            data = ("\n\n".join(text_paras) + "\n").encode()
        elif fmt == "html":
            data = ("<!DOCTYPE html><html><body>" + "".join(f"<p>{ms.esc(p)}</p>" for p in text_paras) + "</body></html>").encode()
        else:
            body = ""
            for p in text_paras:
                for line in p.split("\n"):
                    body += ms.w_p(line)
            data = ms.docx(body)
        save(rel, data, findings, level_of(findings))

    with open(os.path.join(out, "labels.json"), "w") as fh:
        json.dump({"seed": seed, "files": labels}, fh, indent=1)


def xlsx(rows):
    """A minimal but valid xlsx with inline strings."""
    def cell(ref, v):
        return f'<c r="{ref}" t="inlineStr"><is><t>{ms.esc(v)}</t></is></c>'
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    for i, r in enumerate(rows, 1):
        sheet += f'<row r="{i}">' + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r)) + "</row>"
    sheet += "</sheetData></worksheet>"
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{ms.REL_NS}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    root = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{ms.REL_NS}">'
            f'<Relationship Id="rId1" Type="{ms.OFFDOC}" Target="xl/workbook.xml"/></Relationships>')
    return ms.zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", root), ("xl/workbook.xml", workbook),
                         ("xl/_rels/workbook.xml.rels", rels), ("xl/worksheets/sheet1.xml", sheet)])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    build(a.dir, a.docs, a.seed)
