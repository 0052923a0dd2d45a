#!/usr/bin/env python3
"""Check that two reports hold the same entries, byte for byte, whatever their order.

  scripts/same-entries.py BEFORE.json AFTER.json

For work on speed: scan the same corpus with the trawl before a change and the trawl after it
(same key file), then compare. Entries (the "file" records) are compared as the exact lines
written, sorted; the begin and summary records are left out, since they hold times. Prints the
first few differences and exits 1 if there are any.
"""
import sys


def entries(path):
    with open(path, "rb") as f:
        return sorted(line for line in f if line.endswith(b',"type":"file"}\n'))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = entries(sys.argv[1]), entries(sys.argv[2])
    if a == b:
        print(f"same: {len(a)} entries")
        return
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    print(f"different: {len(a)} and {len(b)} entries; {len(only_a)} only in the first, {len(only_b)} only in the second")
    for line in only_a[:3]:
        print("- " + line.decode(errors="replace")[:600])
    for line in only_b[:3]:
        print("+ " + line.decode(errors="replace")[:600])
    sys.exit(1)


if __name__ == "__main__":
    main()
