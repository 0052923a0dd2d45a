"""Writers for formats no tool in Debian main writes, used by make-samples.py and make-hostile.py:

- Outlook .msg ([MS-OXMSG]): a compound file ([MS-CFB], version 3, 512-byte sectors, streams under
  4096 bytes in the mini stream) holding the message's property streams, one recipient storage
  per recipient and one attachment storage per attachment.
- RAR 5 (RARLAB's "RAR 5.0 archive format" technote): members stored, not compressed (method 0),
  each with its CRC32 and modification time.
- Excel 97 (BIFF8) and Word 97 files at their smallest: a sheet of text and date cells, a text
  read through a piece table. LibreOffice writes real ones; these exist to hold what no
  application would write (a date cell of NaN, a piece table that repeats the text).

Each follows its published specification field by field; make-samples.py checks .msg and RAR 5 with an
independent reader (msgconvert from libemail-outlook-message-perl, lsar from unar) when present.
Only the standard library is used.
"""
import struct
import zlib

# ---------------------------------------------------------------- compound file ([MS-CFB])

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR, MINI, CUTOFF = 512, 64, 4096


class _Node:
    def __init__(self, name, data=None):
        self.name, self.data, self.children = name, data, []  # data None: a storage
        self.index = 0
        self.start, self.size = END, 0


def _sort_key(name):
    # Siblings are ordered by name length first, then by the upper-cased name ([MS-CFB] 2.6.4).
    return (len(name), name.upper())


def _tree(siblings):
    """The root of a balanced binary tree over `siblings` (sorted); left/right set on each node."""
    if not siblings:
        return None
    mid = len(siblings) // 2
    node = siblings[mid]
    node.left, node.right = _tree(siblings[:mid]), _tree(siblings[mid + 1:])
    return node


def compound_file(streams):
    """`streams`: {"storage/.../stream name": bytes}. Returns the bytes of a compound file."""
    root = _Node("Root Entry")
    storages = {"": root}
    for path in sorted(streams):
        parts = path.split("/")
        parent = root
        for depth in range(len(parts) - 1):
            key = "/".join(parts[:depth + 1])
            if key not in storages:
                storages[key] = _Node(parts[depth])
                parent.children.append(storages[key])
            parent = storages[key]
        parent.children.append(_Node(parts[-1], streams[path]))

    nodes = []  # directory order: breadth first from the root

    def number(node):
        node.index = len(nodes)
        nodes.append(node)
    number(root)
    queue = [root]
    while queue:
        node = queue.pop(0)
        node.children.sort(key=lambda c: _sort_key(c.name))
        for child in node.children:
            number(child)
            queue.append(child)
        node.child = _tree(node.children)
    for node in nodes:
        if not hasattr(node, "left"):
            node.left = node.right = None

    # Small streams go to the mini stream, in 64-byte mini sectors chained by the mini FAT.
    mini_stream, mini_fat = bytearray(), []
    big = []
    for node in nodes:
        if node.data is None:
            continue
        node.size = len(node.data)
        if node.size == 0:
            node.start = END
        elif node.size < CUTOFF:
            first = len(mini_fat)
            count = -(-node.size // MINI)
            mini_fat += [first + k + 1 for k in range(count - 1)] + [END]
            node.start = first
            mini_stream += node.data + b"\0" * (count * MINI - node.size)
        else:
            big.append(node)

    # Lay out regular sectors: big streams, mini stream, mini FAT, directory, then the FAT.
    sectors = []  # list of (bytes of one or more sectors) with their chains recorded in fat
    fat = []

    def allocate(data):
        if not data:
            return END
        count = -(-len(data) // SECTOR)
        first = len(fat)
        fat.extend([first + k + 1 for k in range(count - 1)] + [END])
        sectors.append(bytes(data) + b"\0" * (count * SECTOR - len(data)))
        return first

    for node in big:
        node.start = allocate(node.data)
    root.start, root.size = (allocate(mini_stream), len(mini_stream)) if mini_stream else (END, 0)
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    mini_fat_bytes += struct.pack("<I", FREE) * (-len(mini_fat) % (SECTOR // 4))
    mini_fat_start = allocate(mini_fat_bytes) if mini_fat else END
    mini_fat_sectors = len(mini_fat_bytes) // SECTOR if mini_fat else 0

    directory = bytearray()
    for node in nodes:
        name = node.name.encode("utf-16-le")
        assert len(name) <= 62, node.name
        kind = 5 if node is root else (1 if node.data is None else 2)
        directory += name + b"\0" * (64 - len(name))
        directory += struct.pack("<HBB", len(name) + 2, kind, 1)  # all black
        directory += struct.pack("<III", node.left.index if node.left else NOSTREAM,
                                 node.right.index if node.right else NOSTREAM,
                                 node.child.index if node.child else NOSTREAM)
        directory += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # CLSID, state bits, times
        directory += struct.pack("<IQ", node.start if node.data is not None or node is root else 0, node.size)
    directory += (b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
                  + b"\0" * 48) * (-len(nodes) % 4)
    directory_start = allocate(directory)

    # The FAT covers every sector including its own: grow it until it fits.
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    assert fat_count <= 109, "this writer keeps the FAT in the header's DIFAT"
    fat_first = len(fat)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)

    header = bytearray(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, fat_count, directory_start, 0, CUTOFF,
                          mini_fat_start, mini_fat_sectors, END, 0)
    header += b"".join(struct.pack("<I", fat_first + k) for k in range(fat_count))
    header += struct.pack("<I", FREE) * (109 - fat_count)
    assert len(header) == SECTOR
    return bytes(header) + b"".join(sectors) + fat_bytes


# ---------------------------------------------------------------- Outlook message ([MS-OXMSG])

PT_LONG, PT_UNICODE, PT_BINARY = 0x0003, 0x001F, 0x0102


def _properties(header, props):
    """A __properties_version1.0 stream: `header` then 16 bytes per property. Variable-length
    values live in their own __substg1.0_ streams; here they carry only their size."""
    out = bytearray(header)
    for prop_id, prop_type, value in props:
        tag = (prop_id << 16) | prop_type
        if prop_type == PT_LONG:
            out += struct.pack("<IIiI", tag, 0x6, value, 0)  # readable and writable
        else:
            size = len(value) + (2 if prop_type == PT_UNICODE else 0)
            out += struct.pack("<IIII", tag, 0x6, size, 0)
    return bytes(out)


def _value_streams(prefix, props):
    streams = {}
    for prop_id, prop_type, value in props:
        if prop_type == PT_LONG:
            continue
        streams[f"{prefix}__substg1.0_{prop_id:04X}{prop_type:04X}"] = value
    return streams


def _unicode(text):
    return text.encode("utf-16-le")


def outlook_message(subject, sender_name, sender_email, recipients, body, attachments=()):
    """`recipients`: [(display name, address)]; `attachments`: [(file name, bytes)]."""
    display_to = "; ".join(name for name, _ in recipients)
    props = [
        (0x001A, PT_UNICODE, _unicode("IPM.Note")),          # message class
        (0x0037, PT_UNICODE, _unicode(subject)),
        (0x0C1A, PT_UNICODE, _unicode(sender_name)),          # sender name
        (0x0C1F, PT_UNICODE, _unicode(sender_email)),         # sender email address
        (0x0C1E, PT_UNICODE, _unicode("SMTP")),               # sender address type
        (0x5D01, PT_UNICODE, _unicode(sender_email)),         # sender SMTP address
        (0x0042, PT_UNICODE, _unicode(sender_name)),          # sent representing name
        (0x0E04, PT_UNICODE, _unicode(display_to)),           # display To
        (0x1000, PT_UNICODE, _unicode(body)),
        (0x0E07, PT_LONG, 0x1 | (0x10 if attachments else 0)),  # message flags: read, has attachment
    ]
    # Top-level header: reserved 8, next recipient id, next attachment id, counts, reserved 8.
    top = struct.pack("<QIIIIQ", 0, len(recipients), len(attachments), len(recipients), len(attachments), 0)
    streams = {"__properties_version1.0": _properties(top, props)}
    streams.update(_value_streams("", props))
    # The named-property mapping storage every message has (empty: no named properties).
    for name in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        streams["__nameid_version1.0/" + name] = b""
    for k, (name, address) in enumerate(recipients):
        storage = f"__recip_version1.0_#{k:08X}/"
        rprops = [
            (0x3001, PT_UNICODE, _unicode(name)),             # display name
            (0x3002, PT_UNICODE, _unicode("SMTP")),           # address type
            (0x3003, PT_UNICODE, _unicode(address)),          # email address
            (0x39FE, PT_UNICODE, _unicode(address)),          # SMTP address
            (0x0C15, PT_LONG, 1),                             # recipient type: To
            (0x3000, PT_LONG, k),                             # row id
        ]
        streams[storage + "__properties_version1.0"] = _properties(b"\0" * 8, rprops)
        streams.update(_value_streams(storage, rprops))
    for k, (name, data) in enumerate(attachments):
        storage = f"__attach_version1.0_#{k:08X}/"
        aprops = [
            (0x3704, PT_UNICODE, _unicode(name[:8])),         # short file name
            (0x3707, PT_UNICODE, _unicode(name)),             # long file name
            (0x3001, PT_UNICODE, _unicode(name)),             # display name
            (0x3703, PT_UNICODE, _unicode("." + name.rsplit(".", 1)[-1])),  # extension
            (0x3701, PT_BINARY, data),                        # the attachment's bytes
            (0x3705, PT_LONG, 1),                             # attach method: by value
            (0x0E20, PT_LONG, len(data)),                     # size
            (0x0E21, PT_LONG, k),                             # attach number
        ]
        streams[storage + "__properties_version1.0"] = _properties(b"\0" * 8, aprops)
        streams.update(_value_streams(storage, aprops))
    return compound_file(streams)


# ---------------------------------------------------------------- RAR 5, stored

def _vint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _block(fields, data_size=None):
    """One header: CRC32, size, then `fields` (type, flags, ...); flags 0x0002 when data follows."""
    if data_size is not None:
        body = fields[0] + _vint(0x0002) + _vint(data_size) + fields[1]
    else:
        body = fields[0] + _vint(0) + fields[1]
    sized = _vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(sized)) + sized


def rar5_stored(members, mtime=1705311000):
    """`members`: [(name, bytes)]. Returns the bytes of a RAR 5 archive with each member stored."""
    out = bytearray(b"Rar!\x1A\x07\x01\x00")
    out += _block((_vint(1), _vint(0)))  # main archive header: no archive flags
    for name, data in members:
        encoded = name.encode("utf-8")
        file_fields = (
            _vint(0x0002 | 0x0004)          # file flags: mtime and CRC32 present
            + _vint(len(data))              # unpacked size
            + _vint(0o100644)               # attributes (Unix mode)
            + struct.pack("<I", mtime)
            + struct.pack("<I", zlib.crc32(data))
            + _vint(0)                      # compression: version 0, method 0 (store)
            + _vint(1)                      # host OS: Unix
            + _vint(len(encoded)) + encoded
        )
        out += _block((_vint(2), file_fields), data_size=len(data)) + data
    out += _block((_vint(5), _vint(0)))  # end of archive
    return bytes(out)


# ---------------------------------------------------------------- Excel 97 and Word 97 streams

def _biff(record_type, data):
    return struct.pack("<HH", record_type, len(data)) + data


def _biff_label(row, col, text):
    encoded = text.encode("latin-1")
    return _biff(0x0204, struct.pack("<HHHHB", row, col, 0, len(encoded), 0) + encoded)


def excel97_workbook(sheet_name, rows):
    """A BIFF8 workbook of one sheet, as a compound file. `rows`: lists of cells, each a string
    (a LABEL cell) or a float (a NUMBER cell formatted as a date, number format 14). Only the
    records a reader needs to place and format cells are written ([MS-XLS] 2.4)."""
    bof = lambda kind: _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x0206))
    xf = lambda number_format: _biff(0x00E0, struct.pack("<HHHHHHIIH", 0, number_format, 1, 0x20, 0, 0, 0, 0, 0x20C0))
    name = sheet_name.encode("latin-1")
    globals_ = bof(0x0005) + xf(0) + xf(14)
    boundsheet_at = len(globals_)
    globals_ += _biff(0x0085, struct.pack("<IBBBB", 0, 0, 0, len(name), 0) + name) + _biff(0x000A, b"")
    sheet = bof(0x0010)
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, str):
                sheet += _biff_label(r, c, value)
            else:
                sheet += _biff(0x0203, struct.pack("<HHHd", r, c, 1, value))
    sheet += _biff(0x000A, b"")
    # BOUNDSHEET's first field is where the sheet's BOF starts in the stream.
    globals_ = globals_[:boundsheet_at + 4] + struct.pack("<I", len(globals_)) + globals_[boundsheet_at + 8:]
    return compound_file({"Workbook": globals_ + sheet})


def word97_document(text, pieces=None):
    """A Word 97 document holding `text` (8-bit) once in its WordDocument stream, read through a
    piece table ([MS-DOC] 2.9.178) in the 1Table stream. `pieces`: (cp_start, cp_end, offset of
    the piece's text in `text`) for each piece; by default one piece of the whole text."""
    data = text.encode("cp1252")
    text_at = 0x800
    if pieces is None:
        pieces = [(0, len(data), 0)]
    cps = b"".join(struct.pack("<I", start) for start, _, _ in pieces) + struct.pack("<I", pieces[-1][1])
    # A piece descriptor: 2 bytes of flags, the text's offset (bit 30 set: 8-bit text, at twice
    # the byte offset), 2 bytes of property modifiers.
    pcds = b"".join(struct.pack("<HIH", 0, 0x4000_0000 | ((text_at + at) * 2), 0) for _, _, at in pieces)
    plc = cps + pcds
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    # The FIB: its base (wIdent, nFib, flags: 1Table), 14 16-bit and 22 32-bit values, then the
    # pairs of offsets and sizes, of which the 34th is the piece table's (fcClx, lcbClx).
    fib = bytearray(text_at)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<H", fib, 0x0A, 0x0200)
    struct.pack_into("<H", fib, 32, 14)
    struct.pack_into("<H", fib, 34 + 28, 22)
    struct.pack_into("<H", fib, 64 + 88, 0x5D)
    struct.pack_into("<II", fib, 154 + 33 * 8, 0, len(clx))
    return compound_file({"WordDocument": bytes(fib) + data, "1Table": clx})
