#!/usr/bin/env python3
"""Build a seeded benchmark corpus outside the repository.

  scripts/bench-corpus.py DIR [--text-mb 100] [--docx 1000] [--xlsx 0] [--tree 0] [--share 0] [--seed 1]

DIR/text/: prose in files of about 512 KiB with personal data at a realistic density (about one
person's record per 10 KiB: NI numbers, dates of birth, emails, postcodes, with decoys), its
sentences made of a few dozen words; DIR/prose/ (--prose-mb): the same records in sentences as an
organisation writes them (policies, minutes, reports), with the punctuation, numbers, years and
common words ("may", "consent", "third-party") of real English;
DIR/docx/: Word documents of a few paragraphs and a table each; DIR/xlsx/: workbooks of a few
hundred rows; DIR/archives/: a zip and a tar.gz of some of those; DIR/tree/: many small text files
in nested folders; DIR/share/: a file share in miniature (--share files, see `share`).
Deterministic for a given seed.
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


# Sentences of the kind a college's or council's documents hold, written for this corpus. Real
# English, unlike WORDS: commas, hyphens and colons, section numbers, years, times, sums of money,
# months, and the words that hold a literal some pattern looks for ("may", "consent", "present",
# "summary", "decision", "third party", "public", "health", "passed").
SENTENCES = [
    "The committee may wish to note the summary of decisions taken since the last meeting, which is attached as Appendix {n}.",
    "Under section {s} of the policy, consent must be recorded before any personal data is shared with a third party.",
    "The Data Protection Act {year} and the UK GDPR set out the lawful bases on which the college may process information.",
    "Minutes of the meeting held on {day} {month} {year2}, at {time}, in the Board Room.",
    "Present: the Principal, the Clerk, two staff governors and the Chair of the Finance Committee.",
    "Apologies were received from the Vice-Chair, who was attending a regional conference.",
    "Action: the Clerk to circulate the revised terms of reference by {day} {month}.",
    "The budget for {year2}-{yy} was approved at \u00a3{money}, an increase of {pct}% on the previous year.",
    "Members asked whether the new approach to marking was appropriate for part-time learners.",
    "It was agreed that a separate report on attendance would be presented at the next meeting.",
    "Staff should not send sensitive information by email unless it is encrypted or sent through the secure portal.",
    "All requests for access to records must be passed to the Data Protection Officer within {n} working days.",
    "The retention schedule in Annex {n} sets out how long each category of record is kept.",
    "Where a learner is under 18, the consent of a parent or carer may also be required.",
    "Paper records containing personal information are stored in locked cabinets and shredded when no longer needed.",
    "The decision was made to extend the pilot until the end of the spring term.",
    "A public version of this document is published on the website; the full version is for internal use.",
    "Health and safety inspections took place in {month} and no serious concerns were raised.",
    "The trade union representative welcomed the consultation and asked for a summary of the responses.",
    "Governors discussed the market for adult courses, which has changed since {year}.",
    "Section {s} was amended to reflect guidance issued in {month} {year}.",
    "The survey had a response rate of {pct}%, with {n} of the {nn} respondents rating the service as good or excellent.",
    "Room {n} will be closed for refurbishment between {day} {month} and {day2} {month}.",
    "Any breach must be reported to the DPO immediately and, where required, to the ICO within 72 hours.",
    "The Finance Director presented the management accounts for period {n}; a surplus of \u00a3{money} was forecast.",
    "Learners with an Education, Health and Care Plan receive an annual review, coordinated by the learning support team.",
    "The safeguarding lead reported {n} referrals this term, compared with {nn} in the same period last year.",
    "Minutes are approved at the following meeting and kept for six years, in line with the retention schedule.",
    "The auditors' report, dated {day} {month} {year2}, identified two low-priority recommendations.",
    "Contractors must sign a confidentiality agreement before they are given access to college systems.",
    "The policy is reviewed every two years by the Senior Leadership Team, or sooner if the law changes.",
    "Telephone enquiries are answered between 8:30 and 17:00, Monday to Friday.",
    "A sample of {n} files was checked; {nn} had a signed enrolment form and a completed risk assessment.",
    "It was noted that the new timetable had been well received by students and staff.",
    "The Clerk confirmed that the meeting was quorate.",
    "Partners include the local authority, two NHS trusts and the regional skills board.",
    "The present arrangements will continue until a decision is taken on the proposed merger.",
    "Questions from the floor were answered by the Principal and are summarised below.",
    "Decisions are recorded in the action log, which is reviewed at the start of each meeting.",
    "The college's privacy notice explains what information is collected, why, and who it is shared with.",
    "CCTV images are retained for {n} days and then overwritten automatically.",
    "Staff training on data protection is mandatory and must be refreshed every {n} months.",
    "The committee noted a {pct}% reduction in energy use following the installation of new boilers.",
    "Item {n}: declarations of interest. None were made.",
    "Version {n}.{n2}, approved by the Board on {day} {month} {year2}; next review due {month} {yy2}.",
    "Information should be accurate, kept up to date and held no longer than is necessary for the purpose.",
    "Managers are responsible for making sure that their teams understand and follow this policy.",
    "The Board thanked the outgoing Chair for her years of service and wished her well.",
    "A full equality impact assessment was carried out and no adverse effects were identified.",
    "Where there is any doubt, staff should ask the Data Protection Officer before sharing information.",
    "The new student information system went live without significant problems, although some reports are still being rebuilt.",
    "Feedback from employers has been positive, particularly about the work-readiness of apprentices.",
    "Learners can ask to see the information held about them, to have it corrected, or in some cases to have it deleted.",
    "The risk register was reviewed; cyber security remains the highest-rated risk, followed by recruitment.",
    "Personal devices may be used for college email only if they are protected by a passcode and kept up to date.",
    "The committee asked for clearer information on the outcomes of learners who leave before completing their course.",
    "Complaints are acknowledged within five working days and a full response is sent within twenty.",
    "It was reported that the library's opening hours would be extended during the examination period.",
    "All visitors must sign in at reception, wear a visitor's badge and be accompanied at all times.",
    "The Chair reminded members that papers marked confidential must not be shared outside the meeting.",
    "There being no other business, the meeting closed.",
    "Staff who process special category data, such as health records, must complete the additional training module.",
    "The college works with the local authority to support young people who are not in education, employment or training.",
    "A decision on the proposal was deferred until further information about costs and staffing is available.",
    "Responsibility for the day-to-day management of records rests with each head of department.",
    "Data sharing agreements are in place with the main partners and are reviewed each year.",
    "The governors agreed that the strategy should be shortened and written in plainer language.",
    "Unauthorised access to personal information is a disciplinary matter and may also be a criminal offence.",
    "Students were consulted through the student council, focus groups and an online survey.",
    "The estates team has started a programme of work to improve accessibility across the main site.",
    "Questions about this policy should be addressed to the Clerk to the Governors.",
    "The report recommended that paper-based processes be reduced wherever practicable.",
    "Members welcomed the improvement in achievement rates and asked for the analysis to be shared with staff.",
    "Copies of the signed minutes are held by the Clerk and published on the website after approval.",
    "The college will notify individuals without undue delay where a breach is likely to result in a high risk to them.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def filled(r, size, sentence, newline):
    """About `size` bytes of sentences made by `sentence(r)`, a person's record in place of about one
    in a hundred and a decoy (a date, and an NI number that is not one) of as many; a line break
    after about `newline` of them."""
    out = []
    n = 0
    while n < size:
        if r.random() < 0.01:
            s = person(r)
        elif r.random() < 0.01:
            s = f"The panel met on {r.randint(1,28)}/{r.randint(1,12)}/20{r.randint(10,24)}; ref QQ 12 34 56 A."
        else:
            s = sentence(r)
        out.append(s)
        n += len(s.encode()) + 1
        if r.random() < newline:
            out.append("\n")
    return (" ".join(out) + "\n").encode()


def organisational(r):
    """One of SENTENCES with its numbers, dates and sums filled in."""
    y = r.randint(2015, 2026)
    return r.choice(SENTENCES).format(
        n=r.randint(1, 40), n2=r.randint(0, 9), nn=r.randint(41, 400), s=f"{r.randint(1, 14)}.{r.randint(1, 9)}",
        year=r.choice([1998, 2010, 2018, 2020, 2021]), year2=y, yy=f"{(y + 1) % 100:02d}", yy2=y + 2,
        day=r.randint(1, 28), day2=r.randint(1, 28), month=r.choice(MONTHS), time=f"{r.randint(9, 18)}:{r.choice(['00', '15', '30', '45'])}",
        money=f"{r.randint(1, 999)},{r.randint(0, 999):03d}", pct=r.randint(1, 95))


def english(r, size):
    """Organisational prose of about `size` bytes, with person records as dense as in `prose`."""
    return filled(r, size, organisational, 0.15)


def prose(r, size):
    return filled(r, size, lambda r: " ".join(r.choice(WORDS) for _ in range(r.randint(8, 20))).capitalize() + ".", 0.2)


# ---------------------------------------------------------------- a file share in miniature
#
# What a departmental share holds, by count: mostly Word files, PDFs, spreadsheets and pictures,
# then notes, CSV exports, saved emails, a few zips and binaries. Sizes are log-normal (a few
# large files, many small ones), median some tens of KB, as file-system surveys find. Personal
# data is as dense as in the text corpus where there is any; many files have none.
SHARE_MIX = [("docx", 30), ("pdf", 13), ("png", 15), ("xlsx", 12), ("txt", 10), ("csv", 8), ("eml", 5), ("zip", 3), ("bin", 4)]


def lognormal(r, median, sigma, lo, hi):
    import math
    return int(min(hi, max(lo, math.exp(r.gauss(math.log(median), sigma)))))


def word_parts(r):
    """The parts Word writes beside the text: styles (with latent styles), theme, settings, fonts,
    document properties. Written here, by us, with the shape and size of Word's."""
    W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    styles = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr>'
              '<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/><w:sz w:val="22"/><w:lang w:val="en-GB"/></w:rPr>'
              '</w:rPrDefault></w:docDefaults><w:latentStyles w:defLockedState="0" w:defUIPriority="99" w:count="376">']
    for i in range(376):
        styles.append(f'<w:lsdException w:name="style {i}" w:uiPriority="{i % 70}" w:semiHidden="1" w:unhideWhenUsed="1"/>')
    styles.append('</w:latentStyles>')
    for i in range(40):
        styles.append(f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="Style {i}"/><w:basedOn w:val="Normal"/>'
                      f'<w:pPr><w:spacing w:before="{i * 20}" w:after="{i * 10}"/></w:pPr><w:rPr><w:sz w:val="{18 + i % 12}"/></w:rPr></w:style>')
    styles.append('</w:styles>')
    theme = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
             'name="Office Theme"><a:themeElements><a:clrScheme name="Office">']
    for name in ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6", "hlink", "folHlink"):
        theme.append(f'<a:{name}><a:srgbClr val="{r.randrange(1 << 24):06X}"/></a:{name}>')
    theme.append('</a:clrScheme><a:fontScheme name="Office"><a:majorFont>')
    for script in range(60):
        theme.append(f'<a:font script="Script{script}" typeface="Typeface {script}"/>')
    theme.append('</a:majorFont><a:minorFont>')
    for script in range(60):
        theme.append(f'<a:font script="Script{script}" typeface="Typeface {script}"/>')
    theme.append('</a:minorFont></a:fontScheme></a:themeElements></a:theme>')
    settings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings {W}><w:zoom w:percent="100"/>'
                + "".join(f'<w:rsid w:val="{r.randrange(1 << 32):08X}"/>' for _ in range(r.randint(5, 80))) + '</w:settings>')
    fonts = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts {W}>'
             + "".join(f'<w:font w:name="Font {i}"><w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/></w:font>' for i in range(8))
             + '</w:fonts>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           f'<Template>Normal.dotm</Template><TotalTime>{r.randrange(500)}</TotalTime><Pages>{r.randint(1, 30)}</Pages><Application>Microsoft Office Word</Application></Properties>')
    return [("word/styles.xml", "".join(styles)), ("word/theme/theme1.xml", "".join(theme)), ("word/settings.xml", settings),
            ("word/fontTable.xml", fonts), ("docProps/app.xml", app)]


def word_paragraph(r, text):
    """A paragraph as Word writes one: revision ids, run properties, the text split into runs."""
    words = text.split(" ")
    cuts = sorted(r.sample(range(1, len(words)), min(len(words) - 1, r.randint(0, 3)))) if len(words) > 1 else []
    runs = [" ".join(words[a:b]) for a, b in zip([0] + cuts, cuts + [len(words)])]
    rsid = f"{r.randrange(1 << 32):08X}"
    out = f'<w:p w:rsidR="{rsid}" w:rsidRDefault="{rsid}" w:rsidP="{rsid}"><w:pPr><w:spacing w:after="120"/><w:jc w:val="both"/></w:pPr>'
    for i, run in enumerate(runs):
        space = " " if i < len(runs) - 1 else ""
        out += (f'<w:r w:rsidRPr="{r.randrange(1 << 32):08X}"><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/>'
                f'<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr><w:t xml:space="preserve">{samples.esc(run + space)}</w:t></w:r>')
    return out + "</w:p>"


def share_docx(r):
    text = prose(r, 120 * lognormal(r, 40, 1.0, 3, 1200)).decode()
    paras = "".join(word_paragraph(r, s.strip()) for s in text.split("\n") if s.strip())
    if r.random() < 0.2:
        rows = [["Name", "Date of Birth", "NI Number", "Email"]]
        for _ in range(r.randint(1, 12)):
            f, l = r.choice(FIRST), r.choice(LAST)
            rows.append([f"{f} {l}", f"{r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1960,2010)}", nino(r), f"{f.lower()}.{l.lower()}@outlook.com"])
        paras += samples.w_table(rows)
    body = samples.docx(paras)
    # Add Word's other parts to the package the sample writer made.
    import io, zipfile
    buf = io.BytesIO(body)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        for name, data in word_parts(r):
            z.writestr(zipfile.ZipInfo(name, samples.FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def share_xlsx(r, ev):
    n = lognormal(r, 150, 1.0, 5, 5000)
    if r.random() < 0.5:
        rows = [["Name", "Date of Birth", "NI Number", "Email", "Notes"]]
        for _ in range(n):
            f_, l_ = r.choice(FIRST), r.choice(LAST)
            rows.append([f"{f_} {l_}", f"{r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1960,2010)}", nino(r),
                         f"{f_.lower()}.{l_.lower()}@outlook.com", " ".join(r.choice(WORDS) for _ in range(8))])
    else:
        rows = [["Cost centre", "Description", "Budget", "Spent", "Remaining"]]
        for i in range(n):
            b = r.randrange(1000, 90000)
            s = r.randrange(0, b)
            rows.append([f"CC{r.randrange(100, 999)}", " ".join(r.choice(WORDS) for _ in range(4)), str(b), str(s), str(b - s)])
    return ev.xlsx(rows)


def share_pdf(r):
    pages = []
    for _ in range(lognormal(r, 3, 0.8, 1, 60)):
        text = prose(r, 45 * 90).decode().replace("\n", " ")
        pages.append([text[i:i + 90] for i in range(0, len(text), 90)][:45])
    return samples.pdf_bytes(pages)


def share_png(r):
    import struct, zlib
    size = lognormal(r, 60000, 1.0, 2000, 3_000_000)
    width = 256
    height = max(1, size // (width * 3))
    raw = b"".join(b"\0" + r.randbytes(width * 3) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    text = chunk(b"tEXt", b"Software\0Scanner 2.1") if r.random() < 0.5 else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + text
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def share_csv(r):
    lines = ["id,name,date_of_birth,ni_number,email,notes"]
    for i in range(lognormal(r, 200, 1.2, 5, 20000)):
        f, l = r.choice(FIRST), r.choice(LAST)
        lines.append(f"{i},{f} {l},{r.randint(1,28):02d}/{r.randint(1,12):02d}/{r.randint(1960,2010)},{nino(r)},"
                     f"{f.lower()}.{l.lower()}@gmail.com,{' '.join(r.choice(WORDS) for _ in range(6))}")
    return ("\n".join(lines) + "\n").encode()


def share_eml(r, attachment):
    import base64
    f, l = r.choice(FIRST), r.choice(LAST)
    body = prose(r, lognormal(r, 2000, 1.0, 200, 50000)).decode()
    head = (f"From: {f} {l} <{f.lower()}.{l.lower()}@example.org>\nTo: office@example.org\nSubject: {' '.join(r.choice(WORDS) for _ in range(5))}\n"
            "Date: Mon, 15 Jan 2024 09:30:00 +0000\nMIME-Version: 1.0\n")
    if not attachment:
        return (head + "Content-Type: text/plain; charset=utf-8\n\n" + body).encode()
    encoded = base64.encodebytes(attachment).decode()
    return (head + 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n' + body
            + '\n--b1\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name="form.docx"\n'
            'Content-Disposition: attachment; filename="form.docx"\nContent-Transfer-Encoding: base64\n\n' + encoded + "--b1--\n").encode()


def share(root, n, r):
    spec2 = importlib.util.spec_from_file_location("eval_corpus", os.path.join(here, "eval-corpus.py"))
    ev = importlib.util.module_from_spec(spec2)
    spec2.loader.exec_module(ev)
    kinds = [k for k, weight in SHARE_MIX for _ in range(weight)]
    for i in range(n):
        kind = r.choice(kinds)
        d = os.path.join(root, f"dept{i % 25:02d}", f"area{(i // 25) % 20:02d}", f"year{(i // 500) % 10}")
        os.makedirs(d, exist_ok=True)
        if kind == "docx":
            data = share_docx(r)
        elif kind == "xlsx":
            data = share_xlsx(r, ev)
        elif kind == "pdf":
            data = share_pdf(r)
        elif kind == "png":
            data = share_png(r)
        elif kind == "txt":
            data = prose(r, lognormal(r, 12000, 1.3, 200, 2_000_000))
        elif kind == "csv":
            data = share_csv(r)
        elif kind == "eml":
            data = share_eml(r, share_docx(r) if r.random() < 0.3 else None)
        elif kind == "zip":
            data = samples.zip_bytes([(f"doc{j}.docx", share_docx(r)) for j in range(r.randint(1, 5))])
        else:
            data = r.randbytes(lognormal(r, 100000, 1.5, 1000, 8_000_000))
        with open(os.path.join(d, f"file{i:06d}.{kind}"), "wb") as f:
            f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--text-mb", type=int, default=100)
    ap.add_argument("--docx", type=int, default=1000)
    ap.add_argument("--xlsx", type=int, default=0)
    ap.add_argument("--tree", type=int, default=0)
    ap.add_argument("--prose-mb", type=int, default=0)
    ap.add_argument("--pdf", type=int, default=0)
    ap.add_argument("--share", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    r = random.Random(a.seed)
    if a.share:
        # On its own: the incremental bench builds a share and nothing else.
        share(os.path.join(a.dir, "share"), a.share, r)
        return
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
    # Its own random stream: the other corpora are the same with or without it.
    rp = random.Random(a.seed + 1000)
    for i in range(a.prose_mb * 2):
        os.makedirs(os.path.join(a.dir, "prose"), exist_ok=True)
        with open(os.path.join(a.dir, "prose", f"papers-{i:05d}.txt"), "wb") as f:
            f.write(english(rp, 512 * 1024))
    # Text PDFs of several sizes (1 to 60 pages, a median of 3), prose with personal data as
    # dense as the text corpus's; on a random stream of their own, as the prose.
    rf = random.Random(a.seed + 2000)
    for i in range(a.pdf):
        os.makedirs(os.path.join(a.dir, "pdf"), exist_ok=True)
        with open(os.path.join(a.dir, "pdf", f"report-{i:05d}.pdf"), "wb") as f:
            f.write(share_pdf(rf))
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
