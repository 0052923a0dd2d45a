#!/usr/bin/env python3
"""Generate the evaluation share: a further-education college's file share with the truth.

  scripts/eval-share.py OUT_DIR [--seed N] [--scale K]

Writes OUT_DIR/share/ (a few hundred files at scale 1: admissions, hr, mis-exports, safeguarding,
network-logs, public-website, governance, teaching, policies, finance, equality, it, mail,
archive, absence records) and OUT_DIR/truth.json. The documents are written from what a college's documents look
like, not from the detector's rules; the truth records, for every file, its level under the
classification policy in PRODUCT.md with a one-line why, the values planted in it (type and value
as written), the decoys (values that look like personal data and must not be reported: examples
in teaching notes, placeholder credentials, infrastructure addresses), the neutral values (the
college's own switchboard, campus postcodes and role mailboxes, staff work addresses, a supplier's
business details: reporting them is neither right nor wrong, they must not make a file personal),
and a note where the level depends on a policy choice. Members of a zip or an email are scored
with the file on disk that holds them. Scored by scripts/eval-share-score.py.
"""
import argparse
import json
import os
import random
import sys

sys.dont_write_bytecode = True  # the helper modules beside this script leave no cache in the checkout
from share_formats import DOCX_MIME, docx, eml, html, render, text, xlsx, zip_bytes
from share_people import MONTHS, People, ordinal

COLLEGE = "Fosse Vale College"
DOMAIN = "fossevale.ac.uk"
SWITCHBOARD = ["0116 204 8800", "+44 (0)116 204 8800"]
CAMPUSES = [("Abbey Meadows Campus", "Abbey Meadows Road", "Leicester", "LE4 5AQ"),
            ("Charnwood Campus", "Granby Street", "Loughborough", "LE11 3TU"),
            ("Hinckley Campus", "Lower Bond Street", "Hinckley", "LE10 1HQ")]
ROLE_BOXES = [f"{b}@{DOMAIN}" for b in ("admissions", "hr", "safeguarding", "info", "dpo", "payroll", "itservicedesk", "exams")]
LEVELS = ["Public", "Internal", "Restricted", "Confidential"]
COURSES = ["Level 3 Extended Diploma in Engineering", "Level 2 Hairdressing", "Access to HE Diploma (Nursing)",
           "Level 1 Construction Multi-Skills", "T Level in Digital Production", "Level 3 Health and Social Care",
           "Level 2 Professional Cookery", "ESOL Entry 3", "GCSE English resit", "Level 3 Public Services",
           "Level 2 Motor Vehicle", "Level 3 Business", "Supported Internship"]

HEALTH = ["Dyslexia, uses a reader in exams", "Asthma - carries an inhaler", "Type 1 diabetes", "Epilepsy (controlled by medication)",
          "Autism spectrum condition", "ADHD, medicated", "Anxiety and depression", "Hearing impairment - uses hearing aids",
          "Dyspraxia", "Crohn's disease", "Visual impairment", "Mild cerebral palsy", "Sickle cell anaemia", "Dyscalculia"]
ETHNICITY = ["White - English/Welsh/Scottish/Northern Irish/British", "Asian or Asian British - Indian",
             "Asian or Asian British - Pakistani", "Black or Black British - African", "Black or Black British - Caribbean",
             "Mixed - White and Black Caribbean", "White - Any other White background", "Asian or Asian British - Bangladeshi",
             "Chinese", "White - Gypsy or Irish Traveller", "Arab"]
RELIGION = ["Muslim", "Christian", "Sikh", "Hindu", "Jewish", "Buddhist", "Roman Catholic"]
CRIMINAL = ["Yes - details: caution for criminal damage, March 2023", "Yes - details: conviction for shoplifting, Leicester Magistrates, June 2024",
            "Yes - referral order for assault (2023), now completed", "Yes - details: drink driving conviction 2022, 12 month ban"]
CLEAN = ["None", "No", "N/A", "Prefer not to say", ""]
TICKS = ["Asthma", "Diabetes", "Epilepsy", "Heart condition", "Severe allergy (anaphylaxis)"]


class Doc:
    """One file's truth, gathered while its text is written."""

    def __init__(self):
        self.values, self.decoys, self.neutral = [], [], []
        self.person = self.special = self.credential = self.payment = self.aggregate = False

    def v(self, type_, value):
        self.values.append({"type": type_, "value": value})
        if type_.startswith("special."):
            self.special = True
        elif type_.startswith("credential."):
            self.credential = True
        elif type_ in ("payment.card", "uk.bank.account", "iban"):
            self.payment = True
        else:
            self.person = True
        return value

    def d(self, type_, value):
        self.decoys.append({"type": type_, "value": value})
        return value

    def n(self, type_, value):
        self.neutral.append({"type": type_, "value": value})
        return value

    def merge(self, other):
        for k in ("values", "decoys", "neutral"):
            getattr(self, k).extend(getattr(other, k))
        for k in ("person", "special", "credential", "payment", "aggregate"):
            setattr(self, k, getattr(self, k) or getattr(other, k))


class Share:
    def __init__(self, out, seed, scale):
        self.root = os.path.join(out, "share")
        self.out = out
        self.r = random.Random(seed)
        self.p = People(self.r)
        self.scale = scale
        self.truth = {}

    def n(self, base):
        return max(1, round(base * self.scale))

    def level(self, doc, published=False):
        if doc.credential or doc.payment or doc.aggregate or (doc.special and doc.person):
            return "Confidential"
        if doc.person:
            return "Restricted"
        return "Public" if published else "Internal"

    def add(self, rel, data, doc, why, choice=None, published=False, members=None, level=None):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        entry = {"level": level or self.level(doc, published), "why": why, "values": doc.values,
                 "decoys": doc.decoys, "neutral": doc.neutral}
        if choice:
            entry["policy_choice"] = choice
        if members:
            entry["members"] = members
        self.truth[rel] = entry

    def college_contact(self, doc, campus=None):
        name, street, town, pc = campus or self.r.choice(CAMPUSES)
        doc.n("uk.postcode", pc)
        tel = doc.n("uk.phone", self.r.choice(SWITCHBOARD))
        return f"{COLLEGE}, {name}, {street}, {town} {pc}. Tel {tel}."

    def fmt(self, choices):
        return self.r.choice(choices)


# ---------------------------------------------------------------- admissions

def special_answers(s, doc, rich):
    """The equality and support section of a form: (rows, had special content)."""
    r = s.r
    rows = []
    if rich and r.random() < 0.6:
        rows.append(["Do you consider yourself to have a learning difficulty, disability or health problem?",
                     "Yes: " + doc.v("special.health", r.choice(HEALTH))])
    else:
        rows.append(["Do you consider yourself to have a learning difficulty, disability or health problem?", r.choice(CLEAN)])
    ticked = r.choice(TICKS) if rich and r.random() < 0.4 else None
    boxes = "  ".join(f"[{'x' if t == ticked else ' '}] {t}" for t in TICKS)
    if ticked:
        doc.v("special.health", ticked)
    rows.append(["Medical conditions we should know about (tick all that apply)", boxes])
    if rich and r.random() < 0.8:
        rows.append(["Ethnicity", doc.v("special.ethnicity", r.choice(ETHNICITY))])
    else:
        rows.append(["Ethnicity", r.choice(["Prefer not to say", "", "Prefer not to say"])])
    if rich and r.random() < 0.3:
        rows.append(["Religion or belief (optional)", doc.v("special.religion", r.choice(RELIGION))])
    else:
        rows.append(["Religion or belief (optional)", r.choice(["Prefer not to say", "", "N/A"])])
    if rich and r.random() < 0.15:
        rows.append(["Do you have any unspent criminal convictions?", doc.v("special.criminal", r.choice(CRIMINAL))])
    else:
        rows.append(["Do you have any unspent criminal convictions?", r.choice(["No", "No", "N/A", ""])])
    return rows


def applicant(s, doc, with_nino=True):
    p, r = s.p, s.r
    first, last = p.name()
    dob = p.birth_date()
    street, town, pc = p.address()
    rows = [["Surname", last], ["First name(s)", first], ["Date of birth", doc.v("dob", p.date_text(dob))],
            ["Gender", r.choice(["Female", "Male", "Female", "Male", "Prefer not to say"])],
            ["Home address", f"{street}, {town}"], ["Postcode", doc.v("uk.postcode", pc)],
            ["Mobile", doc.v("uk.phone", p.mobile())], ["Email", doc.v("email", p.email(first, last))]]
    if with_nino:
        rows.append(["NI Number", doc.v("uk.nino", p.nino()) if r.random() < 0.75 else r.choice(["", "don't know", "N/A"])])
    if r.random() < 0.6:
        rows.append(["ULN (if known)", doc.v("uk.uln", p.uln())])
    rows.append(["School / college last attended", r.choice(["Beaumont Leys School", "Rushey Mead Academy", "Wreake Valley Academy",
                                                              "Home educated", "Lutterworth College", "Castle Rock High School"])])
    rows.append(["Course applied for", r.choice(COURSES)])
    ec_first, ec_last = p.name()
    rows.append(["Emergency contact", f"{ec_first} {last if r.random() < 0.7 else ec_last} ({r.choice(['Mum', 'Dad', 'Aunt', 'Carer', 'Grandmother'])})"])
    rows.append(["Emergency contact number", doc.v("uk.phone", r.choice([p.mobile(), p.landline()]))])
    return first, last, rows


def admissions(s):
    r = s.r
    for i in range(s.n(50)):
        doc = Doc()
        rich = r.random() < 0.7
        first, last, rows = applicant(s, doc)
        rows += special_answers(s, doc, rich)
        fmt = s.fmt(["docx", "docx", "docx", "odt", "rtf", "txt"])
        blocks = [f"{COLLEGE} - Application for full-time study 2025/26", rows,
                  "Declaration: I confirm the information above is correct. Signed: " + f"{first[0]}. {last}"]
        if fmt == "txt":
            blocks = [blocks[0]] + [f"{a}: {b}" for a, b in rows] + [blocks[2]]
        name = f"admissions/applications-2025/{last.replace(' ', '').replace(chr(39), '')}_{first}_application.{fmt}"
        why = ("application form: applicant's identifiers with " +
               ("special-category answers (" + ", ".join(sorted({v['type'] for v in doc.values if v['type'].startswith('special.')})) + ")"
                if doc.special else "only clean answers (None / N/A / Prefer not to say / blank) in the equality section"))
        s.add(name, render(fmt, "", blocks), doc, why)
    for i in range(s.n(24)):
        doc = Doc()
        first, last, rows = applicant(s, doc, with_nino=r.random() < 0.5)
        rows.append(["Bursary applied for", r.choice(["Yes", "No"])])
        rows.append(["Enrolled by", r.choice(["JT", "admissions desk", "SK (Charnwood)"])])
        fmt = s.fmt(["docx", "odt", "txt"])
        s.add(f"admissions/enrolment-forms/enrol_{r.randrange(240000, 249999)}.{fmt}",
              render(fmt, "Enrolment form", [rows] if fmt != "txt" else [f"{a}: {b}" for a, b in rows]), doc,
              "enrolment form: learner's identifiers, no equality section")
    blank_rows = [["Surname", ""], ["First name(s)", ""], ["Date of birth", ""], ["NI Number", ""], ["Postcode", ""],
                  ["Mobile", ""], ["Email", ""], ["Ethnicity", ""], ["Do you have any unspent criminal convictions?", "Yes / No"],
                  ["Do you consider yourself to have a learning difficulty, disability or health problem?", "Yes / No / Prefer not to say"],
                  ["Medical conditions (tick all that apply)", "  ".join(f"[ ] {t}" for t in TICKS)]]
    for fmt in ("docx", "odt", "rtf"):
        doc = Doc()
        s.add(f"admissions/templates/application-form-BLANK.{fmt}", render(fmt, f"{COLLEGE} - Application form", [blank_rows]),
              doc, "blank form template: labels only, no person")
    doc = Doc()
    s.add("admissions/templates/enrolment-checklist.txt", text("Enrolment checklist", [
        "1. Check photo ID (passport, driving licence or BRP) and note the document type only, never the number.",
        "2. Check the ULN on the Learner Record Service before keying.",
        "3. Learners declaring a disability or health condition are referred to Learning Support.",
        "4. Criminal convictions disclosed on the form go to the safeguarding team for a risk assessment.",
        "Queries: " + doc.n("email", "admissions@" + DOMAIN)]).encode(), doc, "procedure: names the categories, no person")


# ---------------------------------------------------------------- hr

def staff(s, doc, cols):
    p, r = s.p, s.r
    first, last = p.name()
    row = {"Staff No": f"E{r.randrange(10000, 99999)}", "Surname": last, "Forename": first,
           "Job Title": r.choice(["Lecturer", "Learning Support Assistant", "Technician", "Curriculum Manager", "Cleaner",
                                  "Receptionist", "Assessor", "Data Officer", "Librarian"]),
           "Department": r.choice(["Engineering", "Hair & Beauty", "Estates", "Student Services", "MIS", "Health & Care"])}
    if "Work Email" in cols:
        row["Work Email"] = doc.v("email", f"{first.lower()}.{last.lower().replace(' ', '').replace(chr(39), '').replace('ś', 's')}@{DOMAIN}")
    if "DOB" in cols:
        row["DOB"] = doc.v("dob", p.date_text(p.birth_date(young=False)))
    if "NI Number" in cols:
        row["NI Number"] = doc.v("uk.nino", p.nino())
    if "Home Postcode" in cols:
        row["Home Postcode"] = doc.v("uk.postcode", p.address()[2])
    if "Mobile" in cols:
        row["Mobile"] = doc.v("uk.phone", p.mobile())
    if "Sort Code" in cols:
        row["Sort Code"] = s.p.sort_code()
        row["Account No"] = doc.v("uk.bank.account", p.account())
    if "Union Deduction" in cols:
        if r.random() < 0.35:
            row["Union Deduction"] = doc.v("special.trade_union", r.choice(["UCU", "UNISON", "GMB"]))
        else:
            row["Union Deduction"] = ""
    if "Salary" in cols:
        row["Salary"] = f"{r.randrange(19000, 52000)}"
    return [row.get(c, "") for c in cols]


def hr(s):
    r, p = s.r, s.p
    cols = ["Staff No", "Surname", "Forename", "Job Title", "Department", "Work Email", "Mobile"]
    doc = Doc()
    rows = [cols] + [staff(s, doc, cols) for _ in range(s.n(60))]
    s.add("hr/staff-lists/all-staff-contact-list.xlsx", xlsx("Staff", rows), doc, "staff list: names with work emails and mobiles")
    cols = ["Staff No", "Surname", "Forename", "DOB", "NI Number", "Home Postcode", "Job Title", "Salary"]
    doc = Doc()
    rows = [cols] + [staff(s, doc, cols) for _ in range(s.n(40))]
    s.add("hr/staff-lists/establishment-2025.csv", "\n".join(",".join(x) for x in rows) + "\n", doc,
          "staff establishment: dates of birth, NI numbers, home postcodes")
    for month in ("2025-06", "2025-07"):
        cols = ["Staff No", "Surname", "Forename", "NI Number", "Sort Code", "Account No", "Salary", "Union Deduction"]
        doc = Doc()
        rows = [cols] + [staff(s, doc, cols) for _ in range(s.n(45))]
        s.add(f"hr/payroll/BACS_export_{month}.csv", "\n".join(",".join(x) for x in rows) + "\n", doc,
              "payroll export: bank accounts (payment) and union deductions against named staff")
    for i in range(s.n(12)):
        doc = Doc()
        first, last = p.name()
        sick = r.random() < 0.8
        rows = [["Employee name", doc.v("person.name", f"{first} {last}")], ["Date of birth", doc.v("dob", p.date_text(p.birth_date(young=False)))],
                ["Job title", r.choice(["Lecturer", "Technician", "Assessor"])],
                ["Reason for referral", doc.v("special.health", r.choice(["Long-term sickness absence", "Return to work after surgery", "Stress at work"]))
                 if sick else r.choice(["Pre-placement health questionnaire (new starter)", "Night-working health assessment"])],
                ["Do you have any ongoing medical conditions?",
                 doc.v("special.health", r.choice(["Lower back pain (sciatica)", "Depression, on sertraline", "Hypertension",
                                                  "Recovering from knee replacement", "Migraines"])) if sick else "None"],
                # Yes to a question about medication says the employee takes some: health data.
                ["Are you taking any medication?", (lambda a: doc.v("special.health", a) if a.startswith("Yes") else a)(
                    r.choice(["Yes - see above", "No"])) if sick else "No"],
                ["GP practice", r.choice(["Westcotes Health Centre", "Charnwood Medical Group"])]]
        fmt = s.fmt(["docx", "odt", "txt"])
        s.add(f"hr/occupational-health/OH_referral_{last.replace(' ', '').replace(chr(39), '')}.{fmt}",
              render(fmt, "Occupational Health Referral - CONFIDENTIAL", [rows] if fmt != "txt" else [f"{a}: {b}" for a, b in rows]),
              doc, "occupational-health questionnaire: " + ("health condition of a named employee" if sick
                                                             else "new-starter questionnaire: date of birth, health answers all None"))
    for i in range(s.n(6)):
        doc = Doc()
        first, last = p.name()
        crim = r.random() < 0.3
        body = [f"Employee: {doc.v('person.name', f'{first} {last}')}, {r.choice(['Lecturer', 'Technician', 'Caretaker'])}",
                f"Hearing held on {r.randrange(1, 28)} {r.choice(MONTHS)} 2025 under the disciplinary procedure.",
                r.choice(["Allegation: repeated late arrival for timetabled classes and failure to follow the absence reporting procedure.",
                          "Allegation: inappropriate comments to colleagues in the staff room, witnessed by two members of staff."])]
        if crim:
            body.append("The employee disclosed that he " + doc.v("special.criminal", "received a police caution for common assault in August 2025")
                        + " and had not informed his line manager.")
            doc.person = True
        else:
            doc.person = True
        body.append(f"Outcome: first written warning, to remain on file for 12 months. {first} was reminded of the right of appeal.")
        fmt = s.fmt(["docx", "rtf", "txt"])
        s.add(f"hr/casework/disciplinary-outcome-{last.lower().replace(' ', '').replace(chr(39), '')}.{fmt}", render(fmt, "Disciplinary outcome letter", body), doc,
              "disciplinary record about a named employee (name the only identifier)" + ("; criminal offence" if crim else ""))
    for i in range(s.n(12)):
        doc = Doc()
        first, last = p.name()
        health = r.random() < 0.35
        he = "she" if r.random() < 0.5 else "he"
        body = [f"Reference for {doc.v('person.name', f'{first} {last}')}",
                f"I have known {first} for two years as {r.choice(['her', 'his'])} personal tutor on the {r.choice(COURSES)}.",
                f"{first} has an attendance record of {r.randrange(82, 99)}% and is predicted {r.choice(['Distinction', 'Merit', 'D*DD'])}.",
                f"{he.capitalize()} is reliable, works well in a team and takes feedback on board."]
        if health:
            body.append(f"{first} has managed {doc.v('special.health', r.choice(['her epilepsy', 'his type 1 diabetes', 'a long period of anxiety']))} "
                        "with great maturity and this has not affected the quality of the work.")
        doc.person = True
        body.append(f"Yours faithfully, {p.name()[0]} {p.name()[1]}, Personal Tutor")
        fmt = s.fmt(["docx", "rtf", "odt", "txt"])
        s.add(f"hr/references/ref_{first}_{last.replace(' ', '').replace(chr(39), '')}.{fmt}", render(fmt, "", body), doc,
              "reference about a named student (name the only identifier)" + ("; with a health condition" if health else ""))


# ---------------------------------------------------------------- MIS exports

def learner_row(s, doc, cols, special=True):
    p, r = s.p, s.r
    first, last = p.name()
    out = []
    for c in cols:
        k = c.lower()
        if k in ("uln",):
            out.append(doc.v("uk.uln", p.uln()))
        elif k in ("learner ref", "learnrefnumber", "student id", "stu_id"):
            out.append(doc.v("student.id", f"{r.randrange(24000000, 24999999)}"))
        elif k in ("surname", "family name", "last_name"):
            out.append(last)
        elif k in ("forename", "given names", "first_name"):
            out.append(first)
        elif k in ("d.o.b", "dob", "date of birth", "birth_date"):
            out.append(doc.v("dob", p.date_text(p.birth_date())))
        elif k in ("ni number", "nino", "ni_no"):
            out.append(doc.v("uk.nino", p.nino()) if r.random() < 0.8 else "")
        elif k in ("postcode", "home postcode", "post_code"):
            out.append(doc.v("uk.postcode", p.address()[2]))
        elif k in ("mobile", "tel", "phone"):
            out.append(doc.v("uk.phone", p.mobile()))
        elif k in ("email", "personal email"):
            out.append(doc.v("email", p.email(first, last)))
        elif k in ("ethnicity",):
            out.append(doc.v("special.ethnicity", r.choice(ETHNICITY)) if special and r.random() < 0.85 else "Not provided")
        elif k in ("lldd", "lldd & health problem", "disability"):
            if special and r.random() < 0.3:
                out.append(doc.v("special.health", r.choice(["Dyslexia", "Autism spectrum disorder", "Social and emotional difficulties",
                                                             "Mental health difficulty", "Hearing impairment"])))
            else:
                out.append(r.choice(["None", "No", "Prefer not to say", ""]))
        elif k in ("course", "aim title"):
            out.append(r.choice(COURSES))
        elif k in ("status",):
            out.append(r.choice(["Continuing", "Withdrawn", "Completed", "Transferred"]))
        elif k in ("attendance %",):
            out.append(f"{r.randrange(55, 100)}")
        else:
            out.append("")
    return out


def dialect(s, rows, kind):
    """Rows as an MIS export in one of the dialects people get from SQL and Excel."""
    def esc_csv(v, sep):
        return f'"{v}"' if sep in v or '"' in v else v
    if kind == "semicolon":
        return ("\n".join(";".join(esc_csv(v, ";") for v in row) for row in rows) + "\n").encode()
    if kind == "tab":
        return ("\n".join("\t".join(row) for row in rows) + "\n").encode()
    if kind == "pipe":
        return ("\n".join("|".join(row) for row in rows) + "\n").encode()
    if kind == "bom":
        return "\ufeff".encode() + ("\r\n".join(",".join(esc_csv(v, ",") for v in row) for row in rows) + "\r\n").encode()
    if kind == "sep":
        return ("sep=;\r\n" + "\r\n".join(";".join(row) for row in rows) + "\r\n").encode("cp1252", "replace")
    if kind == "title":
        return (f"Learner export - run by MIS on {s.r.randrange(1, 28)}/0{s.r.randrange(1, 9)}/2025 - {len(rows) - 1} rows\n\n"
                + "\n".join(",".join(esc_csv(v, ",") for v in row) for row in rows) + "\n").encode()
    return ("\n".join(",".join(esc_csv(v, ",") for v in row) for row in rows) + "\n").encode()


def mis(s):
    r = s.r
    layouts = [(["ULN", "Surname", "Forename", "D.O.B", "NI Number", "Postcode", "Course"], False),
               (["Learner Ref", "ULN", "Surname", "Forename", "DOB", "Ethnicity", "LLDD & Health Problem", "Course"], True),
               (["STU_ID", "LAST_NAME", "FIRST_NAME", "BIRTH_DATE", "POST_CODE", "PHONE", "Status"], False),
               (["Student ID", "Surname", "Forename", "Personal Email", "Mobile", "Course", "Attendance %"], False),
               (["ULN", "Family Name", "Given Names", "Date of Birth", "Ethnicity", "Disability", "Home Postcode"], True)]
    kinds = [("semicolon", "csv"), ("tab", "txt"), ("pipe", "dat"), ("bom", "csv"), ("sep", "csv"), ("title", "csv"),
             ("tab", "tsv"), ("comma", "txt"), ("pipe", "txt"), ("semicolon", "dat"), ("comma", "csv"), ("bom", "txt")]
    for i in range(s.n(18)):
        cols, special = layouts[i % len(layouts)]
        kind, ext = kinds[i % len(kinds)]
        doc = Doc()
        rows = [cols] + [learner_row(s, doc, cols, special) for _ in range(r.randrange(15, 60))]
        why = "learner export: identifiers" + (" with ethnicity / LLDD columns about each learner" if doc.special else "")
        s.add(f"mis-exports/{r.choice(['ProSolution', 'EBS', 'UNIT-e'])}_export_{i:02d}_{kind}.{ext}", dialect(s, rows, kind), doc, why)
    cols = ["ULN", "Surname", "Forename", "Postcode", "Course", "Status"]
    doc = Doc()
    rows = [cols] + [learner_row(s, doc, cols) for _ in range(1200)]
    doc.aggregate = True
    s.add("mis-exports/all_learners_2024-25_FULL.csv", dialect(s, rows, "comma"), doc,
          "1200 learners' identifiers in one file: the large-aggregate rule (1000+ records)")
    doc = Doc()
    cols = ["Student ID", "Surname", "Forename", "DOB", "Ethnicity", "LLDD", "Course"]
    rows = [cols] + [learner_row(s, doc, cols) for _ in range(30)]
    s.add("mis-exports/high-needs-learners.xlsx", xlsx("HNS", rows), doc, "learner list with LLDD and ethnicity per learner")
    # ILR-style XML: ethnicity and LLDD as codes, as the funding return holds them.
    for i in range(2):
        doc = Doc()
        p = s.p
        learners = []
        for _ in range(r.randrange(8, 20)):
            first, last = p.name()
            d = p.birth_date()
            eth = r.choice(["31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "46", "98", "99"])
            lldd = r.choice(["1", "2", "2", "9"])
            # The ILR's 98 is "any other ethnic group", an answer; 99 is "not provided".
            if eth != "99":
                doc.v("special.ethnicity", eth)
            if lldd == "1":
                doc.v("special.health", "LLDDHealthProb 1")
            learners.append(
                f"  <Learner>\n    <LearnRefNumber>{doc.v('student.id', str(r.randrange(24000000, 24999999)))}</LearnRefNumber>\n"
                f"    <ULN>{doc.v('uk.uln', p.uln())}</ULN>\n    <FamilyName>{last}</FamilyName>\n    <GivenNames>{first}</GivenNames>\n"
                f"    <DateOfBirth>{doc.v('dob', d.isoformat())}</DateOfBirth>\n    <Ethnicity>{eth}</Ethnicity>\n"
                f"    <Sex>{r.choice('FM')}</Sex>\n    <LLDDHealthProb>{lldd}</LLDDHealthProb>\n"
                f"    <NINumber>{doc.v('uk.nino', p.nino().upper().replace(' ', ''))}</NINumber>\n"
                f"    <Postcode>{doc.v('uk.postcode', p.address()[2].upper())}</Postcode>\n  </Learner>")
        xml = ('<?xml version="1.0" encoding="utf-8"?>\n<Message xmlns="ESFA/ILR/2024-25">\n<Header><CollectionDetails>'
               '<Collection>ILR</Collection><Year>2425</Year></CollectionDetails></Header>\n' + "\n".join(learners) + "\n</Message>\n")
        s.add(f"mis-exports/ILR-2425-R{i + 10:02d}.xml", xml, doc,
              "ILR extract: identifiers with Ethnicity and LLDDHealthProb codes per learner",
              choice="ethnicity and LLDD held as ILR codes: special-category only if codes count as values")
    for i in range(2):
        doc = Doc()
        recs = []
        for _ in range(r.randrange(5, 15)):
            first, last = p.name()
            recs.append({"learnerId": int(doc.v("student.id", str(r.randrange(24000000, 24999999)))), "uln": doc.v("uk.uln", p.uln()), "surname": last,
                         "forename": first, "dateOfBirth": doc.v("dob", p.birth_date().isoformat()),
                         "mobile": doc.v("uk.phone", p.mobile()), "email": doc.v("email", p.email(first, last)),
                         "course": r.choice(COURSES)})
        s.add(f"mis-exports/api/learners_page{i + 1}.json", json.dumps({"page": i + 1, "results": recs}, indent=2, ensure_ascii=False),
              doc, "MIS API page: learners' identifiers")
    doc = Doc()
    pcs = [doc.v("ucas.id", s.p.ucas()) for _ in range(12)]
    rows = [["Name", "UCAS Personal ID", "Firm choice", "Insurance"]] + [
        [doc.v("person.name", " ".join(s.p.name())), pc, r.choice(["De Montfort", "Leicester", "Loughborough", "NTU"]), r.choice(["Derby", "Coventry", "Lincoln"])]
        for pc in pcs]
    s.add("mis-exports/he-progression-ucas.xlsx", xlsx("UCAS", rows), doc, "HE progression tracker: names with UCAS personal IDs")
    doc = Doc()
    rows = [["UPN", "Surname", "Forename", "School", "SEN support"]]
    for _ in range(15):
        first, last = s.p.name()
        sen = r.random() < 0.3
        rows.append([doc.v("uk.upn", s.p.upn()), last, first, r.choice(["Rushey Mead Academy", "Judgemeadow Community College"]),
                     doc.v("special.health", r.choice(["EHCP - speech and language", "SEN support - MLD"])) if sen else "N"])
    s.add("mis-exports/school-transition-data.csv", "\n".join(",".join(x) for x in rows) + "\n", doc,
          "feeder-school transition file: UPNs with SEN status per pupil")


# ---------------------------------------------------------------- safeguarding

CONCERNS = ["disclosed self-harm (cutting) to her tutor and said she has been feeling low since the summer",
            "told staff that he is being kept awake by arguments at home and that his mother's partner hit him",
            "appears to be losing weight and staff are concerned about an eating disorder",
            "is pregnant and has asked about support with childcare",
            "was seen with older males in a car outside the Charnwood campus; possible CSE indicators",
            "has been diagnosed with PTSD and is under CAMHS",
            "disclosed that she is gay and that her family have threatened to send her abroad"]
CONCERN_TYPE = ["special.health", None, "special.health", "special.health", None, "special.health", "special.sexual_orientation"]
MUNDANE = ["has missed 9 sessions this half term; phone call home made, mum says transport is the issue",
           "has been late to most morning sessions; agreed a target to arrive by 9:00",
           "is struggling with bus fares; referred to the bursary team",
           "has not handed in Unit 4; extension agreed to 14 November"]


def safeguarding(s):
    r, p = s.r, s.p
    for i in range(s.n(16)):
        doc = Doc()
        first, last = p.name()
        k = r.randrange(len(CONCERNS))
        concern = CONCERNS[k]
        if CONCERN_TYPE[k]:
            doc.v(CONCERN_TYPE[k], concern)
        doc.person = True
        body = [f"Student: {doc.v('person.name', f'{first} {last}')}", f"Course: {r.choice(COURSES)}", f"Date of concern: {r.randrange(1, 28)}/{r.randrange(9, 12)}/2025",
                f"Concern: {first} {concern}.", "Action: DSL informed; parent/carer not contacted at student's request; follow-up in 48 hours.",
                "Referred by: Personal Tutor"]
        mash = r.random() < 0.35
        if mash:
            body = ["OFFICIAL-SENSITIVE"] + body + ["Shared with the local authority MASH under the Working Together protocol.", "OFFICIAL-SENSITIVE"]
        fmt = s.fmt(["docx", "txt", "odt", "rtf"])
        s.add(f"safeguarding/referrals/2025-26/referral_{r.randrange(100, 999)}_{last.replace(' ', '').replace(chr(39), '')}.{fmt}",
              render(fmt, "Safeguarding referral form - DSL only", body), doc,
              "safeguarding referral about a named student" + (" with special-category content" if CONCERN_TYPE[k] else " (no special category)")
              + ("; marked OFFICIAL-SENSITIVE (a Confidential floor)" if mash else ""),
              choice=None if CONCERN_TYPE[k] or mash else "safeguarding concern without health/criminal content: Restricted by the default policy",
              level="Confidential" if mash else None)
    for i in range(s.n(18)):
        doc = Doc()
        first, last = p.name()
        special = r.random() < 0.4
        notes = []
        for _ in range(r.randrange(2, 5)):
            notes.append(f"{r.randrange(1, 28)}/{r.randrange(9, 13)}/25 - {first} {r.choice(MUNDANE)}.")
        if special:
            notes.append(f"{r.randrange(1, 28)}/12/25 - {first} " + doc.v("special.health", r.choice(
                ["told me she has started medication for depression", "has an appointment with the eating disorders service",
                 "had a seizure in the workshop; ambulance called"])) + ".")
        doc.person = True
        fmt = s.fmt(["txt", "docx"])
        # The file is named after its student, as casework is: the name in it is planted too.
        s.add(f"safeguarding/casework/{doc.v('person.name', f'{first} {last}')} - case notes.{fmt}", render(fmt, f"Case notes: {doc.v('person.name', f'{first} {last}')}", notes), doc,
              "casework notes about a named student" + (" with health content" if special else " (attendance, finance only)"))


# ---------------------------------------------------------------- network logs

def netlogs(s):
    r, p = s.r, s.p
    for i in range(2):
        doc = Doc()
        lines = []
        for _ in range(s.n(25)):
            first, last = p.name()
            ip, mac = doc.v("ip.address", p.ip("10.20")), doc.v("mac.address", p.mac())
            lines.append(f"lease {ip} {{\n  starts 3 2025/09/{r.randrange(1, 30):02d} 08:{r.randrange(60):02d}:11;\n  ends 3 2025/09/{r.randrange(1, 30):02d} 16:00:11;\n"
                         f"  hardware ethernet {mac};\n  client-hostname \"LAPTOP-{first[0].upper()}{last.upper().replace(' ', '')[:7]}\";\n}}")
        s.add(f"network-logs/dhcp/dhcpd.leases.{i}", "\n".join(lines) + "\n", doc, "DHCP leases: IP and MAC tied to named device hostnames")
    for i in range(2):
        doc = Doc()
        lines = []
        for _ in range(s.n(30)):
            user = f"{r.randrange(24000000, 24999999)}" if r.random() < 0.5 else p.login(*p.name())
            mac = doc.v("mac.address", p.mac("-").upper())
            ip = doc.v("ip.address", p.ip("10.40"))
            lines.append(f"Sep {r.randrange(1, 30):2d} 0{r.randrange(8, 10)}:{r.randrange(60):02d}:{r.randrange(60):02d} nps01 radiusd[2211]: "
                         f"Login OK: [{doc.v('email', user + '@students.' + DOMAIN)}] (from client WLC-ABBEY port 0 cli {mac}) Framed-IP-Address = {ip}")
        s.add(f"network-logs/radius/radius-2025-09-{i + 1:02d}.log", "\n".join(lines) + "\n", doc, "RADIUS: usernames with client MACs and framed IPs")
    doc = Doc()
    lines = []
    for _ in range(s.n(20)):
        user = p.login(*p.name(), sep=".")
        pub = doc.v("ip.address", f"{r.choice([81, 86, 92, 109, 212])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}")
        vpn = doc.v("ip.address", p.ip("172.16"))
        lines.append(f"2025-10-0{r.randrange(1, 9)} 19:{r.randrange(60):02d}:01 openvpn[912]: {user}/{pub}:{r.randrange(40000, 60000)} "
                     f"MULTI_sva: pool returned IPv4={vpn}, IPv6=(Not enabled)")
    s.add("network-logs/vpn/openvpn.log", "\n".join(lines) + "\n", doc, "VPN log: staff usernames tied to home and pool IPs")
    doc = Doc()
    lines = []
    for _ in range(s.n(30)):
        ip = doc.v("ip.address", p.ip("10.20"))
        user = f"{r.randrange(24000000, 24999999)}"
        lines.append(f"{1759300000 + r.randrange(100000)}.{r.randrange(1000):03d}    {r.randrange(5, 900)} {ip} TCP_MISS/200 {r.randrange(500, 90000)} "
                     f"GET https://{r.choice(['www.bbc.co.uk', 'classroom.google.com', 'www.tiktok.com', 'www.nhs.uk'])}/ {user} HIER_DIRECT/{doc.n('ip.address', r.choice(['151.101.0.81', '142.250.187.206']))} text/html")
    s.add("network-logs/proxy/access.log", "\n".join(lines) + "\n", doc, "web proxy: client IPs with student usernames",
          choice="the upstream servers' IPs (public web hosts) are not personal data: neutral")
    doc = Doc()
    lines = []
    for _ in range(s.n(20)):
        mac = doc.v("mac.address", p.mac())
        ip = doc.v("ip.address", p.ip("10.60"))
        first, last = p.name()
        lines.append(f"*apfMsConnTask_2: Oct 02 10:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(1000):03d}: {mac} Client "
                     f"associated to AP AP-ABBEY-B{r.randrange(1, 3)}-{r.randrange(10, 40)} SSID FVC-Staff user {first[0].lower()}{last.lower().replace(' ', '')[:8]} "
                     f"device \"{first}'s iPhone\" IP {ip}")
    s.add("network-logs/wifi/wlc-syslog-2025-10-02.txt", "\n".join(lines) + "\n", doc, "Wi-Fi controller: MACs and IPs tied to users and named devices")
    doc = Doc()
    lines = []
    servers = [doc.d("ip.address", f"10.0.{x}.{y}") for x, y in ((1, 10), (1, 11), (2, 5), (2, 6), (3, 1))]
    for _ in range(25):
        a, b = r.sample(servers, 2)
        lines.append(f"Oct  2 02:{r.randrange(60):02d}:{r.randrange(60):02d} fw01 kernel: [UFW ALLOW] IN=eth1 OUT=eth2 SRC={a} DST={b} "
                     f"PROTO=TCP SPT={r.randrange(30000, 60000)} DPT={r.choice([443, 1433, 445, 389])}")
    s.add("network-logs/firewall/fw01-core.log", "\n".join(lines) + "\n", doc, "server-to-server firewall log: infrastructure addresses, no person",
          choice="IPs of servers tied to no user are not personal data (decoys)")


# ---------------------------------------------------------------- public website

def website(s):
    r = s.r
    nav = '<a href="/">Home</a> <a href="/courses/">Courses</a> <a href="/contact/">Contact us</a>'
    choice = "Public needs the policy to declare public-website/ published (published_paths); otherwise Internal"
    for campus in CAMPUSES:
        doc = Doc()
        name, street, town, pc = campus
        blocks = [f"{name}, {street}, {town} {doc.n('uk.postcode', pc)}", f"Switchboard: {doc.n('uk.phone', r.choice(SWITCHBOARD))}",
                  f"Admissions enquiries: {doc.n('email', 'admissions@' + DOMAIN)}", "Opening hours: Monday to Thursday 8:30 - 19:00, Friday 8:30 - 16:30.",
                  "Bus routes 14, 14A and 54 stop outside the main entrance. Free parking for visitors."]
        s.add(f"public-website/campuses/{name.lower().replace(' ', '-')}.html", html(f"{name} - {COLLEGE}", blocks, nav), doc,
              "campus page: the college's address, switchboard and role mailbox", choice=choice, published=True)
    doc = Doc()
    blocks = ["Get in touch", [["Admissions", doc.n("email", "admissions@" + DOMAIN)], ["Exams office", doc.n("email", "exams@" + DOMAIN)],
                               ["Data Protection Officer", doc.n("email", "dpo@" + DOMAIN)], ["Switchboard", doc.n("uk.phone", SWITCHBOARD[0])]],
              s.college_contact(doc, CAMPUSES[0])]
    s.add("public-website/contact/index.html", html("Contact us", blocks, nav), doc, "contact page: role mailboxes and switchboard", choice=choice, published=True)
    for i, course in enumerate(r.sample(COURSES, 6)):
        doc = Doc()
        blocks = [f"Who is it for? Learners aged 16-18 with {r.choice(['four GCSEs at grade 4', 'a Level 2 qualification', 'an interest in the industry'])}.",
                  "What will I study? Practical workshops, work placement and English and maths where needed.",
                  "Support: if you have a learning difficulty or disability, tell us on your application and our Learning Support team will contact you.",
                  f"Apply online or email {doc.n('email', 'admissions@' + DOMAIN)}."]
        s.add(f"public-website/courses/course-{i:02d}.html", html(course, blocks, nav), doc, "course page: no person", choice=choice, published=True)
    doc = Doc()
    blocks = ["Privacy notice for learners",
              "We collect your name, address, date of birth, National Insurance number, ethnicity, disability and health information, "
              "and details of unspent criminal convictions, to enrol you and to make the returns the ESFA requires.",
              "Special category data (ethnicity, health, religion, sexual orientation) is used for equality monitoring only.",
              f"Contact our Data Protection Officer at {doc.n('email', 'dpo@' + DOMAIN)}."]
    s.add("public-website/privacy/learners.html", html("Privacy notice", blocks, nav), doc,
          "privacy notice: names the special categories, no person", choice=choice, published=True)
    doc = Doc()
    rows = [["Name", "Email", "Mobile", "Session"]]
    for _ in range(14):
        first, last = s.p.name()
        rows.append([doc.v("person.name", f"{first} {last}"), doc.v("email", s.p.email(first, last)), doc.v("uk.phone", s.p.mobile()),
                     r.choice(["10:00", "13:30"])])
    s.add("public-website/events/open-evening-bookings.html", html("Open evening bookings (staff view)", [rows], nav), doc,
          "booking list published by mistake: visitors' personal emails and mobiles (an exposure)")


# ---------------------------------------------------------------- governance, teaching, policies

def governance(s):
    r, p = s.r, s.p
    for i in range(s.n(10)):
        doc = Doc()
        names = [" ".join(p.name()) for _ in range(6)]
        blocks = [f"Minutes of the {r.choice(['Curriculum and Quality Committee', 'Audit Committee', 'Finance and Resources Committee'])}, "
                  f"held on {ordinal(r.randrange(1, 28))} {r.choice(MONTHS)} 2025 at the Abbey Meadows Campus",
                  "Present: " + ", ".join(f"{n} ({role})" for n, role in zip(names, ["Chair", "Principal", "Vice Principal Curriculum",
                                                                                  "Clerk to the Corporation", "Staff Governor", "Student Governor"])),
                  f"Apologies: {' '.join(p.name())} (Independent Governor)",
                  "1. Declarations of interest: none.", f"2. Retention and achievement: in-year retention stands at {r.randrange(88, 96)}%.",
                  "3. The committee noted the safeguarding report: 42 referrals this term, themes were mental health and online safety.",
                  "4. The Data Protection Officer reported two minor breaches (emails sent to the wrong recipient); both closed.",
                  f"Signed: {names[0]}, Chair"]
        fmt = s.fmt(["docx", "odt", "txt"])
        s.add(f"governance/minutes/{2025}-{i + 1:02d}-committee-minutes.{fmt}", render(fmt, "", blocks), doc,
              "committee minutes: attendees named in a work role, aggregate statistics only",
              choice="seed 003 calls formal committee minutes Public; unpublished minutes default to Internal")


def teaching(s):
    notes = [
        ("it-level3/unit2-networking.txt", "Unit 2: IP addressing",
         lambda d: [f"A private address such as {d.d('ip.address', '192.168.1.10')} cannot be routed on the internet.",
                    f"The loopback address is {d.d('ip.address', '127.0.0.1')}. Try ping {d.d('ip.address', '8.8.8.8')} to test DNS.",
                    f"A MAC address is written like {d.d('mac.address', '00:1A:2B:3C:4D:5E')} - the first half identifies the manufacturer.",
                    "Exercise: subnet 10.0.0.0/8 into /24 networks."]),
        ("business-level3/payroll-basics.docx", "Payroll basics",
         lambda d: [f"Every employee has a National Insurance number in the format {d.d('uk.nino', 'QQ 12 34 56 C')}.",
                    f"HMRC use {d.d('uk.nino', 'AB 12 34 56 C')} in their guidance; prefixes such as {d.d('uk.nino', 'GB 00 00 00 A')} are never issued.",
                    f"A UK bank sort code looks like {d.d('uk.bank.account', '00-00-00')} followed by an 8-digit account number."]),
        ("esol-entry3/filling-in-forms.odt", "Filling in forms",
         lambda d: [f"Write your date of birth like this: {d.d('dob', '01/01/2000')}.",
                    f"Your email address: for example {d.d('email', 'jane.doe@example.com')}.",
                    f"Your postcode: for example {d.d('uk.postcode', 'SW1A 1AA')}. Write it in capital letters.",
                    f"Phone number: for example {d.d('uk.phone', '01632 960 001')}."]),
        ("it-level3/secure-coding.txt", "Secure coding: never hard-code secrets",
         lambda d: ["Bad:", f"    password = \"{d.d('credential.password', 'hunter2')}\"",
                    "Good:", "    password = os.environ['DB_PASSWORD']",
                    f"Test card for payment pages: {d.d('payment.card', '4111 1111 1111 1111')} (Stripe's test number, never a real card)."]),
        ("health-social-care/confidentiality.docx", "Confidentiality in care settings",
         lambda d: ["Health records are special category data. Never discuss a service user's diagnosis (for example diabetes, HIV or "
                    "depression) outside the care team.", "Case study: Mrs A, 84, has dementia and lives alone. What are the risks?",
                    f"An NHS number has ten digits, e.g. {d.d('uk.nhs', '943 476 5919')}."]),
        ("public-services/criminal-justice.odt", "The criminal justice system",
         lambda d: ["A caution is a formal warning given by the police; a conviction is a finding of guilt by a court.",
                    "Spent and unspent convictions: the Rehabilitation of Offenders Act 1974.",
                    "Discussion: should employers be able to ask about spent convictions?"]),
    ]
    for rel, title, body in notes:
        doc = Doc()
        blocks = body(doc)
        fmt = rel.rsplit(".", 1)[1]
        s.add(f"teaching/{rel}", render(fmt, title, blocks), doc, "teaching notes: example values (decoys), no person")


def policies(s):
    docs = [("Equality, Diversity and Inclusion Policy", ["The College will not discriminate on grounds of race, religion or belief, sex, "
             "sexual orientation, disability, age, gender reassignment, pregnancy and maternity or marriage and civil partnership.",
             "Learners may disclose a disability, health condition or learning difficulty at any time; this information is "
             "shared with Learning Support only with consent."]),
            ("Admissions of Applicants with Criminal Convictions", ["Applicants are asked whether they have any unspent criminal "
             "convictions. A disclosure does not bar admission; a risk assessment is carried out by the Designated Safeguarding Lead."]),
            ("Data Protection Policy", ["Special category data includes racial or ethnic origin, political opinions, religious or "
             "philosophical beliefs, trade union membership, genetic data, biometric data, health, sex life and sexual orientation.",
             "Passwords must never be written in shared documents or emailed."]),
            ("Supporting Staff with Mental Health Conditions", ["Managers should hold a return-to-work meeting after any sickness absence and "
             "consider referral to Occupational Health for conditions such as stress, anxiety or depression."]),
            ("Acceptable Use of IT", ["Do not share your password. The IT Service Desk will never ask for it.",
             "Network activity, including IP address and device MAC address, is logged for security."])]
    for i, (title, blocks) in enumerate(docs):
        doc = Doc()
        blocks = blocks + [f"Owner: Director of Governance. Queries to {doc.n('email', 'dpo@' + DOMAIN)}."]
        fmt = ["docx", "odt", "rtf", "docx", "txt"][i]
        s.add(f"policies/{title.replace(' ', '-').replace(',', '')}.{fmt}", render(fmt, title, blocks), doc,
              "policy: discusses the special categories, no person")


def finance_and_equality(s):
    r, p = s.r, s.p
    suppliers = [("Midshires Catering Supplies Ltd", "Unit 4, Meridian Business Park", "Leicester", "LE19 1WX", "GB 284 6651 09"),
                 ("Soar Office Solutions", "12 Bridge Street", "Loughborough", "LE11 1NH", "GB 331 2209 44"),
                 ("Trent Valley Electrical Ltd", "Riverside Works, Canal Street", "Nottingham", "NG1 7HA", "GB 197 5533 26")]
    for i in range(s.n(12)):
        doc = Doc()
        name, street, town, pc, vat = r.choice(suppliers)
        sc, acct = p.sort_code(), p.account()
        blocks = [f"{name}, {street}, {town} {doc.n('uk.postcode', pc)}", f"Tel: {doc.n('uk.phone', p.landline())}   "
                  f"Email: {doc.n('email', 'accounts@' + name.split()[0].lower() + '.co.uk')}",
                  f"VAT Reg No: {vat}", f"Invoice {r.randrange(10000, 99999)}   Date: {r.randrange(1, 28)}/{r.randrange(1, 12)}/2025",
                  f"To: Accounts Payable, {COLLEGE}, {CAMPUSES[0][1]}, {CAMPUSES[0][2]} {doc.n('uk.postcode', CAMPUSES[0][3])}",
                  [["Description", "Qty", "Net"], [r.choice(["A4 paper (box)", "Catering - open evening", "PAT testing"]), str(r.randrange(1, 40)),
                                                   f"£{r.randrange(50, 3000)}.00"]],
                  f"Payment by BACS to sort code {doc.n('uk.bank.account', sc)} account {doc.n('uk.bank.account', acct)} within 30 days."]
        fmt = s.fmt(["docx", "txt", "odt"])
        s.add(f"finance/invoices/INV-{r.randrange(10000, 99999)}.{fmt}", render(fmt, "INVOICE", blocks), doc,
              "supplier invoice: the supplier's business address, VAT number and business bank account",
              choice="a supplier's business bank account is business data, not payment data about a person")
    doc = Doc()
    rows = [["Ethnicity", "Learners", "%", "Achievement %"]] + [[e, str(r.randrange(20, 900)), f"{r.randrange(1, 60)}", f"{r.randrange(80, 95)}"]
                                                               for e in ETHNICITY]
    s.add("equality/learner-profile-by-ethnicity-2024-25.xlsx", xlsx("By ethnicity", rows), doc, "equality statistics: counts per group, no person")
    doc = Doc()
    rows = [["Declared condition", "Staff", "Learners"]] + [[h.split(",")[0].split(" -")[0], str(r.randrange(0, 20)), str(r.randrange(5, 300))] for h in HEALTH]
    s.add("equality/disability-declarations-summary.csv", "\n".join(",".join(x) for x in rows) + "\n", doc, "equality statistics: counts per condition, no person")
    doc = Doc()
    s.add("equality/EDI-annual-report-2025.docx", docx("EDI annual report 2025", [
        "Religion or belief: 38% of learners declared a religion (Muslim 19%, Christian 11%, Hindu 5%, Sikh 3%).",
        "Sexual orientation was disclosed by 61% of staff; 4% identify as lesbian, gay or bisexual.",
        "Trade union membership among staff is estimated at 45% (UCU and UNISON)."]), doc, "equality report: percentages only, no person")


# ---------------------------------------------------------------- IT: configuration and secrets

def it(s):
    r, p = s.r, s.p
    doc = Doc()
    pw = doc.v("credential.password", p.password())
    s.add("it/scripts/nightly-ilr-export.ps1", (
        "# Nightly export of the ILR snapshot to the funding share\n$server = 'sql-mis01'\n$user = 'svc_ilr'\n"
        f"$db_password = '{pw}'\nInvoke-Sqlcmd -ServerInstance $server -Username $user -Password $db_password -Query 'exec dbo.ExportILR'\n"), doc,
        "script with a hard-coded database password")
    doc = Doc()
    env = (f"APP_ENV=production\nDB_HOST=10.0.2.5\nDB_USER=moodle\nDB_PASSWORD={doc.v('credential.password', p.password())}\n"
           f"PASSWORD_SMTP={doc.v('credential.password', p.password())}\nSMTP_HOST=smtp.office365.com\n"
           f"AWS_SECRET_ACCESS_KEY={doc.v('credential.token', p.token())}\n")
    doc.d("ip.address", "10.0.2.5")
    s.add("it/moodle/.env", env, doc, "environment file: database and SMTP passwords, cloud secret key")
    doc = Doc()
    s.add("it/moodle/config.php", (
        "<?php  // Moodle configuration file\nunset($CFG);\nglobal $CFG;\n$CFG = new stdClass();\n$CFG->dbtype    = 'mariadb';\n"
        "$CFG->dbhost    = 'db-moodle01';\n$CFG->dbname    = 'moodle';\n$CFG->dbuser    = 'moodleuser';\n"
        f"$CFG->dbpass    = '{doc.v('credential.password', p.password())}';\n$CFG->wwwroot   = 'https://learn.{DOMAIN}';\n"), doc,
        "Moodle config.php with the database password")
    doc = Doc()
    tok = doc.v("credential.token", "ghp_" + p.token()[:36])
    s.add("it/scripts/deploy.json", json.dumps({"repo": "fvc/timetable-sync", "branch": "main", "github_token": tok,
                                                "notify": "itservicedesk@" + DOMAIN}, indent=2), doc, "deploy settings with a GitHub token")
    doc.n("email", "itservicedesk@" + DOMAIN)
    doc = Doc()
    wifi = doc.v("credential.password", p.password())
    s.add("it/handover/handover-notes-oct-2025.txt", text("Handover notes - IT technician cover", [
        "Printers on B block jam if you use the thick card - use tray 2.",
        f"The wifi password for FVC-Guest is {wifi} (changes every term).",
        f"Admin login for the Hinckley switch stack is admin / {doc.v('credential.password', p.password())}.",
        "Call Trent Valley Electrical for any PAT testing queries."]).encode(), doc, "handover notes: wifi and switch admin passwords")
    doc = Doc()
    s.add("it/handover/new-starter-it.docx", docx("New starter IT setup", [
        f"Your temporary password is {doc.v('credential.password', 'Fosse' + str(r.randrange(1000, 9999)) + '!')} - you will be asked to change it at first login.",
        "Username: first initial and surname."]), doc, "new-starter letter with a temporary password",
        choice="a one-time temporary password is still a credential")
    doc = Doc()
    ssh = ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(p.token() + p.token()[:34] for _ in range(5)) + "\n-----END OPENSSH PRIVATE KEY-----\n")
    doc.v("credential.private_key", "-----BEGIN OPENSSH PRIVATE KEY-----")
    s.add("it/backup/id_ed25519_backup", ssh, doc, "SSH private key of the backup service account")
    # Placeholders and examples: no credential.
    placeholders = [
        ("it/templates/.env.example", lambda d: f"DB_HOST=localhost\nDB_USER=moodle\nDB_PASSWORD={d.d('credential.password', 'changeme')}\n"
                                                f"SMTP_PASSWORD={d.d('credential.password', '<your-password-here>')}\n"
                                                f"API_TOKEN={d.d('credential.token', '<your-token>')}\n"),
        ("it/templates/config.sample.php", lambda d: f"<?php\n$CFG->dbpass = '{d.d('credential.password', 'password')}';  // set in production\n"),
        ("it/docs/aws-setup.txt", lambda d: "Configure the CLI:\n  aws configure\n  AWS Access Key ID: " + d.d('credential.token', 'AKIAIOSFODNN7EXAMPLE')
                                            + "\n  AWS Secret Access Key: " + d.d('credential.token', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY') + "\n"),
        ("it/docs/reset-procedure.docx", None),
        ("it/templates/radius-client.conf", lambda d: f"client wlc-abbey {{\n  ipaddr = 10.0.3.1\n  secret = {d.d('credential.password', 'testing123')}\n}}\n"),
    ]
    for rel, fn in placeholders:
        doc = Doc()
        if fn is None:
            data = docx("Password reset procedure", ["Verify the caller by asking for their staff number and line manager.",
                                                     "Set a temporary password and tick 'user must change password at next logon'.",
                                                     "Never read the password out over the phone; send it by SMS."])
        else:
            data = fn(doc).encode()
        if rel.endswith(".conf"):
            doc.d("ip.address", "10.0.3.1")
        s.add(rel, data, doc, "template or guide with placeholder or published example credentials (decoys)",
              choice="FreeRADIUS's default 'testing123' and AWS's documented EXAMPLE keys are examples, not secrets")


# ---------------------------------------------------------------- mail and archives

def mail(s):
    r, p = s.r, s.p
    for i in range(s.n(10)):
        doc = Doc()
        first, last = p.name()
        addr = doc.v("email", p.email(first, last))
        phone = doc.v("uk.phone", p.mobile())
        body = (f"Hi,\n\nI applied for the {r.choice(COURSES)} but haven't heard back. My date of birth is "
                f"{doc.v('dob', p.date_text(p.birth_date()))} if that helps find me.\nYou can call me on {phone}.\n\nThanks\n{first}\n")
        s.add(f"mail/admissions-inbox/enquiry-{i:03d}.eml",
              eml(f"{first} {last} <{addr}>", doc.n("email", "admissions@" + DOMAIN), "Application query", "Tue, 2 Sep 2025 10:14:00 +0100", body),
              doc, "applicant's email: personal email, mobile and date of birth")
    for i in range(s.n(3)):
        doc, att = Doc(), Doc()
        first, last = p.name()
        rows = [["Name", f"{first} {last}"], ["Date of birth", att.v("dob", p.date_text(p.birth_date(young=False)))],
                ["Reason for absence", att.v("special.health", r.choice(["Gastroenteritis", "Work-related stress", "Migraine", "COVID-19"]))],
                ["First day of absence", f"{r.randrange(1, 28)}/10/2025"]]
        attachment = docx("Self-certification of sickness absence", [rows])
        manager = " ".join(p.name())
        body = f"Please find attached {first}'s self-certification form for the file.\n\n{manager}\nCurriculum Manager\n"
        doc.merge(att)
        s.add(f"mail/hr-inbox/sickness-selfcert-{i:03d}.eml",
              eml(f"{manager} <{doc.n('email', manager.lower().replace(' ', '.').replace(chr(39), '') + '@' + DOMAIN)}>", doc.n("email", "hr@" + DOMAIN),
                  f"Self cert - {doc.v('person.name', f'{first} {last}')}", "Mon, 13 Oct 2025 09:02:00 +0100", body, [("selfcert.docx", DOCX_MIME, attachment)]),
              doc, "email with a sickness self-certification attached: health reason of a named employee",
              members=["selfcert.docx: Confidential (health reason with name and date of birth)"])
    doc = Doc()
    s.add("mail/info-inbox/newsletter.eml", eml(f"Fosse Vale News <{doc.n('email', 'info@' + DOMAIN)}>", doc.n("email", "all-staff@" + DOMAIN), "Staff newsletter",
                                               "Fri, 3 Oct 2025 16:00:00 +0100",
                                               "Open evening is on 15 October. Please wear your lanyard.\nCake in the staff room on Friday.\n"),
          doc, "all-staff newsletter: no person")


def archives(s):
    r, p = s.r, s.p
    doc = Doc()
    parts, members = [], []
    for i in range(3):
        d = Doc()
        first, last = p.name()
        lines = [f"Leaver: {d.v('person.name', f'{first} {last}')}", f"ULN: {d.v('uk.uln', p.uln())}", f"Destination: {r.choice(['Apprenticeship', 'University', 'Employment', 'NEET'])}",
                 f"Home postcode: {d.v('uk.postcode', p.address()[2])}"]
        parts.append((f"leavers/{last.replace(' ', '').replace(chr(39), '')}.txt", text("", lines).encode()))
        members.append(f"leavers/{last}.txt: Restricted")
        doc.merge(d)
    d = Doc()
    cols = ["ULN", "Surname", "Forename", "DOB", "Ethnicity", "Course"]
    rows = [cols] + [learner_row(s, d, cols) for _ in range(20)]
    parts.append(("leavers/leavers-summary.xlsx", xlsx("Leavers", rows)))
    members.append("leavers/leavers-summary.xlsx: " + ("Confidential (ethnicity per learner)" if d.special else "Restricted"))
    doc.merge(d)
    s.add("archive/leavers-2024.zip", zip_bytes(parts), doc, "zip of leaver records: takes its highest member", members=members)
    doc = Doc()
    parts = []
    for campus in CAMPUSES:
        d = Doc()
        parts.append((f"site/{campus[0].split()[0].lower()}.html", html(campus[0], [s.college_contact(d, campus)])))
        doc.merge(d)
    s.add("archive/website-backup-2023.zip", zip_bytes(parts), doc, "zip of old public web pages: the college's own details only",
          members=["site/*.html: Internal (college contact details)"])


# ---------------------------------------------------------------- absence records

# Reasons as HR and MIS systems record them: sickness in the CIPD absence survey's categories
# (what such systems offer in their drop-down lists) or in a learner's own words, and every other
# reason for being away, which is no health data.
SICKNESS_REASONS = ["Minor illness (cold, flu, stomach upset)", "Back pain", "Stress", "Mental ill health",
                    "Musculoskeletal injury", "Headache / migraine", "Hospital appointment", "Pregnancy-related",
                    "Recurring medical condition (asthma)", "Non-work injury / accident"]
OTHER_ABSENCE_REASONS = ["Annual leave", "Bereavement", "Jury service", "Dependant leave", "Training course",
                         "Unpaid leave", "Compassionate leave", "TOIL"]
LEARNER_SICK_REASONS = ["Ill", "Illness", "Sick - vomiting bug", "Dentist", "Doctor's appointment", "Hay fever"]
LEARNER_OTHER_REASONS = ["Holiday", "Family emergency", "Bus late", "Driving test", "Job interview", "Work placement",
                         "Unauthorised", "Car broke down"]


def absences(s):
    r, p = s.r, s.p
    # A year's absence log exported from the HR system: a reason per absence against named staff.
    cols = ["Staff No", "Surname", "Forename", "Department", "Work Email"]
    doc = Doc()
    rows = [cols + ["First day", "Last day", "Days", "Absence reason"]]
    for _ in range(s.n(40)):
        row = staff(s, doc, cols)
        day = r.randrange(1, 20)
        length = r.randrange(1, 6)
        month = r.choice(["09", "10", "11", "01", "02", "03"])
        reason = (doc.v("special.health", r.choice(SICKNESS_REASONS)) if r.random() < 0.5
                  else r.choice(OTHER_ABSENCE_REASONS))
        rows.append(row + [f"{day:02d}/{month}/2025", f"{day + length:02d}/{month}/2025", str(length), reason])
    s.add("hr/absence/absence-log-2024-25.xlsx", xlsx("Absences", rows), doc,
          "staff absence log: sickness reasons (health) and other reasons against named staff")
    # A week's learner absences from the register system, with the reason the learner gave.
    cols = ["ULN", "Surname", "Forename"]
    for week, sick_share in (("12", 0.3), ("13", 0.0)):
        doc = Doc()
        rows = [cols + ["Date", "Session", "Reason for absence"]]
        for _ in range(s.n(25)):
            row = learner_row(s, doc, cols, special=False)
            reason = (doc.v("special.health", r.choice(LEARNER_SICK_REASONS)) if r.random() < sick_share
                      else r.choice(LEARNER_OTHER_REASONS))
            rows.append(row + [f"{r.randrange(1, 28):02d}/11/2025", r.choice(["AM", "PM"]), reason])
        s.add(f"mis-exports/attendance/absence-reasons-wk{week}.csv", "\n".join(",".join(x) for x in rows) + "\n", doc,
              "learner absences with reasons: ULNs" + (", some reasons are illnesses (health)" if doc.special
                                                       else "; reasons are holidays, transport and the like, no health"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    s = Share(a.out, a.seed, a.scale)
    for family in (admissions, hr, mis, safeguarding, netlogs, website, governance, teaching, policies, finance_and_equality, it, mail, archives,
                   absences):
        family(s)
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump({"schema": "trawl.eval-share/1", "seed": a.seed, "scale": a.scale, "share": "share",
                   "published": ["public-website/*"], "files": s.truth}, f, indent=1, sort_keys=True, ensure_ascii=False)
    counts = {}
    for t in s.truth.values():
        counts[t["level"]] = counts.get(t["level"], 0) + 1
    print(f"eval-share: {len(s.truth)} files in {s.root} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")


if __name__ == "__main__":
    main()
