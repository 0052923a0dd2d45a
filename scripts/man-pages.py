#!/usr/bin/env python3
"""Writes one man page per trawl command (trawl-scan.1, trawl-triage-set.1, ...) from the
command line's own description of itself (`trawl --experimental-dump-help`, which
swift-argument-parser prints from the same declarations as --help), so that the pages and
--help cannot drift apart. The overview page, trawl(1), is written by hand in docs/man/trawl.1.

Usage: scripts/man-pages.py TRAWL_BINARY OUT_DIR VERSION DATE
"""
import json
import subprocess
import sys


def roff(text):
    """Text as roff: backslashes and hyphens escaped, no line starting with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """The discussion's paragraphs; an indented block (examples) is kept as written."""
    out = []
    for block in text.strip().split("\n\n"):
        if any(line.startswith("  ") for line in block.split("\n")[1:]):
            head, *rest = block.split("\n")
            out.append(".PP\n" + roff(head) + "\n.PP\n.nf\n.RS 4\n" + roff("\n".join(l.strip() for l in rest)) + "\n.RE\n.fi")
        else:
            out.append(".PP\n" + roff(block))
    return "\n".join(out)


def flag_text(arg):
    names = sorted(arg.get("names", []), key=lambda n: n["kind"] != "short")
    shown = ", ".join(("-" if n["kind"] == "short" else "--") + n["name"] for n in names)
    if arg["kind"] == "option":
        shown += " " + arg.get("valueName", "value")
    return shown


def synopsis(path, cmd):
    parts = [r"\fB" + roff(" ".join(path)) + r"\fR"]
    if cmd.get("subcommands"):
        parts.append(r"\fIcommand\fR")
    for arg in cmd.get("arguments", []):
        if not arg.get("shouldDisplay", True) or arg["kind"] != "positional":
            continue
        name = r"\fI" + roff(arg.get("valueName", "arg")) + r"\fR" + (" ..." if arg.get("isRepeating") else "")
        parts.append("[" + name + "]" if arg.get("isOptional") else name)
    if any(a["kind"] != "positional" and a.get("shouldDisplay", True) for a in cmd.get("arguments", [])):
        parts.insert(1, "[\\fIoptions\\fR]")
    return " ".join(parts)


def page(path, cmd, version, date):
    name = "-".join(path)
    title = roff(name.upper())
    out = [
        f'.TH {title} 1 "{date}" "trawl {version}" "Trawl Manual"',
        ".SH NAME",
        f"{roff(name)} \\- {roff(cmd.get('abstract', ''))}",
        ".SH SYNOPSIS",
        synopsis(path, cmd),
    ]
    if cmd.get("discussion"):
        out += [".SH DESCRIPTION", paragraphs(cmd["discussion"])]
    subs = [s for s in cmd.get("subcommands", []) if s.get("shouldDisplay", True) and s["commandName"] != "help"]
    if subs:
        out.append(".SH COMMANDS")
        for s in subs:
            see = roff(name + "-" + s["commandName"])
            out += [".TP", r"\fB" + roff(s["commandName"]) + r"\fR", roff(s.get("abstract", "")) + r" See \fB" + see + r"\fR(1)."]
    args = [a for a in cmd.get("arguments", []) if a.get("shouldDisplay", True)]
    if args:
        out.append(".SH OPTIONS")
        for a in args:
            label = r"\fI" + roff(a.get("valueName", "")) + r"\fR" if a["kind"] == "positional" else r"\fB" + roff(flag_text(a)) + r"\fR"
            text = roff(a.get("abstract", ""))
            if a.get("defaultValue") is not None and a["kind"] == "option":
                text += f" (default: {roff(str(a['defaultValue']))})"
            out += [".TP", label, text]
    out += [".SH SEE ALSO", r"\fBtrawl\fR(1)"]
    return "\n".join(out) + "\n"


def walk(path, cmd, pages):
    if len(path) > 1:
        pages.append((path, cmd))
    for s in cmd.get("subcommands", []):
        if s.get("shouldDisplay", True) and s["commandName"] != "help":
            walk(path + [s["commandName"]], s, pages)


def main():
    binary, out_dir, version, date = sys.argv[1:5]
    dump = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True).stdout)
    pages = []
    walk(["trawl"], dump["command"], pages)
    for path, cmd in pages:
        with open(f"{out_dir}/{'-'.join(path)}.1", "w") as f:
            f.write(page(path, cmd, version, date))
        print("-".join(path) + ".1")


if __name__ == "__main__":
    main()
