"""Writers for the evaluation share (scripts/eval-share.py): one abstract document, many formats.

A document is a title and a list of blocks: a string is a paragraph, a list of rows (each a list
of cell strings) is a table. Each writer turns that into the bytes of one format the way the
program that normally writes it lays it out: Word tables for docx, rows of cells for xlsx,
text:p and table:table for odt, \\par and \\cell for RTF, MIME parts for email. Only the standard
library is used; members of zip packages carry a fixed timestamp so output is stable per seed.
"""
import base64
import datetime
import io
import zipfile

FIXED_TIME = (2024, 9, 2, 8, 45, 0)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def zip_bytes(parts, stored_first=None):
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


def text(title, blocks, sep=" | "):
    out = [title, "=" * len(title), ""] if title else []
    for b in blocks:
        if isinstance(b, str):
            out.append(b)
        else:
            out.extend(sep.join(row) for row in b)
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- Word

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFDOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _w_p(s, bold=False):
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{esc(s)}</w:t></w:r></w:p>'


def docx(title, blocks):
    body = _w_p(title, bold=True) if title else ""
    for b in blocks:
        if isinstance(b, str):
            body += _w_p(b)
        else:
            body += "<w:tbl>" + "".join(
                "<w:tr>" + "".join(f"<w:tc>{_w_p(c)}</w:tc>" for c in row) + "</w:tr>" for row in b) + "</w:tbl>"
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          "</Types>")
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OFFDOC}" Target="word/document.xml"/></Relationships>')
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>'
           + body + "<w:sectPr/></w:body></w:document>")
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", doc)])


# ---------------------------------------------------------------- Excel

def _col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(sheet_name, rows, date_columns=()):
    """`rows` of strings; cells in `date_columns` holding a datetime.date are stored as date
    serials with a date format, as Excel stores a typed date."""
    shared, index = [], {}
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{_col(c)}{r}"
            if isinstance(v, datetime.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(v - datetime.date(1899, 12, 30)).days}</v></c>')
            elif v == "":
                continue
            else:
                if v not in index:
                    index[v] = len(shared)
                    shared.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{index[v]}</v></c>')
        xml_rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{main}" count="{len(shared)}" uniqueCount="{len(shared)}">'
           + "".join(f'<si><t xml:space="preserve">{esc(s)}</t></si>' for s in shared) + "</sst>")
    sheet = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{main}"><sheetData>' + "".join(xml_rows) + "</sheetData></worksheet>"
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{main}">'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" xmlns:r="{rel}">'
                f'<sheets><sheet name="{esc(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
               f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
               f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
               f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>')
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          f'<Override PartName="/xl/workbook.xml" ContentType="{sml}sheet.main+xml"/>'
          f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sml}worksheet+xml"/>'
          f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sml}sharedStrings+xml"/>'
          f'<Override PartName="/xl/styles.xml" ContentType="{sml}styles+xml"/></Types>')
    pkg_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL_NS}">'
                f'<Relationship Id="rId1" Type="{OFFDOC}" Target="xl/workbook.xml"/></Relationships>')
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", pkg_rels), ("xl/workbook.xml", workbook),
                      ("xl/_rels/workbook.xml.rels", wb_rels), ("xl/styles.xml", styles),
                      ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet)])


# ---------------------------------------------------------------- OpenDocument text

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3"')


def odt(title, blocks):
    body = f"<text:h>{esc(title)}</text:h>" if title else ""
    for b in blocks:
        if isinstance(b, str):
            body += f"<text:p>{esc(b)}</text:p>"
        else:
            body += "<table:table>" + "".join(
                "<table:table-row>" + "".join(f"<table:table-cell><text:p>{esc(c)}</text:p></table:table-cell>" for c in row)
                + "</table:table-row>" for row in b) + "</table:table>"
    mimetype = "application/vnd.oasis.opendocument.text"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS}>'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return zip_bytes([("META-INF/manifest.xml", manifest), ("content.xml", content)], stored_first=("mimetype", mimetype))


# ---------------------------------------------------------------- RTF

def _rtf_esc(s):
    out = ""
    for ch in s:
        if ch in "\\{}":
            out += "\\" + ch
        elif ord(ch) < 128:
            out += ch
        else:
            out += f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?"
    return out


def rtf(title, blocks):
    out = ["{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\\f0\\fs22"]
    if title:
        out.append("{\\b " + _rtf_esc(title) + "}\\par")
    for b in blocks:
        if isinstance(b, str):
            out.append(_rtf_esc(b) + "\\par")
        else:
            for row in b:
                out.append("\\trowd" + "".join(f"\\cellx{2400 * (i + 1)}" for i in range(len(row)))
                           + "".join("\\intbl " + _rtf_esc(c) + "\\cell" for c in row) + "\\row")
    out.append("}")
    return "\n".join(out).encode("cp1252", "replace")


# ---------------------------------------------------------------- HTML

def html(title, blocks, nav=""):
    body = f"<h1>{esc(title)}</h1>\n" if title else ""
    for b in blocks:
        if isinstance(b, str):
            body += f"<p>{esc(b)}</p>\n"
        else:
            body += "<table>\n" + "".join(
                "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>\n" for row in b) + "</table>\n"
    return (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            '<link rel="stylesheet" href="/assets/site.css"></head>\n<body>\n'
            f'<header><nav>{nav}</nav></header>\n<main>\n{body}</main>\n</body></html>\n').encode()


# ---------------------------------------------------------------- email

def eml(sender, to, subject, date, body, attachments=()):
    """An RFC 5322 message; `attachments` are (filename, mime type, bytes)."""
    head = f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMIME-Version: 1.0\r\n"
    if not attachments:
        return (head + 'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
                + body.replace("\n", "\r\n") + "\r\n").encode()
    boundary = "----=_Part_20240902_0845"
    parts = [head + f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\nThis is a multi-part message in MIME format.\r\n',
             f"--{boundary}\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
             + body.replace("\n", "\r\n") + "\r\n"]
    for name, mime, data in attachments:
        b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
        parts.append(f"--{boundary}\r\nContent-Type: {mime}; name=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n"
                     f"Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{b64}")
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(fmt, title, blocks):
    """Bytes of a document in one of: txt, docx, odt, rtf, html."""
    if fmt == "txt":
        return text(title, blocks).encode()
    if fmt == "docx":
        return docx(title, blocks)
    if fmt == "odt":
        return odt(title, blocks)
    if fmt == "rtf":
        return rtf(title, blocks)
    if fmt == "html":
        return html(title, blocks)
    raise ValueError(fmt)
