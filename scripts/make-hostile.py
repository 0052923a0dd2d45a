#!/usr/bin/env python3
"""Generate the hostile-input suite in DIR (not committed: it is large and made in seconds).

  scripts/make-hostile.py DIR [--line-mb 200]

DIR/tree/ is what gets scanned; DIR/outside/secret.txt is a file an XML external entity points
at, whose content must never appear in a report. Prints nothing; the test knows the names:
  bomb.zip          one member of 512 MiB of zeros (small file, huge expansion)
  bomb-nested.zip   20 copies of a zip holding 60 MiB of zeros (total and ratio limits)
  office-bomb.docx  24 header parts of 40 MiB each in 1 MB, held together while the document is
                    read (total and ratio limits, as for archive members)
  nested-30.zip     zips nested 30 deep, an NI number at the bottom (depth limit)
  billion-laughs.xml, xxe.xml
  one-line.txt      one line of LINE_MB MiB with an email address in the middle
  random.bin        8 MiB of random bytes: binary of no known format, its printable runs
                    searched and nothing found
  long-ref.xlsx     a cell reference of twenty letters (past any sheet's last column)
  huge-numbers.rtf  control words with 23-digit parameters and \\u escapes past U+10FFFF
  deep.html         elements nested 300 deep, past libxml2's HTML parser (it halts at 256)
  loop -> .         a symbolic link loop;  fifo: a named pipe
  names/            a zip named with ESC sequences, CR, LF and the byte 0xFF, holding a damaged zip
                    named with ESC, CR and LF: both names reach standard error, escaped, and the
                    report, exact
  nul-start.tar.gz, .tar.xz, .tar.bz2
                    512 NUL bytes then a line with an email, compressed (tar reads the NULs as
                    the end of an empty archive): the stream is read as its one member, and
                    the address found in its printable text
  padded.log        a log line, 64 KiB of NUL padding, then a line with an NI number: sniffed as
                    binary, the NI number found in its printable runs
  wide-string.dat   an email written as UTF-16LE inside random bytes: found once
  aside-*.xml, aside-*.html
                    personal data only in a comment, a processing instruction, an internal
                    entity's value (declared, and where it is referred to), an attribute, a
                    script, an img alt and a mailto: link: each found
  links.tar         a file, a symbolic link to /etc/passwd, a hard link and a character device:
                    each link and device listed as a member with its reason, never followed
numbers/ (numbers read from a file that no reader may trust; each file but the OLE2 ones holds
an NI number, AB 12 34 56 C, in a cell or paragraph of its own, which must still be found):
  date-TAG.xlsx, date-TAG.xls    a date-formatted cell holding 1e300, NaN, infinity, 2^63-1 or
                                 the largest double below 2^63: no date, and no trap converting it
  ole2-difat-loop.doc/.bin       12 KB, 4096-byte sectors: the DIFAT chain loops on itself,
                                 listing one FAT sector over and over (a reader that trusts it
                                 asks for ~40 GB while sniffing the format): corrupt
  ole2-chain-loop.doc/.bin       the directory's sector chain loops back on itself: corrupt
  ole2-huge-stream.doc/.bin      WordDocument declares 4 GB in a 10 KB file: corrupt
  word-huge-pieces.doc           a piece table of 8,000 pieces each claiming the whole 512 KB
                                 text (4 GB of text in all): corrupt
  shared-attachments.msg         2,000 attachments whose data all point at the same 4 MB of
                                 sectors (8 GB if each were read): read, one attachment
mail/ (messages whose structure would make GMime allocate without bound):
  nested-multipart.eml   2,000 multiparts nested one in another (GMime keeps 1,024 levels), an
                         email address in the top part and an NI number at the bottom: the top
                         read, the parts past the nesting limit reported, not read
  nested-messages.eml    600 messages attached one inside another, an NI number in the innermost:
                         opened to the depth limit, the next one reported
  many-parts.eml         300,000 empty parts in 2 MB (1.3 KiB of GMime objects each, 400 MB in
                         all): not parsed, reported over the limit
  many-headers.eml       1,000,000 header lines in 5 MB (0.5 KiB each in GMime): likewise
sheets/ (workbooks read as plain XML until a point, then by libxml2 from the start; a header row
and six rows, each with an NI number of its own, the fourth row's cell the odd one):
  plain-then-comment.xlsx  a comment after the rows: every number found once, none twice
  plain-then-cdata.xlsx    the fourth number in a CDATA section: every number found once
  plain-then-broken.xlsx   an end tag that closes nothing in the fourth row: not well-formed,
                           reported corrupt; the first three numbers found once, no other
  plain-then-deep.xlsx     300 elements nested in the fourth row's cell (the plain reader reads
                           128 levels): every number found once
word/ (Word documents read as plain XML until a point, then by libxml2 from the start; a table of
a header row and six rows, each with an NI number of its own, the fourth row's the odd one):
  plain-then-comment.docx  a comment after the table: every number found once, none twice
  plain-then-cdata.docx    the fourth number in a CDATA section: every number found once
  plain-then-broken.docx   an end tag that closes nothing in the fourth row: not well-formed,
                           reported corrupt; the first three numbers found once, no other
  plain-then-deep.docx     300 elements nested in the fourth row's cell (the plain reader reads
                           128 levels): every number found once
"""
import argparse
import bz2
import gzip
import io
import lzma
import os
import random
import struct
import sys
import tarfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sample_writers import compound_file, excel97_workbook, word97_document  # noqa: E402


def zip_of(parts, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method, compresslevel=9 if method == zipfile.ZIP_DEFLATED else None) as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def zeros_zip(name, size):
    """A zip with `size` zero bytes, compressed in pieces so memory stays small."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as w:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                w.write(block)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--line-mb", type=int, default=200)
    a = ap.parse_args()
    tree = os.path.join(a.dir, "tree")
    outside = os.path.join(a.dir, "outside")
    os.makedirs(tree, exist_ok=True)
    os.makedirs(outside, exist_ok=True)

    def write(name, data):
        with open(os.path.join(tree, name), "wb") as f:
            f.write(data)

    write("bomb.zip", zeros_zip("zeros.bin", 512 << 20))
    inner = zeros_zip("zeros.bin", 60 << 20)
    write("bomb-nested.zip", zip_of([(f"part{i:02d}.zip", inner) for i in range(20)], zipfile.ZIP_STORED))
    # A Word document's parts are held together while it is read: 24 headers of 40 MiB each.
    header = (b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>'
              + b"A" * (40 << 20) + b"</w:t></w:r></w:p></w:hdr>")
    document = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'
    write("office-bomb.docx", zip_of([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", document)]
                                     + [(f"word/header{i + 1}.xml", header) for i in range(24)]))

    data = b"NI number: AB 12 34 56 C\n"
    name = "bottom.txt"
    for depth in range(30):
        data = zip_of([(name, data)])
        name = f"level{29 - depth:02d}.zip"
    write("nested-30.zip", data)

    lol = '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol.person@gmail.com ">\n'
    for i in range(1, 10):
        lol += f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n'
    write("billion-laughs.xml", (lol + "]>\n<lolz>&lol9;</lolz>\n").encode())

    secret = os.path.join(outside, "secret.txt")
    with open(secret, "w") as f:
        f.write("Email: secret.person@gmail.com\n")
    write("xxe.xml", f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>\n<r><note>&x;</note></r>\n'.encode())

    with open(os.path.join(tree, "one-line.txt"), "wb") as f:
        half = (a.line_mb << 20) // 2
        block = b"lorem ipsum " * (1 << 16)
        written = 0
        while written < half:
            f.write(block[: min(len(block), half - written)])
            written += min(len(block), half - written)
        f.write(b" contact: middle.of.line@gmail.com ")
        written = 0
        while written < half:
            f.write(block[: min(len(block), half - written)])
            written += min(len(block), half - written)

    write("random.bin", random.Random(5).randbytes(8 << 20))

    # Numbers no format allows, where the extractors read numbers. An NI number follows each, so
    # that the test sees the file was read past them.
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>NI number</t></is></c></row>'
             f'<row r="2"><c r="{"Q" * 20}2" t="inlineStr"><is><t>Ava Reid</t></is></c>'
             '<c r="B2" t="inlineStr"><is><t>AB 12 34 56 C</t></is></c></row></sheetData></worksheet>')
    workbook = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>')
    write("long-ref.xlsx", zip_of([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", workbook.encode()),
                                   ("xl/worksheets/sheet1.xml", sheet.encode())]))
    write("huge-numbers.rtf", b"{\\rtf1\\ansi\\uc1 \\fs99999999999999999999999 \\u-99999?\\u99999999999? "
                              b"NI number: AB 12 34 56 C\\par}")
    write("deep.html", ("<html><body><p>NI number AB 12 34 56 C</p>" + "<div>" * 300 + "CE 12 34 56 D"
                        + "</div>" * 300 + "</body></html>").encode())
    os.symlink(".", os.path.join(tree, "loop"))
    os.mkfifo(os.path.join(tree, "fifo"))

    # Personal data that was on disk and never searched (the silent misses).
    nul_start = bytes(512) + b"contact: nul.start@gmail.com\n"
    write("nul-start.tar.gz", gzip.compress(nul_start, mtime=0))
    write("nul-start.tar.xz", lzma.compress(nul_start))
    write("nul-start.tar.bz2", bz2.compress(nul_start))
    links = io.BytesIO()
    with tarfile.open(fileobj=links, mode="w", format=tarfile.USTAR_FORMAT) as t:
        note = b"NI number: AB 12 34 56 C\n"
        info = tarfile.TarInfo("notes.txt")
        info.size = len(note)
        t.addfile(info, io.BytesIO(note))
        for name, kind, target in [("passwd", tarfile.SYMTYPE, "/etc/passwd"), ("copy.txt", tarfile.LNKTYPE, "notes.txt"),
                                   ("null", tarfile.CHRTYPE, "")]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            info.devmajor, info.devminor = (1, 3) if kind == tarfile.CHRTYPE else (0, 0)
            t.addfile(info)
    write("links.tar", links.getvalue())
    write("padded.log", b"2026-12-01 02:00:01 backup started\n" + bytes(64 << 10)
          + b"2026-12-01 02:00:09 restore for NI number AB 12 34 56 C\n")
    junk = bytearray(random.Random(7).randbytes(4096))
    wide = "Email: wide.string@gmail.com".encode("utf-16-le")
    junk[1001:1001 + len(wide)] = wide
    write("wide-string.dat", bytes(junk))
    asides = {
        "aside-comment.xml": '<?xml version="1.0"?>\n<r><!-- NI number AB 12 34 56 C --><x>none</x></r>\n',
        "aside-pi.xml": '<?xml version="1.0"?>\n<?audit by="pi.person@gmail.com"?>\n<r><x>none</x></r>\n',
        "aside-entity.xml": ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY who "entity.person@gmail.com">]>\n'
                             '<r><contact>&who;</contact></r>\n'),
        "aside-attribute.xml": '<?xml version="1.0"?>\n<r><person email="attribute.person@gmail.com"/></r>\n',
        "aside-comment.html": "<html><body><!-- old contact: comment.person@gmail.com --><p>none</p></body></html>\n",
        "aside-script.html": '<html><head><script>var u = {ni: "AB 12 34 56 C"};</script></head><body><p>none</p></body></html>\n',
        "aside-attribute.html": ('<html><body><p><img src="a.png" alt="alt.person@gmail.com"> '
                                 '<a href="mailto:link.person@gmail.com">write to us</a></p></body></html>\n'),
    }
    for name, text in asides.items():
        write(name, text.encode())

    # Names that would act on a terminal or forge a log line, on a file whose member cannot be read
    # (so that both names are logged). In a folder of their own, to be scanned alone.
    names = os.path.join(tree, "names")
    os.makedirs(names, exist_ok=True)
    with open(os.path.join(names.encode(), HOSTILE_NAME), "wb") as f:
        f.write(zip_of([(HOSTILE_MEMBER, b"PK\x03\x04 not the rest of a zip")], zipfile.ZIP_STORED))

    write_numbers(os.path.join(tree, "numbers"))
    write_mail(os.path.join(tree, "mail"))
    write_sheets(os.path.join(tree, "sheets"))
    write_word(os.path.join(tree, "word"))


# ---------------------------------------------------------------- sheets past plain XML

SHEET_NINOS = [f"AB 12 34 5{k} C" for k in range(6)]


def sheet_xlsx(row4_ni_cell, tail=""):
    """A workbook of a header row and six rows, each an NI number of SHEET_NINOS; the fourth row's
    NI cell is `row4_ni_cell` (its `<c>` element whole), and `tail` follows the sheet's data."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>NI number</t></is></c></row>']
    for k, ni in enumerate(SHEET_NINOS):
        r = k + 2
        cell = row4_ni_cell if k == 3 else f'<c r="B{r}" t="inlineStr"><is><t>{ni}</t></is></c>'
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Learner {k}</t></is></c>{cell}</row>')
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{"".join(rows)}</sheetData>{tail}</worksheet>'
    workbook = f'<workbook {ns}><sheets/></workbook>'
    return zip_of([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", workbook.encode()),
                   ("xl/worksheets/sheet1.xml", sheet.encode())])


def write_sheets(folder):
    os.makedirs(folder, exist_ok=True)

    def write(name, data):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)

    plain = f'<c r="B5" t="inlineStr"><is><t>{SHEET_NINOS[3]}</t></is></c>'
    write("plain-then-comment.xlsx", sheet_xlsx(plain, tail="<!-- written by a tool -->"))
    write("plain-then-cdata.xlsx", sheet_xlsx(f'<c r="B5" t="inlineStr"><is><t><![CDATA[{SHEET_NINOS[3]}]]></t></is></c>'))
    write("plain-then-broken.xlsx", sheet_xlsx(f'<c r="B5" t="inlineStr"><is><t>{SHEET_NINOS[3]}</t></is></x></c>'))
    deep = "<x>" * 300 + "</x>" * 300
    write("plain-then-deep.xlsx", sheet_xlsx(f'<c r="B5" t="inlineStr"><is><t>{SHEET_NINOS[3]}</t></is>{deep}</c>'))


# ---------------------------------------------------------------- Word documents past plain XML

def word_docx(row4_ni_cell, tail=""):
    """A Word document of a table: a header row and six rows, each an NI number of SHEET_NINOS;
    the fourth row's NI cell is `row4_ni_cell` (its `<w:tc>` element whole), and `tail` follows
    the table."""
    def cell(text):
        return f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
    rows = [f"<w:tr>{cell('Name')}{cell('NI number')}</w:tr>"]
    for k, ni in enumerate(SHEET_NINOS):
        rows.append(f"<w:tr>{cell(f'Learner {k}')}{row4_ni_cell if k == 3 else cell(ni)}</w:tr>")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {ns}><w:body>'
                f'<w:p><w:r><w:t>Learners</w:t></w:r></w:p><w:tbl>{"".join(rows)}</w:tbl>{tail}</w:body></w:document>')
    return zip_of([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", document.encode())])


def write_word(folder):
    os.makedirs(folder, exist_ok=True)

    def write(name, data):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)

    ni = SHEET_NINOS[3]
    write("plain-then-comment.docx", word_docx(f"<w:tc><w:p><w:r><w:t>{ni}</w:t></w:r></w:p></w:tc>",
                                               tail="<!-- written by a tool --><w:p/>"))
    write("plain-then-cdata.docx", word_docx(f"<w:tc><w:p><w:r><w:t><![CDATA[{ni}]]></w:t></w:r></w:p></w:tc>"))
    write("plain-then-broken.docx", word_docx(f"<w:tc><w:p><w:r><w:t>{ni}</w:t></w:r></w:x></w:p></w:tc>"))
    deep = "<w:x>" * 300 + "</w:x>" * 300
    write("plain-then-deep.docx", word_docx(f"<w:tc><w:p><w:r><w:t>{ni}</w:t></w:r>{deep}</w:p></w:tc>"))


# ESC [2J clears the screen, ESC ]0;...BEL sets the window title, CR LF starts a forged log line.
HOSTILE_NAME = b"bad\x1b[2J\x1b]0;owned\x07\r\ntrawl: forged line\xff.zip"
HOSTILE_MEMBER = "inner\x1b[31m\r\n.zip"


# ---------------------------------------------------------------- numbers read from a file

# Date cells: the text an xlsx holds, and the double an xls holds.
HOSTILE_DATES = [("1e300", "1e300", 1e300), ("nan", "NaN", float("nan")), ("inf", "inf", float("inf")),
                 ("int64max", "9223372036854775807", float(2**63 - 1)),
                 ("below-2-63", "9223372036854774784", 9223372036854774784.0)]


def date_xlsx(value):
    """A workbook with a date-formatted cell (style 1, number format 14) holding `value`."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    styles = (f'<styleSheet {ns}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
              '</cellXfs></styleSheet>')
    sheet = (f'<worksheet {ns}><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Started</t></is></c>'
             '<c r="C1" t="inlineStr"><is><t>NI number</t></is></c></row>'
             f'<row r="2"><c r="A2" t="inlineStr"><is><t>Ava Reid</t></is></c><c r="B2" s="1"><v>{value}</v></c>'
             '<c r="C2" t="inlineStr"><is><t>AB 12 34 56 C</t></is></c></row></sheetData></worksheet>')
    workbook = f'<workbook {ns}><sheets/></workbook>'
    return zip_of([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", workbook.encode()),
                   ("xl/styles.xml", styles.encode()), ("xl/worksheets/sheet1.xml", sheet.encode())])


def difat_loop():
    """12 KB: a 4096-byte header and two sectors. The header lists no FAT sector itself; the
    DIFAT chain starts at sector 0, which lists sector 1 as a FAT sector 1,023 times and names
    itself as the next DIFAT sector. The header declares 2^31 - 1 FAT and DIFAT sectors. The
    directory starts at sector 1, whose FAT entry (0) leads to sector 0 and back to itself."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    header = bytearray(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16)
    header += struct.pack("<HHHHH", 0x3E, 4, 0xFFFE, 12, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 0x7FFFFFFF, 1, 0, 4096, end, 0, 0, 0x7FFFFFFF)
    header += struct.pack("<I", free) * 109
    header += b"\0" * (4096 - len(header))
    difat = struct.pack("<I", 1) * 1023 + struct.pack("<I", 0)
    return bytes(header) + difat + b"\0" * 4096


def set_fat(cfb, sector, value):
    """`cfb` (512-byte sectors, its FAT in the first FAT sector the header lists) with the FAT
    entry of `sector` set to `value`."""
    out = bytearray(cfb)
    fat_sector = struct.unpack_from("<I", out, 0x4C)[0]
    struct.pack_into("<I", out, (fat_sector + 1) * 512 + 4 * sector, value)
    return bytes(out)


def directory_entry_at(cfb, name):
    """The offset in `cfb` of the directory entry called `name` (512-byte sectors)."""
    encoded = name.encode("utf-16-le")
    at = cfb.find(encoded + b"\0\0")
    assert at > 0 and at % 128 == 0, name
    return at


def shared_attachments(count):
    """An Outlook message of `count` attachments, each a storage holding only its data stream;
    the first holds 4 MB (an NI number, then spaces), the others are empty streams whose
    directory entries are then pointed at the first one's sectors and size."""
    name = "__substg1.0_37010102"
    data = b"NI number: AB 12 34 56 C\n" + b" " * (4 * 1024 * 1024)
    streams = {"__substg1.0_0037001F": "Shared".encode("utf-16-le")}
    for k in range(count):
        streams[f"__attach_version1.0_#{k:08X}/{name}"] = data if k == 0 else b""
    out = bytearray(compound_file(streams))
    encoded = name.encode("utf-16-le") + b"\0\0"
    entries = [at for at in range(0, len(out), 128) if out[at:at + len(encoded)] == encoded]
    assert len(entries) == count
    start, size = next(struct.unpack_from("<II", out, at + 116) for at in entries if struct.unpack_from("<I", out, at + 120)[0])
    for at in entries:
        struct.pack_into("<II", out, at + 116, start, size)
    return bytes(out)


def write_numbers(folder):
    os.makedirs(folder, exist_ok=True)

    def write(name, data):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)

    for tag, text, value in HOSTILE_DATES:
        write(f"date-{tag}.xlsx", date_xlsx(text))
        write(f"date-{tag}.xls", excel97_workbook("Learners", [["Name", "Started", "NI number"], ["Ava Reid", value, "AB 12 34 56 C"]]))

    doc = word97_document("Referral. NI number AB 12 34 56 C.\r" * 150)  # over 4096 bytes: regular sectors
    for suffix in ("doc", "bin"):
        write(f"ole2-difat-loop.{suffix}", difat_loop())
        directory_start = struct.unpack_from("<I", doc, 0x30)[0]
        write(f"ole2-chain-loop.{suffix}", set_fat(doc, directory_start, directory_start))
        huge = bytearray(doc)
        struct.pack_into("<I", huge, directory_entry_at(doc, "WordDocument") + 120, 0xFFFFFFF0)
        write(f"ole2-huge-stream.{suffix}", bytes(huge))

    write("shared-attachments.msg", shared_attachments(2000))

    text = "Referral. NI number AB 12 34 56 C.\r" + "x" * (512 * 1024 - 36) + "\r"
    length = len(text)
    write("word-huge-pieces.doc", word97_document(text, [(k * length, (k + 1) * length, 0) for k in range(8000)]))



# ---------------------------------------------------------------- messages for GMime

def write_mail(folder):
    os.makedirs(folder, exist_ok=True)

    def write(name, data):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)

    head = "From: sender@northfield-college.ac.uk\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"
    parts = [head + "Content-Type: multipart/mixed; boundary=b0\r\n\r\n",
             "--b0\r\nContent-Type: text/plain\r\n\r\nContact: top.level@gmail.com\r\n"]
    for level in range(1, 2000):
        parts.append(f"--b{level - 1}\r\nContent-Type: multipart/mixed; boundary=b{level}\r\n\r\n")
    parts.append("--b1999\r\nContent-Type: text/plain\r\n\r\nNI number AB 12 34 56 C\r\n")
    parts.extend(f"--b{level}--\r\n" for level in range(1999, -1, -1))
    write("nested-multipart.eml", "".join(parts).encode())

    inner = "From: innermost@northfield-college.ac.uk\r\nSubject: bottom\r\n\r\nNI number AB 12 34 56 C\r\n"
    opening = "From: sender@northfield-college.ac.uk\r\nSubject: level\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n"
    write("nested-messages.eml", (opening * 600 + inner).encode())

    write("many-parts.eml", (head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + "--b\n\n" * 300_000 + "--b--\n").encode())
    write("many-headers.eml", (head + "X-Note: y\n" * 1_000_000 + "\nContact: many.headers@gmail.com\n").encode())


if __name__ == "__main__":
    main()
