// A zip of stored (uncompressed) entries, written in memory: the parts targets hand the fuzzer's
// bytes to the Office readers inside a well-formed package, so that mutations reach the XML of a
// part instead of failing zip's checksums.

/// The bytes of a zip holding `entries` in order, each stored as it is, with a central directory.
func storedZip(_ entries: [(name: String, bytes: [UInt8])]) -> [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    func le16(_ v: Int, _ into: inout [UInt8]) { into += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    func le32(_ v: UInt32, _ into: inout [UInt8]) { for s in stride(from: 0, to: 32, by: 8) { into.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    for (name, bytes) in entries {
        let nameBytes = Array(name.utf8)
        let crc = crc32(bytes)
        let offset = out.count
        le32(0x0403_4B50, &out); le16(20, &out); le16(0, &out); le16(0, &out); le16(0, &out); le16(0x21, &out)
        le32(crc, &out); le32(UInt32(bytes.count), &out); le32(UInt32(bytes.count), &out)
        le16(nameBytes.count, &out); le16(0, &out)
        out += nameBytes
        out += bytes
        le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(0, &central); le16(0, &central)
        le16(0, &central); le16(0x21, &central)
        le32(crc, &central); le32(UInt32(bytes.count), &central); le32(UInt32(bytes.count), &central)
        le16(nameBytes.count, &central); le16(0, &central); le16(0, &central); le16(0, &central); le16(0, &central)
        le32(0, &central); le32(UInt32(offset), &central)
        central += nameBytes
    }
    let directoryOffset = out.count
    out += central
    le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out); le16(entries.count, &out); le16(entries.count, &out)
    le32(UInt32(central.count), &out); le32(UInt32(directoryOffset), &out); le16(0, &out)
    return out
}

private let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}

/// CRC-32 (IEEE 802.3), as zip stores it.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
}
