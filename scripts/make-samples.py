#!/usr/bin/env python3
"""Generate Samples/: real documents of every format Trawl reads, with fake personal data planted
at known places, decoys that must not match, clean files, and broken inputs.

Writes Samples/expected.json from what it planted: every entry (file or archive member) with the
outcome and level it must get and every finding it must produce (type, value as written, and an
exemption where the value is shown but counts towards nothing). The test suite scans Samples/ and
requires exactly that. Output is deterministic: run it again and nothing changes.

Office and OpenDocument files are written as their specifications lay them out (zip packages of
XML parts) with only the standard library. Some samples need tools from Debian's packages: zip
(an encrypted zip), p7zip-full (7z), qpdf (an encrypted PDF), libreoffice (legacy .doc, .xls and
.ppt converted from the OOXML samples); and Pillow from PyPI (images). Outlook .msg and RAR have
no free writer: sample_writers.py writes them from their published specifications, and when
msgconvert (libemail-outlook-message-perl) and lsar (unar) are installed they read each one back.
Usage: scripts/make-samples.py [OUTPUT_DIR]   (default: Samples/ beside this script's parent)
"""
import base64
import datetime
import gzip
import io
import json
import lzma
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import sample_writers

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Samples"))
FIXED_TIME = (2024, 1, 15, 9, 30, 0)  # zip member timestamps, so output is byte-for-byte stable

expected = []  # entries: {"path", "members", "outcome", "level", "issue", "findings": [...]}


def finding(type_, value, exempt=None):
    f = {"type": type_, "value": value}
    if exempt:
        f["exempt"] = exempt
    return f


CONFIDENTIAL_TYPES = ("special.", "credential.", "payment.card", "uk.bank.account", "iban")
PHOTOGRAPHS = (".jpg", ".jpeg")  # the default policy gives photographs Restricted


def entry(path, findings=(), members=(), outcome="scanned", level=None, issue=None, markings=()):
    """`path` is relative to Samples/; bytes for a name that is not UTF-8 (stored as path_base64).
    The level, unless given, follows the default policy: Confidential for special-category,
    credential and payment findings, Restricted for other personal data, Internal otherwise; an
    entry that could not be read, with nothing found, is not classified."""
    counted = [f for f in findings if "exempt" not in f]
    if level is None:
        if outcome != "scanned" and not counted:
            level = "Not classified"
        elif any(f["type"].startswith(CONFIDENTIAL_TYPES) for f in counted):
            level = "Confidential"
        else:
            photo = isinstance(path, str) and path.endswith(PHOTOGRAPHS) and not members
            level = "Restricted" if counted or photo else "Internal"
    where = {"path_base64": base64.b64encode(path).decode()} if isinstance(path, bytes) else {"path": path}
    e = {**where, "members": list(members), "outcome": outcome, "level": level,
         "findings": sorted(findings, key=lambda f: (f["type"], f["value"]))}
    if issue:
        e["issue"] = issue
    e["markings"] = list(markings)
    expected.append(e)


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def zip_bytes(parts, stored_first=None):
    """A zip of (name, bytes) parts; `stored_first` is written first, uncompressed (ODF mimetype)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if stored_first:
            info = zipfile.ZipInfo(stored_first[0], FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            z.writestr(info, stored_first[1])
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def tar_bytes(parts, compression=""):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:" + compression if compression else "w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in parts:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1705311000
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gzip_bytes(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=1705311000, filename="") as g:
        g.write(data)
    return buf.getvalue()


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- plain text in three encodings

def plain_text():
    text = (
        "Learner file note\n"
        "Name: Priya Sharma\n"
        "Date of birth: 14/02/2006\n"
        "National Insurance number: JG 10 37 59 A\n"
        "Home email: priya.sharma2006@gmail.com\n"
        "Address: 22 Kirkstall Road, Leeds LS3 1HS\n"
    )
    write("text/learner-note.txt", text.encode("utf-8"))
    entry("text/learner-note.txt", [
        finding("dob", "14/02/2006"), finding("uk.nino", "JG 10 37 59 A"),
        finding("email", "priya.sharma2006@gmail.com"), finding("uk.postcode", "LS3 1HS")])

    text16 = (
        "Reference for Tomás O'Brien\r\n"
        "D.O.B. 03-09-1998\r\n"
        "NI number TM987654A\r\n"
    )
    write("text/reference-utf16.txt", b"\xff\xfe" + text16.encode("utf-16-le"))
    entry("text/reference-utf16.txt", [finding("dob", "03-09-1998"), finding("uk.nino", "TM987654A")])

    text1252 = (
        "Café trip deposit £25 – paid by Zoë Clarke\n"
        "Contact email: zoe.clarke@outlook.com\n"
        "Postcode: B33 8TH\n"
    )
    write("text/trip-cp1252.txt", text1252.encode("cp1252"))
    entry("text/trip-cp1252.txt", [finding("email", "zoe.clarke@outlook.com"), finding("uk.postcode", "B33 8TH")])

    # A file name that is not UTF-8 (Latin-1 "é"): it must survive into the report.
    write(b"text/r\xe9sum\xe9.txt".decode("utf-8", "surrogateescape"),
          b"Curriculum vitae\nEmail: daniel.okafor@yahoo.co.uk\n")
    entry(b"text/r\xe9sum\xe9.txt", [finding("email", "daniel.okafor@yahoo.co.uk")])

    decoys = (
        "Numbers that look like NI numbers but are not: QQ 12 34 56 A (HMRC's example), GB 12 34 56 A,\n"
        "AB 12 34 56 E, OO 12 34 56 A, and the temporary reference 12 A1 23 45.\n"
        "Dates with no birth context: the panel met on 12/03/2024; invoice dated 2023-01-15.\n"
        "Date of birth: 31/02/1984 is not a calendar date.\n"
        "Shapes of postcodes that are not: AA9 9AA, QQ1 1AA, XX12 3AB.\n"
        "Send enquiries to info@northfield-college.ac.uk or admissions@northfield-college.ac.uk.\n"
        "An address has the form someone@example.com.\n"
        "\n"
        "Published test data: phone 07700 900123 (Ofcom drama range), card number 4111 1111 1111 1111,\n"
        "NHS number 999 000 0018 (test range), and the documentation IP address 192.0.2.44.\n"
        "Numbers without context: order 9434765919, invoice 533401372, room ZW9005196, ticket 1955839661.\n"
        "A random 16-digit reference 4532 0151 1283 0367 fails the Luhn check.\n"
        "Password: ******** and password = ${DB_PASSWORD} are placeholders.\n"
    )
    write("text/decoys.txt", decoys.encode())
    entry("text/decoys.txt", [
        finding("uk.nino", "QQ 12 34 56 A", "example_data"),
        finding("email", "info@northfield-college.ac.uk", "role_mailbox"),
        finding("email", "admissions@northfield-college.ac.uk", "role_mailbox"),
        finding("email", "someone@example.com", "example_data"),
        finding("uk.phone", "07700 900123", "example_data"),
        finding("payment.card", "4111 1111 1111 1111", "example_data"),
        finding("uk.nhs", "999 000 0018", "example_data"),
        finding("ip.address", "192.0.2.44", "example_data")])

    write("text/empty.txt", b"")
    entry("text/empty.txt")

    write("text/meeting-minutes.txt", (
        "Minutes of the curriculum meeting, 4 March 2024.\n"
        "Attendance was good. The timetable for the summer term was agreed.\n"
        "Internal use only.\n").encode())
    entry("text/meeting-minutes.txt", markings=["marking.internal"])

    write("text/timetable.txt", b"Summer term timetable\nMonday: induction. Tuesday: workshops. Friday: review.\n")
    entry("text/timetable.txt")

    write("text/board-paper.txt", b"CONFIDENTIAL\nBoard paper: proposed budget for the new science block.\n")
    entry("text/board-paper.txt", level="Confidential", markings=["marking.confidential"])

    write("text/prospectus.txt", b"PUBLIC\nOur college offers courses in engineering, hair and beauty, and business.\n")
    entry("text/prospectus.txt", level="Public", markings=["marking.public"])


# ---------------------------------------------------------------- CSV, TSV, JSON, XML, HTML

def delimited():
    rows = [
        ["Learner ID", "Full name", "Date of Birth", "NI Number", "Email", "Postcode"],
        ["L1001", "Aisha Khan", "17/05/2004", "JH471953C", "aisha.khan04@gmail.com", "M1 1AE"],
        ["L1002", "Ben Carter", "02/11/2003", "CE 65 43 21 D", "ben.carter@hotmail.co.uk", "SW1A 2AA"],
        ["L1003", "Chloe Evans", "29/02/2004", "WL112233B", "chloe.e@icloud.com", "CF10 3AT"],
    ]
    write("tables/learners.csv", ("\r\n".join(",".join(r) for r in rows) + "\r\n").encode())
    f = []
    for r in rows[1:]:
        f += [finding("person.name", r[1]), finding("dob", r[2]), finding("uk.nino", r[3]), finding("email", r[4]), finding("uk.postcode", r[5])]
    entry("tables/learners.csv", f)

    staff = [
        ["Staff", "DOB", "Start date", "Notes"],
        ["Hannah Lee", "1979-08-21", "2015-09-01", "Moved from \"Site B\", 2019"],
        ["Omar Haddad", "1985-12-03", "2020-01-06", "Part time"],
    ]
    write("tables/staff.tsv", ("\n".join("\t".join(r) for r in staff) + "\n").encode())
    entry("tables/staff.tsv", [finding("dob", "1979-08-21"), finding("dob", "1985-12-03")])

    students = [
        {"id": "S-2041", "name": "Grace Wilson", "dateOfBirth": "2007-06-30", "contact": {"email": "grace.wilson07@gmail.com", "postcode": "EH1 1YZ"}},
        {"id": "S-2042", "name": "Leo Martin", "dateOfBirth": "2006-01-09", "enrolled": "2022-09-05", "contact": {"email": "leo.martin@btinternet.com"}},
    ]
    write("data/students.json", json.dumps({"students": students}, indent=2).encode())
    entry("data/students.json", [
        finding("person.name", "Grace Wilson"), finding("person.name", "Leo Martin"),
        finding("dob", "2007-06-30"), finding("email", "grace.wilson07@gmail.com"), finding("uk.postcode", "EH1 1YZ"),
        finding("dob", "2006-01-09"), finding("email", "leo.martin@btinternet.com")])

    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<learners>\n"
        '  <learner id="A17">\n'
        "    <name>Sofia Rossi</name>\n"
        "    <birthDate>2005-10-12</birthDate>\n"
        "    <nino>HS 20 48 62 C</nino>\n"
        "    <enrolmentDate>2021-09-06</enrolmentDate>\n"
        "  </learner>\n"
        "</learners>\n"
    )
    write("data/learners.xml", xml.encode())
    entry("data/learners.xml", [finding("person.name", "Sofia Rossi"), finding("dob", "2005-10-12"), finding("uk.nino", "HS 20 48 62 C")])

    html = (
        "<!DOCTYPE html>\n<html><head><title>Emergency contacts</title>\n"
        "<style>.x{color:red}</style><script>var note = 'not text';</script></head><body>\n"
        "<h1>Emergency contacts</h1>\n"
        "<p>Questions to <a href=\"mailto:office@greenfield-primary.sch.uk\">office@greenfield-primary.sch.uk</a>.</p>\n"
        "<table><tr><th>Pupil</th><th>Date of birth</th><th>Parent email</th><th>Postcode</th></tr>\n"
        "<tr><td>Jack Turner</td><td>08/04/2016</td><td>kate.turner@gmail.com</td><td>BS1 4DJ</td></tr>\n"
        "<tr><td>Mia Scott</td><td>21/12/2015</td><td>r.scott@outlook.com</td><td>NE1 7RU</td></tr>\n"
        "</table>\n<p>Last reviewed 01/09/2024.</p>\n</body></html>\n"
    )
    write("web/emergency-contacts.html", html.encode())
    entry("web/emergency-contacts.html", [
        finding("person.name", "Jack Turner"), finding("person.name", "Mia Scott"), finding("email", "office@greenfield-primary.sch.uk", "role_mailbox"),
        finding("dob", "08/04/2016"), finding("email", "kate.turner@gmail.com"), finding("uk.postcode", "BS1 4DJ"),
        finding("dob", "21/12/2015"), finding("email", "r.scott@outlook.com"), finding("uk.postcode", "NE1 7RU")])


# ---------------------------------------------------------------- Office Open XML

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFDOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def docx(paragraphs_xml, embedded=()):
    """A Word document; `embedded` (name, bytes) workbooks are stored as Word stores an embedded
    Excel object, under word/embeddings/."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + ('<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
           if embedded else "")
        + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>")
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OFFDOC}" Target="word/document.xml"/></Relationships>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>'
                + paragraphs_xml + '<w:sectPr/></w:body></w:document>')
    return zip_bytes([("[Content_Types].xml", content_types), ("_rels/.rels", rels), ("word/document.xml", document)]
                     + [("word/embeddings/" + name, data) for name, data in embedded])


def w_p(*runs):
    out = "<w:p>"
    for r in runs:
        bold = "<w:rPr><w:b/></w:rPr>" if r.startswith("*") else ""
        text = r.lstrip("*")
        out += f'<w:r>{bold}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
    return out + "</w:p>"


def w_table(rows):
    out = "<w:tbl>"
    for row in rows:
        out += "<w:tr>" + "".join(f"<w:tc>{w_p(cell)}</w:tc>" for cell in row) + "</w:tr>"
    return out + "</w:tbl>"


SML_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml."


def xlsx_workbook(sheet_name):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>')


def xlsx_content_types(*overrides):
    """[Content_Types].xml of a workbook: (part name, SpreadsheetML content type) overrides."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="/{name}" ContentType="{SML_TYPE}{kind}+xml"/>' for name, kind in overrides)
            + "</Types>")


def package_rels(main_part):
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OFFDOC}" Target="{main_part}"/></Relationships>')


def office():
    # The NI number is split across three runs (the middle one bold), as Word does after an edit.
    body = (
        w_p("Safeguarding referral")
        + w_p("The learner's ", "National Insurance number is ", "JR 54", "* 32 ", "10 B", ".")
        + w_p("Contact the learner at ", "ethan.", "brooks@gmail.com", " outside college hours.")
        + w_table([["Name", "Date of Birth", "Postcode"], ["Ethan Brooks", "11/07/2007", "G2 1DY"]])
        + w_p("Referral made on 14/10/2024 by the designated safeguarding lead.")
    )
    write("office/referral.docx", docx(body))
    entry("office/referral.docx", [
        finding("person.name", "Ethan Brooks"), finding("uk.nino", "JR 54 32 10 B"), finding("email", "ethan.brooks@gmail.com"),
        finding("dob", "11/07/2007"), finding("uk.postcode", "G2 1DY")])

    write("office/blank-template.docx", docx(w_p("Enrolment form") + w_table([["Name", "Date of Birth", "NI Number"], ["", "", ""]])))
    entry("office/blank-template.docx")

    # xlsx: a Date of Birth column of real date cells (style with a date format), shared strings.
    shared = ["Learner", "Date of Birth", "Postcode", "Course", "Noah Patel", "Ruby Hughes", "Level 3 Engineering", "Level 2 Hairdressing", "OX1 2JD", "LS11 5QR"]
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">'
           + "".join(f"<si><t>{esc(s)}</t></si>" for s in shared) + "</sst>")

    def serial(y, m, d):
        return (datetime.date(y, m, d) - datetime.date(1899, 12, 30)).days

    def c_s(ref, i):
        return f'<c r="{ref}" t="s"><v>{i}</v></c>'

    def c_d(ref, y, m, d):
        return f'<c r="{ref}" s="1"><v>{serial(y, m, d)}</v></c>'

    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{c_s("A1", 0)}{c_s("B1", 1)}{c_s("C1", 2)}{c_s("D1", 3)}</row>'
             f'<row r="2">{c_s("A2", 4)}{c_d("B2", 2005, 3, 12)}{c_s("C2", 8)}{c_s("D2", 6)}</row>'
             f'<row r="3">{c_s("A3", 5)}{c_d("B3", 2006, 11, 1)}{c_s("C3", 9)}{c_s("D3", 7)}<c r="E3"><v>42</v></c></row>'
             "</sheetData></worksheet>")
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    workbook = xlsx_workbook("Learners")
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
               "</Relationships>")
    ct = xlsx_content_types(("xl/workbook.xml", "sheet.main"), ("xl/worksheets/sheet1.xml", "worksheet"),
                            ("xl/sharedStrings.xml", "sharedStrings"), ("xl/styles.xml", "styles"))
    rels = package_rels("xl/workbook.xml")
    write("office/learner-register.xlsx", zip_bytes([
        ("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/styles.xml", styles), ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet)]))
    # Date cells are read as ISO dates: the value as Trawl reports it is the rendered date.
    entry("office/learner-register.xlsx", [
        finding("person.name", "Noah Patel"), finding("person.name", "Ruby Hughes"), finding("dob", "2005-03-12"), finding("uk.postcode", "OX1 2JD"),
        finding("dob", "2006-11-01"), finding("uk.postcode", "LS11 5QR")])

    a_ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'

    def slide(*paras):
        body = "".join("<a:p>" + "".join(f"<a:r><a:t>{esc(r)}</a:t></a:r>" for r in p) + "</a:p>" for p in paras)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld {a_ns}><p:cSld><p:spTree>'
                f"<p:sp><p:txBody>{body}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>")
    pres = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation {a_ns} '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<p:sldIdLst><p:sldId id="256" r:id="rId1"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>')
    pres_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide2.xml"/>'
                 "</Relationships>")
    pct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
           '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
           '<Default Extension="xml" ContentType="application/xml"/>'
           '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
           '<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
           '<Override PartName="/ppt/slides/slide2.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>'
           "</Types>")
    prels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
             f'<Relationship Id="rId1" Type="{OFFDOC}" Target="ppt/presentation.xml"/></Relationships>')
    write("office/induction.pptx", zip_bytes([
        ("[Content_Types].xml", pct), ("_rels/.rels", prels), ("ppt/presentation.xml", pres), ("ppt/_rels/presentation.xml.rels", pres_rels),
        ("ppt/slides/slide1.xml", slide(["Welcome to induction week"], ["Your tutor: ", "lucy.green@gmail.com"])),
        ("ppt/slides/slide2.xml", slide(["Send forms to ", "exams@northfield-college.ac.uk"], ["Campus: 1 Station Road, ", "Leeds LS1 4DY"]))]))
    entry("office/induction.pptx", [
        finding("email", "lucy.green@gmail.com"), finding("email", "exams@northfield-college.ac.uk", "role_mailbox"),
        finding("uk.postcode", "LS1 4DY")])


# ---------------------------------------------------------------- OpenDocument

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" office:version="1.3"')


def odf(kind, body, objects=()):
    """An OpenDocument package; `objects` (folder, kind, body) are embedded objects, each with its
    own content.xml in a folder of the package, as LibreOffice stores them."""
    mimetype = f"application/vnd.oasis.opendocument.{kind}"

    def content(b):
        return f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}><office:body>{b}</office:body></office:document-content>'
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                + "".join(f'<manifest:file-entry manifest:full-path="{folder}/" manifest:media-type="application/vnd.oasis.opendocument.{k}"/>'
                          f'<manifest:file-entry manifest:full-path="{folder}/content.xml" manifest:media-type="text/xml"/>'
                          for folder, k, _ in objects)
                + "</manifest:manifest>")
    return zip_bytes([("META-INF/manifest.xml", manifest), ("content.xml", content(body))]
                     + [(f"{folder}/content.xml", content(b)) for folder, _, b in objects], stored_first=("mimetype", mimetype))


def opendocument():
    # The NI number is split across spans; spaces come from <text:s/>.
    body = ('<office:text><text:h>Apprenticeship agreement</text:h>'
            '<text:p>Apprentice: Callum Reid, born <text:span>23 June 2004</text:span>.</text:p>'
            '<text:p>NI number: <text:span>PR</text:span><text:s/>13<text:s/>57<text:span> 91 B</text:span></text:p>'
            '<text:p>Personal email: callum.reid04@gmail.com</text:p></office:text>')
    write("opendocument/agreement.odt", odf("text", body))
    entry("opendocument/agreement.odt", [
        finding("dob", "23 June 2004"), finding("uk.nino", "PR 13 57 91 B"), finding("email", "callum.reid04@gmail.com"),
        finding("person.name", "Callum Reid")])

    def cell(v, date=None):
        attr = f' office:value-type="date" office:date-value="{date}"' if date else ' office:value-type="string"'
        return f"<table:table-cell{attr}><text:p>{esc(v)}</text:p></table:table-cell>"
    rows = [["Pupil", "DOB", "Postcode"], ["Isla Murray", ("04/05/2012", "2012-05-04"), "KY16 9AJ"], ["Finn Walsh", ("19/09/2011", "2011-09-19"), "DD1 4HN"]]
    table = '<table:table table:name="Class 6">'
    for r in rows:
        table += "<table:table-row>" + "".join(cell(*c) if isinstance(c, tuple) else cell(c) for c in r) + \
                 '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
    table += "</table:table>"
    write("opendocument/class-list.ods", odf("spreadsheet", f"<office:spreadsheet>{table}</office:spreadsheet>"))
    entry("opendocument/class-list.ods", [
        finding("person.name", "Isla Murray"), finding("person.name", "Finn Walsh"), finding("dob", "04/05/2012"), finding("uk.postcode", "KY16 9AJ"), finding("dob", "19/09/2011"), finding("uk.postcode", "DD1 4HN")])

    pres = ('<office:presentation><draw:page draw:name="page1"><draw:frame><draw:text-box>'
            '<text:p>Governors briefing</text:p><text:p>Clerk: amelia.shaw@btinternet.com</text:p>'
            '</draw:text-box></draw:frame></draw:page></office:presentation>')
    write("opendocument/briefing.odp", odf("presentation", pres))
    entry("opendocument/briefing.odp", [finding("email", "amelia.shaw@btinternet.com")])


# ---------------------------------------------------------------- the other types of the seed policies

def more_types():
    hr = (
        "Staff record\n"
        "Name: Hannah Lee\n"
        "National Insurance number: SC 24 68 10 A\n"
        "Mobile: 07911 123456\n"
        "Trade union: UNISON\n"
        "Medical conditions: type 1 diabetes\n"
        "Emergency contact: Mark Lee, tel 0113 246 8100\n"
    )
    write("text/hr-record.txt", hr.encode())
    entry("text/hr-record.txt", [
        finding("uk.nino", "SC 24 68 10 A"), finding("uk.phone", "07911 123456"), finding("special.trade_union", "UNISON"),
        finding("special.health", "type 1 diabetes"), finding("uk.phone", "0113 246 8100")])

    # A blank form names the special categories but holds nobody's data.
    form = (
        "Enrolment form (blank)\n"
        "Full name: ______________________\n"
        "Date of birth: __/__/____\n"
        "Ethnicity: ____________ (optional)\n"
        "Medical conditions: ____________\n"
        "Religion or belief: [ ] Prefer not to say\n"
        "Trade union member: Yes / No\n"
    )
    write("text/enrolment-form-blank.txt", form.encode())
    entry("text/enrolment-form-blank.txt")

    sen = [
        ["Pupil", "UPN", "Date of Birth", "Ethnicity", "SEN need", "Parent phone"],
        ["Isla Murray", "B801200005001", "04/05/2012", "White Scottish", "Autism spectrum condition", "07812 345678"],
        ["Finn Walsh", "F340201512003", "19/09/2011", "Prefer not to say", "None", "+44 7700 900456"],
    ]
    write("tables/sen-register.csv", ("\n".join(",".join(r) for r in sen) + "\n").encode())
    entry("tables/sen-register.csv", [
        finding("person.name", "Isla Murray"), finding("person.name", "Finn Walsh"), finding("uk.upn", "B801200005001"), finding("dob", "04/05/2012"), finding("special.ethnicity", "White Scottish"),
        finding("special.health", "Autism spectrum condition"), finding("uk.phone", "07812 345678"),
        finding("uk.upn", "F340201512003"), finding("dob", "19/09/2011"), finding("uk.phone", "+44 7700 900456", "example_data")])

    fin = [
        ["Payee", "Sort code", "Account number", "Card number", "Expiry", "IBAN"],
        ["Grace Wilson", "20-00-00", "55779911", "4532 0151 1283 0366", "09/27", "GB72BARC20035341234567"],
        ["Leo Martin", "40-47-84", "31926819", "5425 2334 3010 9903", "11/26", "IE29AIBK93115212345678"],
    ]
    write("tables/refunds.csv", ("\n".join(",".join(r) for r in fin) + "\n").encode())
    # Sort code and account number sit in two cells: the value spans both, tab-joined as the row is read.
    entry("tables/refunds.csv", [
        finding("uk.bank.account", "20-00-00\t55779911"), finding("payment.card", "4532 0151 1283 0366"), finding("iban", "GB72BARC20035341234567"),
        finding("uk.bank.account", "40-47-84\t31926819"), finding("payment.card", "5425 2334 3010 9903"), finding("iban", "IE29AIBK93115212345678")])

    key_head = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA"
    config = (
        "# Finance system connection\n"
        "DB_HOST=sql01.internal\n"
        "DB_PASSWORD=Tr0ub4dor&3\n"
        "aws_access_key_id = AKIA2E0A8F3B244C9986\n"
        + key_head + "v1cR5mJ0nTq8uX3aK7sW2pYbL4dE9fG6hI1jK0lM3nO5pQ8r\n-----END RSA PRIVATE KEY-----\n"
    )
    write("config/finance.env", config.encode())
    entry("config/finance.env", [
        finding("credential.password", "Tr0ub4dor&3"), finding("credential.token", "AKIA2E0A8F3B244C9986"),
        finding("credential.private_key", key_head)])

    devices = (
        "IT device register\n"
        "User: Daniel Okafor, laptop MAC address 3C:22:FB:9A:01:7E, last logged in from 81.2.69.160\n"
        "User: Chloe Evans, device a4-83-e7-12-34-56\n"
        "Build server version 2.4.1.3 (no person)\n"
    )
    write("text/device-register.txt", devices.encode())
    entry("text/device-register.txt", [
        finding("mac.address", "3C:22:FB:9A:01:7E"), finding("ip.address", "81.2.69.160"), finding("mac.address", "a4-83-e7-12-34-56")])

    applicants = {"applicants": [
        {"name": "Ella Price", "dateOfBirth": "2005-01-30", "ucasPersonalId": "123-456-7891", "passportNumber": "533401372",
         "drivingLicence": "PRICE051305E99AB", "nhsNumber": "943 476 5919", "uln": "9276308686"},
        {"name": "George Hall", "brpNumber": "ZW9005196", "utr": "1955839661", "unspentConvictions": "Yes, driving offence 2021"},
    ]}
    write("data/applicants.json", json.dumps(applicants, indent=2).encode())
    entry("data/applicants.json", [
        finding("person.name", "Ella Price"), finding("person.name", "George Hall"),
        finding("dob", "2005-01-30"), finding("ucas.id", "123-456-7891"), finding("uk.passport", "533401372"),
        finding("uk.driving_licence", "PRICE051305E99AB"), finding("uk.nhs", "943 476 5919"), finding("uk.uln", "9276308686"),
        finding("uk.brp", "ZW9005196"), finding("uk.utr", "1955839661"), finding("special.criminal", "Yes, driving offence 2021")])

    # A large aggregate: 1,000 people's email addresses in one file make it Confidential.
    rows = ["Name,Email"]
    found = []
    for i in range(1000):
        first, last = ["Amy", "Ravi", "Owen", "Zara", "Liam", "Nina", "Theo", "Lucy"][i % 8], ["Hart", "Bose", "Reid", "Shah", "Kerr"][i % 5]
        email = f"{first.lower()}.{last.lower()}{i:04d}@gmail.com"
        rows.append(f"{first} {last},{email}")
        found += [finding("person.name", f"{first} {last}"), finding("email", email)]
    write("tables/alumni-mailing-list.csv", ("\n".join(rows) + "\n").encode())
    entry("tables/alumni-mailing-list.csv", found, level="Confidential")


# ---------------------------------------------------------------- PDF, RTF, email, 7z

def pdf_bytes(pages, info=None, fields=()):
    """A PDF written object by object (PDF 1.4, Helvetica, one text line per Tj), xref computed.
    A line given as a list of (x, text) is a table's row: each cell is drawn on its own at x
    points from the margin, with no space between, as a word processor prints a table. `fields`
    (name, tooltip or "", value) are filled-in text fields of an AcroForm on the first page,
    widget annotations as a form filler writes them."""
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    def pdf_string(text):
        return b"(" + text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 2 * len(pages) + 1
    # The widgets come after the pages, the catalog and the information.
    first_widget = pages_id + 2 + (1 if info else 0)
    widget_refs = b" ".join(b"%d 0 R" % (first_widget + i) for i in range(len(fields)))
    page_ids = []
    for lines in pages:
        ops = b"BT /F1 11 Tf 72 760 Td 14 TL\n"
        for line in lines:
            if isinstance(line, str):
                ops += pdf_string(line) + b" Tj T*\n"
                continue
            for x, text in line:
                ops += b"%d 0 Td " % x + pdf_string(text) + b" Tj %d 0 Td\n" % -x
            ops += b"T*\n"
        ops += b"ET"
        content = add(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
        annots = b" /Annots [" + widget_refs + b"]" if fields and not page_ids else b""
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >>%s >>"
                            % (pages_id, content, font, annots)))
    assert add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] /Count %d >>" % len(page_ids)) == pages_id
    form = b" /AcroForm << /Fields [" + widget_refs + b"] /NeedAppearances true >>" if fields else b""
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_id, form))
    info_id = None
    if info:
        info_id = add(b"<< " + b" ".join(b"/%s (%s)" % (k.encode(), v.encode("cp1252")) for k, v in info.items()) + b" >>")
    for i, (name, tooltip, value) in enumerate(fields):
        top = 640 - 30 * i
        assert add(b"<< /Type /Annot /Subtype /Widget /FT /Tx /F 4 /T " + pdf_string(name)
                   + (b" /TU " + pdf_string(tooltip) if tooltip else b"") + b" /V " + pdf_string(value) + b" /Rect [200 %d 450 %d] /P %d 0 R >>" % (top, top + 20, page_ids[0])) == first_widget + i
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info_id:
        trailer += b" /Info %d 0 R" % info_id
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def tool_output(args, name, data=None, extra_files=()):
    """Runs an archiving tool in a scratch folder and returns the bytes of `name` it writes."""
    with tempfile.TemporaryDirectory() as tmp:
        for fname, content in extra_files:
            path = os.path.join(tmp, fname)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content)
            os.utime(path, (1705311000, 1705311000))
        subprocess.run(args, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, name), "rb") as f:
            return f.read()


def independent_check(command, data, suffix, must_contain):
    """Reads a file written by sample_writers with another project's reader, when installed,
    and requires `must_contain` in its output: the sample is what its format says, not only what
    Trawl understands."""
    if not shutil.which(command[0]):
        print(f"note: {command[0]} not installed; {suffix} sample not checked by an independent reader", file=sys.stderr)
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        out = subprocess.run([a.replace("{file}", f.name) for a in command], check=True, capture_output=True).stdout
    for needle in must_contain:
        assert needle in out, f"{command[0]} does not show {needle!r} in the {suffix} sample"


def other_formats():
    letter = pdf_bytes([
        ["Northfield College - confirmation of enrolment", "", "Learner: Owen Reid",
         "Date of birth: 09/10/2006", "National Insurance number: JT 48 26 13 C"],
        ["Page two: contact details", "Email: owen.reid06@gmail.com", "Home address: 5 Castle Street, York YO1 9RN"],
    ], info={"Title": "Enrolment confirmation", "Author": "Admissions Office"})
    write("pdf/enrolment-confirmation.pdf", letter)
    entry("pdf/enrolment-confirmation.pdf", [
        finding("dob", "09/10/2006"), finding("uk.nino", "JT 48 26 13 C"), finding("email", "owen.reid06@gmail.com"),
        finding("uk.postcode", "YO1 9RN"), finding("person.name", "Owen Reid")])

    # Encrypted with qpdf (AES-256, user password): reported as encrypted, not read.
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, "plain.pdf")
        with open(plain, "wb") as f:
            f.write(pdf_bytes([["Salary review", "NI number: JT 48 26 13 C"]]))
        locked = os.path.join(tmp, "locked.pdf")
        subprocess.run(["qpdf", "--static-id", "--encrypt", "user-secret", "owner-secret", "256", "--", plain, locked], check=True)
        with open(locked, "rb") as f:
            write("pdf/salary-review-locked.pdf", f.read())
    entry("pdf/salary-review-locked.pdf", outcome="error", issue="encrypted")

    # RTF: an NI number split across a bold group, escapes (\'e9) and Unicode (\u8217).
    rtf = (r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}{\info{\author Mrs T Okafor}}"
           r"\f0 Reference for Ren\'e9e Moss\par "
           r"She\u8217?s been with us since 2019. National Insurance number: {\b PL 27} 83 45 B\par "
           r"Date of birth: 14/06/2003\par "
           r"{\*\generator Trawl samples 1.0;}}")
    write("rtf/reference.rtf", rtf.encode("ascii"))
    entry("rtf/reference.rtf", [finding("uk.nino", "PL 27 83 45 B"), finding("dob", "14/06/2003")])

    # Email: quoted-printable text, an HTML alternative, and a CSV attachment in base64.
    import base64 as b64
    csv = "Name,Date of Birth,Email\nRavi Bose,21/03/2007,ravi.bose07@gmail.com\n".encode()
    eml = ("From: =?utf-8?Q?Ren=C3=A9e_Moss?= <renee.moss@outlook.com>\r\n"
           "To: Admissions <admissions@northfield-college.ac.uk>\r\n"
           "Subject: Enrolment form for my son\r\n"
           "Date: Mon, 15 Jan 2024 09:30:00 +0000\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
           "--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
           "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
           "Hello, his mobile is 07700 900321 (a test number) and my mobile is 07823 456=\r\n789.\r\n"
           "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           "<p>Hello, his mobile is 07700 900321 (a test number) and my mobile is 07823 456789.</p>\r\n"
           "--alt--\r\n"
           "--outer\r\nContent-Type: text/csv; name=\"enrolment.csv\"\r\nContent-Disposition: attachment; filename=\"enrolment.csv\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" + b64.encodebytes(csv).decode().replace("\n", "\r\n") +
           "--outer--\r\n")
    write("email/enrolment.eml", eml.encode())
    # The body is in two alternatives (text and HTML): one is read, so each number is found once.
    entry("email/enrolment.eml", [
        finding("email", "renee.moss@outlook.com"), finding("email", "admissions@northfield-college.ac.uk", "role_mailbox"),
        finding("uk.phone", "07700 900321", "example_data"), finding("uk.phone", "07823 456789")])
    entry("email/enrolment.eml", [finding("person.name", "Ravi Bose"), finding("dob", "21/03/2007"), finding("email", "ravi.bose07@gmail.com")], members=["enrolment.csv"])

    mbox = ("From alice@example.org Mon Jan 15 09:00:00 2024\n"
            "From: Liam Kerr <liam.kerr@gmail.com>\nTo: hr@northfield-college.ac.uk\nSubject: My new address\n\n"
            "Please update my address to 8 Orchard Lane, Bath BA1 2QX.\n\n"
            "From bob@example.org Tue Jan 16 10:00:00 2024\n"
            "From: Nina Shah <nina.shah@yahoo.co.uk>\nTo: hr@northfield-college.ac.uk\nSubject: Bank details\n\n"
            "My sort code is 30-99-50 and account number 88776655.\n")
    write("email/hr-inbox.mbox", mbox.encode())
    entry("email/hr-inbox.mbox", level="Confidential")
    entry("email/hr-inbox.mbox", [finding("email", "liam.kerr@gmail.com"), finding("email", "hr@northfield-college.ac.uk", "role_mailbox"),
                                  finding("uk.postcode", "BA1 2QX")], members=["message-0001.eml"])
    entry("email/hr-inbox.mbox", [finding("email", "nina.shah@yahoo.co.uk"), finding("email", "hr@northfield-college.ac.uk", "role_mailbox"),
                                  finding("uk.bank.account", "30-99-50 and account number 88776655")], members=["message-0002.eml"])

    # Outlook .msg: sender and recipient in property streams, the body, and two attachments (a
    # text note and a Word document) stored in the message's attachment storages.
    form = docx(w_p("Absence form") + w_table([["Pupil", "NI Number of parent"], ["Jack Turner", "WL 20 40 60 A"]]))
    msg = sample_writers.outlook_message(
        "Jack's absence", "Kate Turner", "kate.turner@gmail.com", [("School Office", "office@greenfield-primary.sch.uk")],
        "Dear office,\r\nJack was ill on Monday and Tuesday. You can reach me at 14 Elm Road, Bristol BS7 8PA.\r\n",
        [("absence-note.txt", b"Pupil: Jack Turner\nDate of birth: 08/04/2016\nDays absent: 2\n"), ("absence-form.docx", form)])
    independent_check(["msgconvert", "--outfile", "-", "{file}"], msg, ".msg",
                      [b"From: Kate Turner <kate.turner@gmail.com>", b"BS7 8PA", b"filename=absence-form.docx"])
    write("email/absence.msg", msg)
    entry("email/absence.msg", [
        finding("email", "kate.turner@gmail.com"), finding("email", "office@greenfield-primary.sch.uk", "role_mailbox"),
        finding("uk.postcode", "BS7 8PA")])
    entry("email/absence.msg", [finding("dob", "08/04/2016"), finding("person.name", "Jack Turner")], members=["absence-note.txt"])
    entry("email/absence.msg", [finding("person.name", "Jack Turner"), finding("uk.nino", "WL 20 40 60 A")], members=["absence-form.docx"])

    # 7z, one member plain and one encrypted (headers unencrypted, so the names are listed).
    seven = tool_output(["7z", "a", "-bd", "-mtm=off", "-mtc=off", "-mta=off", "bundle.7z", "notes.txt"], "bundle.7z",
                        extra_files=[("notes.txt", b"Parent contact: oliver.hart@gmail.com\n")])
    write("archives/bundle.7z", seven)
    entry("archives/bundle.7z", level="Restricted")
    entry("archives/bundle.7z", [finding("email", "oliver.hart@gmail.com")], members=["notes.txt"])
    locked7 = tool_output(["7z", "a", "-bd", "-psecret", "-mhe=off", "-mtm=off", "-mtc=off", "-mta=off", "locked.7z", "pay.txt"], "locked.7z",
                          extra_files=[("pay.txt", b"Salary list\n")])
    write("archives/locked.7z", locked7)
    entry("archives/locked.7z", level="Not classified")  # its one member could not be read
    entry("archives/locked.7z", members=["pay.txt"], outcome="error", issue="encrypted")


# ---------------------------------------------------------------- legacy Office (OLE2)

def legacy_office():
    """Word 97, Excel 97 and PowerPoint 97 files, converted by LibreOffice from this script's own
    OOXML samples, so they hold the same planted values. LibreOffice stamps the time in them: a
    rerun changes their bytes, not their content."""
    conversions = [("office/referral.docx", "doc"), ("office/learner-register.xlsx", "xls"), ("office/induction.pptx", "ppt")]
    with tempfile.TemporaryDirectory() as tmp:
        for source, ext in conversions:
            subprocess.run(["soffice", "--headless", "--convert-to", ext, "--outdir", tmp, os.path.join(ROOT, source)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            name = os.path.splitext(os.path.basename(source))[0] + "." + ext
            with open(os.path.join(tmp, name), "rb") as f:
                write("legacy/" + name, f.read())
            original = next(e for e in expected if e.get("path") == source and not e["members"])
            entry("legacy/" + name, [dict(f) for f in original["findings"]])


# ---------------------------------------------------------------- archives, nested and broken

def archives():
    deep_note = b"Archived case note. NI number: KL 24 68 02 D.\n"
    form = docx(w_p("Enrolment form") + w_table([["Name", "Date of Birth", "NI Number"], ["Ella Price", "30/01/2005", "NA 11 22 33 C"]]))
    inner = zip_bytes([("case-note.txt", deep_note)])
    write("archives/nested.zip", zip_bytes([("inner.zip", inner), ("forms/enrolment.docx", form), ("readme.txt", b"Nothing personal here.\n")]))
    entry("archives/nested.zip", level="Restricted")
    entry("archives/nested.zip", members=["inner.zip"], level="Restricted")
    entry("archives/nested.zip", [finding("uk.nino", "KL 24 68 02 D")], members=["inner.zip", "case-note.txt"])
    entry("archives/nested.zip", [finding("person.name", "Ella Price"), finding("dob", "30/01/2005"), finding("uk.nino", "NA 11 22 33 C")], members=["forms/enrolment.docx"])
    entry("archives/nested.zip", members=["readme.txt"])

    staff_csv = b"Name,Email,Post code\nGeorge Hall,george.hall@gmail.com,YO1 7HH\n"
    write("archives/hr-export.tar.gz", gzip_bytes(tar_bytes([("export/staff.csv", staff_csv), ("export/notes.txt", b"Exported for the annual audit.\n")])))
    # A compressed tar is one archive (libarchive reads the filter and the tar together).
    entry("archives/hr-export.tar.gz", level="Restricted")
    entry("archives/hr-export.tar.gz", [finding("person.name", "George Hall"), finding("email", "george.hall@gmail.com"), finding("uk.postcode", "YO1 7HH")], members=["export/staff.csv"])
    entry("archives/hr-export.tar.gz", members=["export/notes.txt"])

    write("archives/call-log.txt.gz", gzip_bytes(b"Call from parent, email harriet.moss@gmail.com, re: transport.\n"))
    entry("archives/call-log.txt.gz", level="Restricted")
    entry("archives/call-log.txt.gz", [finding("email", "harriet.moss@gmail.com")], members=["call-log.txt"])

    records = json.dumps([{"learner": "Yusuf Ali", "dob": "2008-02-14", "postcode": "LE1 5WW"}]).encode()
    write("archives/backup.tar.xz", lzma.compress(tar_bytes([("records.json", records)]), format=lzma.FORMAT_XZ))
    entry("archives/backup.tar.xz", level="Restricted")
    entry("archives/backup.tar.xz", [finding("person.name", "Yusuf Ali"), finding("dob", "2008-02-14"), finding("uk.postcode", "LE1 5WW")], members=["records.json"])

    import bz2
    write("archives/old-notes.txt.bz2", bz2.compress(b"Nothing to see: timetable changes for next week.\n"))
    entry("archives/old-notes.txt.bz2")
    entry("archives/old-notes.txt.bz2", members=["old-notes.txt"])

    # RAR 5 with stored members (no RAR writer is free software; sample_writers follows the
    # published format). libarchive reads it like any other archive.
    minutes = b"Governors' meeting, 10 January 2024.\nApologies: Tom Price (tom.price@gmail.com), 14 Mill Lane, Leeds LS6 2AB.\n"
    rar = sample_writers.rar5_stored([("governors/minutes-2024-01.txt", minutes), ("governors/agenda.txt", b"1. Budget\n2. Premises\n")])
    independent_check(["lsar", "-t", "{file}"], rar, ".rar", [b"OK"])
    write("archives/governors.rar", rar)
    entry("archives/governors.rar", level="Restricted")
    entry("archives/governors.rar", [finding("email", "tom.price@gmail.com"), finding("uk.postcode", "LS6 2AB")],
          members=["governors/minutes-2024-01.txt"])
    entry("archives/governors.rar", members=["governors/agenda.txt"])

    # Corrupt: a zip cut off inside its second member, its central directory gone. The first
    # member is whole and must still be scanned; the second is reported, and so is the archive.
    noise = random.Random(7).randbytes(6000)  # incompressible, so the cut lands inside it
    whole = zip_bytes([("list.txt", b"Email: oscar.bell@gmail.com\n"), ("more.bin", noise)])
    cut = len(whole) // 2
    assert whole.find(b"more.bin") < cut < len(whole) - 200, "the cut must fall inside more.bin's data"
    write("archives/corrupt.zip", whole[:cut])
    entry("archives/corrupt.zip", outcome="error", issue="corrupt", level="Restricted")
    entry("archives/corrupt.zip", [finding("email", "oscar.bell@gmail.com")], members=["list.txt"])
    entry("archives/corrupt.zip", members=["more.bin"], outcome="error", issue="corrupt")

    # Encrypted: one member protected with a password (traditional PKWARE encryption).
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "salaries.txt"), "wb") as f:
            f.write(b"Confidential salary list\n")
        os.utime(os.path.join(tmp, "salaries.txt"), (1705311000, 1705311000))
        out = os.path.join(tmp, "locked.zip")
        subprocess.run(["zip", "-q", "-X", "-P", "not-a-real-secret", out, "salaries.txt"], cwd=tmp, check=True)
        with open(out, "rb") as f:
            data = f.read()
    write("archives/locked.zip", data)
    entry("archives/locked.zip", level="Not classified")  # its one member could not be read
    entry("archives/locked.zip", members=["salaries.txt"], outcome="error", issue="encrypted")


def exif_block(fields, gps):
    """An EXIF block (big-endian TIFF): IFD0 `fields` {tag: (type, bytes)} and a GPS IFD."""
    import struct

    def ifd(entries, start):
        # entries: sorted [(tag, type, count, data bytes)]; data over 4 bytes goes after the IFD.
        out = struct.pack(">H", len(entries))
        extra = b""
        data_at = start + 2 + 12 * len(entries) + 4
        for tag, typ, count, data in entries:
            if len(data) <= 4:
                out += struct.pack(">HHI", tag, typ, count) + data.ljust(4, b"\0")
            else:
                out += struct.pack(">HHII", tag, typ, count, data_at + len(extra))
                extra += data + (b"\0" if len(data) % 2 else b"")
        return out + struct.pack(">I", 0) + extra

    def rationals(values):
        return b"".join(struct.pack(">II", n, d) for n, d in values)

    gps_entries = [(1, 2, 2, gps["lat_ref"].encode() + b"\0"), (2, 5, 3, rationals(gps["lat"])),
                   (3, 2, 2, gps["lon_ref"].encode() + b"\0"), (4, 5, 3, rationals(gps["lon"]))]
    entries = sorted([(tag, typ, len(data) if typ != 2 else len(data), data) for tag, (typ, data) in fields.items()]
                     + [(0x8825, 4, 1, b"\0\0\0\0")])
    header = b"MM\0\x2a" + struct.pack(">I", 8)
    first = ifd(entries, 8)
    gps_at = 8 + len(first)
    entries = [(t, ty, c, struct.pack(">I", gps_at) if t == 0x8825 else d) for t, ty, c, d in entries]
    first = ifd(entries, 8)
    return header + first + ifd(gps_entries, gps_at)


def images():
    from PIL import Image, ImageDraw, ImageFont
    # A staff photograph: camera, photographer and GPS position in its EXIF.
    photo = Image.new("RGB", (64, 48), (180, 150, 120))
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=80)
    jpg = buf.getvalue()
    gps = {"lat_ref": "N", "lat": [(53, 1), (48, 1), (2718, 1000)], "lon_ref": "W", "lon": [(1, 1), (32, 1), (56677, 1000)]}
    fields = {0x010F: (2, b"Canon\0"), 0x0110: (2, b"EOS 250D\0"), 0x013B: (2, b"Photographer: Jane Cole\0"),
              0x9C9D: (1, "Jane Cole".encode("utf-16-le") + b"\0\0")}
    exif = b"Exif\0\0" + exif_block(fields, gps)
    app1 = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    write("images/staff-photo.jpg", jpg[:2] + app1 + jpg[2:])
    lat = 53 + 48 / 60 + 2.718 / 3600
    lon = -(1 + 32 / 60 + 56.677 / 3600)
    entry("images/staff-photo.jpg", [finding("location.gps", "%.6f, %.6f" % (lat, lon))])

    # A scanned form: its text is only in the picture (found with --ocr); its PNG comment names a
    # person's address.
    form = Image.new("L", (900, 160), 255)
    draw = ImageDraw.Draw(form)
    font = ImageFont.load_default(size=40)
    draw.text((20, 20), "Passport application", fill=0, font=font)
    draw.text((20, 90), "NI number: JT 48 27 93 C", fill=0, font=font)
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "scanned for amelia.cole@gmail.com")
    buf = io.BytesIO()
    form.save(buf, "PNG", pnginfo=info)
    write("images/scanned-form.png", buf.getvalue())
    entry("images/scanned-form.png", [finding("email", "amelia.cole@gmail.com")])


def other():
    # A PNG (1x1) with no metadata: nothing to find.
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
    write("other/pixel.png", png)
    entry("other/pixel.png")
    # Bytes of no known format: skipped, reported as unsupported.
    write("other/blob.bin", bytes(range(256)) * 4)
    # Binary of no known format: its printable runs (the ASCII range, four times) are searched and
    # hold nothing personal; the entry says only printable text was read.
    entry("other/blob.bin", outcome="scanned", issue="malformed", level="Not classified")  # only its printable runs were read


def office_comments():
    """A workbook whose personal data is only in a cell comment, laid out as Excel lays it out: the
    sheet's relationships name ../comments1.xml, and the note starts with its author in bold."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{ns}"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Role</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>Priya Shah</t></is></c><c r="B2" t="inlineStr"><is><t>Teaching assistant</t></is></c></row>'
             "</sheetData><legacyDrawing r:id=\"rId2\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"/></worksheet>")
    comments = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><comments xmlns="{ns}">'
                "<authors><author>HR Officer</author></authors><commentList>"
                '<comment ref="A2" authorId="0"><text><r><rPr><b/></rPr><t>HR Officer:</t></r>'
                '<r><t xml:space="preserve">\nNI number SN 48 27 36 B confirmed; personal email priya.shah@outlook.com</t></r>'
                "</text></comment></commentList></comments>")
    sheet_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/>'
                  "</Relationships>")
    workbook = xlsx_workbook("Staff")
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               "</Relationships>")
    ct = xlsx_content_types(("xl/workbook.xml", "sheet.main"), ("xl/worksheets/sheet1.xml", "worksheet"),
                            ("xl/comments1.xml", "comments"))
    rels = package_rels("xl/workbook.xml")
    write("office/staff-notes.xlsx", zip_bytes([
        ("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/worksheets/sheet1.xml", sheet), ("xl/worksheets/_rels/sheet1.xml.rels", sheet_rels), ("xl/comments1.xml", comments)]))
    entry("office/staff-notes.xlsx", [finding("uk.nino", "SN 48 27 36 B"), finding("email", "priya.shah@outlook.com")])


def office_embedded():
    """A report whose staff list is an Excel object embedded in it: the report's own text names
    no one; the workbook is a member of the document, as an attachment is of an email."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def cell(ref, text):
        return f'<c r="{ref}" t="inlineStr"><is><t>{esc(text)}</t></is></c>'
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{ns}"><sheetData>'
             f'<row r="1">{cell("A1", "Name")}{cell("B1", "NI Number")}{cell("C1", "Date of Birth")}</row>'
             f'<row r="2">{cell("A2", "Tom Becker")}{cell("B2", "KL 63 52 41 A")}{cell("C2", "03/09/1979")}</row>'
             "</sheetData></worksheet>")
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               "</Relationships>")
    workbook = zip_bytes([
        ("[Content_Types].xml", xlsx_content_types(("xl/workbook.xml", "sheet.main"), ("xl/worksheets/sheet1.xml", "worksheet"))),
        ("_rels/.rels", package_rels("xl/workbook.xml")), ("xl/workbook.xml", xlsx_workbook("Staff")),
        ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/worksheets/sheet1.xml", sheet)])
    body = w_p("Staffing review, spring term") + w_p("The staff list for the review is embedded below.")
    name = "Microsoft_Excel_Worksheet.xlsx"
    write("office/staffing-review.docx", docx(body, embedded=[(name, workbook)]))
    entry("office/staffing-review.docx", level="Restricted")
    entry("office/staffing-review.docx", [finding("person.name", "Tom Becker"), finding("uk.nino", "KL 63 52 41 A"), finding("dob", "03/09/1979")],
          members=["word/embeddings/" + name])


def office_pivot():
    """A workbook that shows only a pivot table's totals; its source sheet is gone, but the pivot
    cache still holds every row it was made from, as Excel keeps it."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    summary = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{ns}"><sheetData>'
               '<row r="1"><c r="A1" t="inlineStr"><is><t>Department</t></is></c><c r="B1" t="inlineStr"><is><t>Staff</t></is></c></row>'
               '<row r="2"><c r="A2" t="inlineStr"><is><t>Science</t></is></c><c r="B2"><v>1</v></c></row>'
               '<row r="3"><c r="A3" t="inlineStr"><is><t>Maths</t></is></c><c r="B3"><v>1</v></c></row>'
               "</sheetData></worksheet>")
    definition = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><pivotCacheDefinition xmlns="{ns}" '
                  f'xmlns:r="{r_ns}" r:id="rId1" recordCount="2"><cacheSource type="worksheet">'
                  '<worksheetSource ref="A1:D3" sheet="Staff"/></cacheSource><cacheFields count="4">'
                  '<cacheField name="Name" numFmtId="0"><sharedItems/></cacheField>'
                  '<cacheField name="NI Number" numFmtId="0"><sharedItems/></cacheField>'
                  '<cacheField name="Date of Birth" numFmtId="14"><sharedItems containsSemiMixedTypes="0" containsNonDate="0" '
                  'containsDate="1" containsString="0" minDate="1979-09-03T00:00:00" maxDate="1985-01-20T00:00:00"/></cacheField>'
                  '<cacheField name="Department" numFmtId="0"><sharedItems count="2"><s v="Science"/><s v="Maths"/></sharedItems></cacheField>'
                  "</cacheFields></pivotCacheDefinition>")
    records = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><pivotCacheRecords xmlns="{ns}" count="2">'
               '<r><s v="Tom Becker"/><s v="KL 63 52 41 A"/><d v="1979-09-03T00:00:00"/><x v="0"/></r>'
               '<r><s v="Nadia Okafor"/><s v="PC 19 28 37 D"/><d v="1985-01-20T00:00:00"/><x v="1"/></r>'
               "</pivotCacheRecords>")
    cache_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
                  f'<Relationship Id="rId1" Type="{r_ns}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>')
    workbook = xlsx_workbook("Summary").replace("</sheets>", '</sheets><pivotCaches><pivotCache cacheId="1" r:id="rId2"/></pivotCaches>')
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
               f'<Relationship Id="rId1" Type="{r_ns}/worksheet" Target="worksheets/sheet1.xml"/>'
               f'<Relationship Id="rId2" Type="{r_ns}/pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/>'
               "</Relationships>")
    ct = xlsx_content_types(("xl/workbook.xml", "sheet.main"), ("xl/worksheets/sheet1.xml", "worksheet"),
                            ("xl/pivotCache/pivotCacheDefinition1.xml", "pivotCacheDefinition"),
                            ("xl/pivotCache/pivotCacheRecords1.xml", "pivotCacheRecords"))
    write("office/staff-summary.xlsx", zip_bytes([
        ("[Content_Types].xml", ct), ("_rels/.rels", package_rels("xl/workbook.xml")), ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/worksheets/sheet1.xml", summary),
        ("xl/pivotCache/pivotCacheDefinition1.xml", definition), ("xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels", cache_rels),
        ("xl/pivotCache/pivotCacheRecords1.xml", records)]))
    entry("office/staff-summary.xlsx", [finding("person.name", "Nadia Okafor"), finding("person.name", "Tom Becker"), finding("uk.nino", "KL 63 52 41 A"), finding("dob", "1979-09-03"),
                                        finding("uk.nino", "PC 19 28 37 D"), finding("dob", "1985-01-20")])


def opendocument_object():
    """A text whose list of governors is a spreadsheet object embedded in it."""
    def cell(v):
        return f'<table:table-cell office:value-type="string"><text:p>{esc(v)}</text:p></table:table-cell>'
    rows = [["Governor", "Personal email"], ["Aisha Rahman", "aisha.rahman@hotmail.co.uk"]]
    table = ('<office:spreadsheet><table:table table:name="Governors">'
             + "".join("<table:table-row>" + "".join(cell(c) for c in r) + "</table:table-row>" for r in rows)
             + "</table:table></office:spreadsheet>")
    body = ('<office:text><text:p>Governing board, autumn term</text:p>'
            '<text:p><draw:frame><draw:object xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="./Object 1"/></draw:frame></text:p></office:text>')
    write("opendocument/governors.odt", odf("text", body, objects=[("Object 1", "spreadsheet", table)]))
    entry("opendocument/governors.odt", [finding("email", "aisha.rahman@hotmail.co.uk")])


def office_marking():
    """A workbook with no personal data whose only protective marking is in its page header, as
    Excel writes one: sections and fonts as codes (&L, &"Arial,Bold", &P)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    header = esc('&L&"Arial,Bold"OFFICIAL-SENSITIVE&RPage &P of &N')
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{ns}"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Cost centre</t></is></c><c r="B1" t="inlineStr"><is><t>Budget</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>Estates</t></is></c><c r="B2"><v>125000</v></c></row>'
             f"</sheetData><headerFooter><oddHeader>{header}</oddHeader><oddFooter>{esc('&C&F')}</oddFooter></headerFooter></worksheet>")
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               "</Relationships>")
    write("office/budget.xlsx", zip_bytes([
        ("[Content_Types].xml", xlsx_content_types(("xl/workbook.xml", "sheet.main"), ("xl/worksheets/sheet1.xml", "worksheet"))),
        ("_rels/.rels", package_rels("xl/workbook.xml")), ("xl/workbook.xml", xlsx_workbook("Budget")),
        ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/worksheets/sheet1.xml", sheet)]))
    entry("office/budget.xlsx", level="Confidential", markings=["marking.official_sensitive"])


def pdf_form():
    """A job application form filled in on screen: the page holds only the questions; the answers
    are the form's field values."""
    form = pdf_bytes([["Northfield College - application for employment", "", "Full name:",
                       "National Insurance number:", "Date of birth:", "Email:"]],
                     fields=[("full_name", "Full name", "Grace Okoye"),
                             ("ni_number", "National Insurance number", "TW 31 42 53 C"),
                             ("dob", "Date of birth", "12/08/1990"),
                             ("email", "", "grace.okoye@yahoo.co.uk")])  # no tooltip: the field's own name
    write("pdf/application-form.pdf", form)
    entry("pdf/application-form.pdf", [finding("person.name", "Grace Okoye"), finding("uk.nino", "TW 31 42 53 C"), finding("dob", "12/08/1990"),
                                       finding("email", "grace.okoye@yahoo.co.uk")])


def pdf_tables():
    """Forms and registers printed from a word processor: each table cell is drawn on its own,
    so the page's text runs a label into its answer ("EthnicityWhite") unless the reader sees the
    gap between the cells."""
    form = pdf_bytes([["Westshire Adult Learning - enrolment form 2025/26", "", "About you",
                       [(0, "Learner name"), (190, "Daniel Okafor")],
                       [(0, "Date of birth"), (190, "22/07/1979")],
                       [(0, "NI number"), (190, "JR 48 27 61 C")],
                       "", "Equal opportunities monitoring",
                       [(0, "Ethnic group"), (190, "White - any other White background")],
                       [(0, "Disability or learning difficulty?"), (190, "Yes - dyslexia")],
                       "", "Office use: fee band B"]])
    write("pdf/enrolment-form-printed.pdf", form)
    entry("pdf/enrolment-form-printed.pdf", [
        finding("person.name", "Daniel Okafor"), finding("dob", "22/07/1979"), finding("uk.nino", "JR 48 27 61 C"),
        finding("special.ethnicity", "White - any other White background"), finding("special.health", "Yes - dyslexia")])

    learners = [("Maria Kowalska", "03/02/1968", "LS6 2QT", ""),
                ("Tom Hughes", "19/11/1990", "LS7 4AB", "Hearing impairment"),
                ("Priya Shah", "08/05/1985", "LS8 1HX", "")]
    rows = [[(0, "Learner"), (130, "Date of birth"), (230, "Postcode"), (310, "Support need")]]
    rows += [[(0, n), (130, d), (230, p)] + ([(310, need)] if need else []) for n, d, p, need in learners]
    write("pdf/course-register.pdf", pdf_bytes([["Spanish for beginners (Tue 18:30) - register", ""] + rows]))
    found = []
    for n, d, p, need in learners:
        found += [finding("person.name", n), finding("dob", d), finding("uk.postcode", p)]
        if need:
            found.append(finding("special.health", need))
    entry("pdf/course-register.pdf", found)


# ---------------------------------------------------------------- retention and exposure

def retention_set():
    """Documents of seed 003's retention schedule (Patterns/retention/student-data.yaml), each
    showing its kind and the date its period runs from. Their modes, ACLs and modification times
    cannot live in git: scripts/make-samples-permissions gives a copy of this folder those, and
    the test of that copy holds the exposure and retention outcome each file must get."""
    docs = {
        "retention/health-declaration.txt": (
            "Post arrival health declaration\nStudent email: amira.haddad@gmail.com\nDate of birth: 12/03/2004\n"
            "Course end date: 15/07/2024\n",
            [finding("email", "amira.haddad@gmail.com"), finding("dob", "12/03/2004")]),
        "retention/health-declaration-no-show.txt": (
            "Health declaration\nStudent email: ola.nowak@outlook.com\nCourse end date: 10/07/2026\nNo show: 08/09/2025\n",
            [finding("email", "ola.nowak@outlook.com")]),
        "retention/pre-cas-interview.txt": (
            "Pre-CAS interview record\nApplicant email: chen.yu88@gmail.com\nInterview date: 03/03/2025\n",
            [finding("email", "chen.yu88@gmail.com")]),
        "retention/guardian-form.txt": (
            "College guardian form\nStudent email: tom.reilly09@hotmail.co.uk\nDate of birth: 01/06/2009\n",
            [finding("email", "tom.reilly09@hotmail.co.uk"), finding("dob", "01/06/2009")]),
        "retention/tenancy-agreement.txt": (
            "Tenancy agreement for Room 14, Hall B\nTenant email: sara.novak@yahoo.co.uk\n",
            [finding("email", "sara.novak@yahoo.co.uk")]),
        "retention/shared/offer-letter.txt": (
            "Offer letter\nWe are pleased to offer you a place.\nApplicant email: kwame.asante@gmail.com\n",
            [finding("email", "kwame.asante@gmail.com")]),
        "retention/model-release.txt": (
            "Model release form\nI agree to the use of my photograph.\nEmail: joe.bloggs77@outlook.com\n",
            [finding("email", "joe.bloggs77@outlook.com")]),
        "retention/tutor-minutes.txt": (
            "Minutes of the tutor meeting\nContact: priya.shah@btinternet.com\n",
            [finding("email", "priya.shah@btinternet.com")]),
        "retention/room-list.txt": ("Rooms for the open evening: B14, B15, C2.\n", []),
    }
    for path, (text, findings) in docs.items():
        write(path, text.encode())
        entry(path, findings)


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    plain_text()
    delimited()
    office()
    office_comments()
    office_embedded()
    office_pivot()
    office_marking()
    opendocument()
    opendocument_object()
    more_types()
    other_formats()
    pdf_form()
    pdf_tables()
    images()
    legacy_office()
    archives()
    other()
    retention_set()
    # The test scans with --exclude expected.json: this file holds the planted values in clear.
    entry("expected.json", outcome="skipped", issue="excluded")
    expected.sort(key=lambda e: (e.get("path", ""), e["members"]))
    doc = {
        "about": "What scripts/make-samples.py planted in Samples/: every entry Trawl must report, its outcome and level, "
                 "and every finding (type and value as written; exempt findings are shown but count towards nothing). "
                 "Paths are relative to Samples/. The values are fake.",
        "entries": expected,
    }
    with open(os.path.join(ROOT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(expected)} expected entries to {ROOT}")


if __name__ == "__main__":
    main()
