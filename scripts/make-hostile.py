#!/usr/bin/env python3
"""Generate the hostile-input suite in DIR (not committed: it is large and made in seconds).

  scripts/make-hostile.py DIR [--line-mb 200]

DIR/tree/ is what gets scanned; DIR/outside/secret.txt is a file an XML external entity points
at, whose content must never appear in a report. Prints nothing; the test knows the names:
  bomb.zip          one member of 512 MiB of zeros (small file, huge expansion)
  bomb-nested.zip   20 copies of a zip holding 60 MiB of zeros (total and ratio limits)
  nested-30.zip     zips nested 30 deep, an NI number at the bottom (depth limit)
  billion-laughs.xml, xxe.xml
  one-line.txt      one line of LINE_MB MiB with an email address in the middle
  random.bin        8 MiB of random bytes
  long-ref.xlsx     a cell reference of twenty letters (past any sheet's last column)
  huge-numbers.rtf  control words with 23-digit parameters and \\u escapes past U+10FFFF
  deep.html         elements nested 300 deep, past libxml2's HTML parser (it halts at 256)
  loop -> .         a symbolic link loop;  fifo: a named pipe
  names/            a zip named with ESC sequences, CR, LF and the byte 0xFF, holding a damaged zip
                    named with ESC, CR and LF: both names reach standard error, escaped, and the
                    report, exact
"""
import argparse
import io
import os
import random
import zipfile


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

    # Names that would act on a terminal or forge a log line, on a file whose member cannot be read
    # (so that both names are logged). In a folder of their own, to be scanned alone.
    names = os.path.join(tree, "names")
    os.makedirs(names, exist_ok=True)
    with open(os.path.join(names.encode(), HOSTILE_NAME), "wb") as f:
        f.write(zip_of([(HOSTILE_MEMBER, b"PK\x03\x04 not the rest of a zip")], zipfile.ZIP_STORED))


# ESC [2J clears the screen, ESC ]0;...BEL sets the window title, CR LF starts a forged log line.
HOSTILE_NAME = b"bad\x1b[2J\x1b]0;owned\x07\r\ntrawl: forged line\xff.zip"
HOSTILE_MEMBER = "inner\x1b[31m\r\n.zip"


if __name__ == "__main__":
    main()
