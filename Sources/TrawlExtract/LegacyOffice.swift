// Legacy Office binary formats inside a compound file: Word (.doc), Excel (.xls), PowerPoint
// (.ppt), and Outlook messages (.msg).
//
// - Word 97-2003: the FIB locates the piece table (CLX) in the table stream; each piece is text in
//   the WordDocument stream, 8-bit (Windows-1252) or UTF-16. Field instructions are dropped, their
//   results kept; paragraphs are prose and tables are rows (`WordBinaryText`).
// - Excel BIFF8: the shared-string table (SST, continued across CONTINUE records), LABELSST and
//   LABEL cells, and NUMBER cells, in rows per sheet with the first row as headers.
// - PowerPoint: every TextCharsAtom (UTF-16) and TextBytesAtom (8-bit) in the document stream.
// - Outlook .msg: subject, sender, recipients and body properties as the message's own text;
//   attachments as members.
// Password-protected files (Word's fEncrypted, Excel's FILEPASS, an OOXML EncryptedPackage) are
// reported as encrypted.
import TrawlModel

enum LegacyOffice {
    /// The text of a legacy Office file (or of a compound file of no known kind: encrypted, or
    /// not read).
    static func text(_ bytes: [UInt8], format: DocumentFormat, emit: (TextChunk) -> Void) throws(ExtractError) {
        let cfb: CompoundFile
        do { cfb = try CompoundFile(bytes) } catch { throw ExtractError.corrupt("compound file: \(error.reason)") }
        switch format {
        case .doc: try word(cfb, emit: emit)
        case .xls: try excel(cfb, emit: emit)
        case .ppt: try powerPoint(cfb, emit: emit)
        default:
            if kind(cfb) == .encrypted { throw ExtractError.encrypted("the Office document is password-protected") }
            throw ExtractError.unsupported("a compound file of no known kind")
        }
    }

    enum Kind: String { case doc, xls, ppt, msg, encrypted, unknown }

    static func kind(_ cfb: CompoundFile) -> Kind {
        let names = Set(cfb.entries.map(\.name))
        if names.contains("EncryptedPackage") { return .encrypted }
        if names.contains("WordDocument") { return .doc }
        if names.contains("Workbook") || names.contains("Book") { return .xls }
        if names.contains("PowerPoint Document") { return .ppt }
        if names.contains(where: { $0.hasPrefix("__substg1.0_") }) { return .msg }
        return .unknown
    }

    // MARK: Word

    static func word(_ cfb: CompoundFile, emit: (TextChunk) -> Void) throws(ExtractError) {
        guard let wordEntry = cfb.stream(named: "WordDocument") else { throw .corrupt("doc: no WordDocument stream") }
        let w = try read(cfb, wordEntry)
        guard w.count >= 0x200, CompoundFile.u16(w, 0) == 0xA5EC else { throw .corrupt("doc: not a Word 97-2003 document") }
        let flags = CompoundFile.u16(w, 0x0A)
        if flags & 0x0100 != 0 { throw .encrypted("the Word document is password-protected") }
        guard let tableEntry = cfb.stream(named: flags & 0x0200 != 0 ? "1Table" : "0Table") else { throw .corrupt("doc: no table stream") }
        let table = try read(cfb, tableEntry)
        let csw = Int(CompoundFile.u16(w, 32))
        let cslwAt = 34 + csw * 2
        let cslw = Int(CompoundFile.u16(w, cslwAt))
        let blob = cslwAt + 2 + cslw * 4 + 2
        // fcClx/lcbClx are the 34th pair of FibRgFcLcb97 (FIB offset 0x1A2 in Word 97).
        let fcClx = Int(CompoundFile.u32(w, blob + 33 * 8)), lcbClx = Int(CompoundFile.u32(w, blob + 33 * 8 + 4))
        guard lcbClx > 0, fcClx + lcbClx <= table.count else { throw .corrupt("doc: no piece table") }
        // Skip Prc entries (0x01) to the Pcdt (0x02).
        var i = fcClx
        while i < fcClx + lcbClx && table[i] == 0x01 { i += 3 + Int(CompoundFile.u16(table, i + 1)) }
        guard i + 5 <= table.count, table[i] == 0x02 else { throw .corrupt("doc: damaged piece table") }
        let lcb = Int(CompoundFile.u32(table, i + 1))
        let plc = i + 5
        let n = (lcb - 4) / 12
        guard n > 0, plc + lcb <= table.count else { throw .corrupt("doc: damaged piece table") }
        // The pieces' character positions only increase, and all the pieces together hold no
        // more bytes than the WordDocument stream: a table that declares more (pieces that go
        // back, or that each claim the whole stream again) is damaged, and read as it stands it
        // would repeat the stream until memory ran out.
        var text: [UInt8] = []
        var taken = 0, previousEnd = 0
        for k in 0..<n {
            let cpStart = Int(CompoundFile.u32(table, plc + 4 * k)), cpEnd = Int(CompoundFile.u32(table, plc + 4 * (k + 1)))
            guard cpStart >= previousEnd, cpEnd >= cpStart else { throw .corrupt("doc: the piece table's character positions go backwards") }
            previousEnd = cpEnd
            let pcd = plc + 4 * (n + 1) + 8 * k
            let fcRaw = CompoundFile.u32(table, pcd + 2)
            let count = cpEnd - cpStart
            // Bit 30 marks 8-bit text, at half the offset the rest of the field gives.
            let eightBit = fcRaw & 0x4000_0000 != 0
            let fc = eightBit ? Int(fcRaw & 0x3FFF_FFFF) / 2 : Int(fcRaw)
            let length = eightBit ? count : 2 * count
            guard fc + length <= w.count else { continue }
            taken += length
            guard taken <= w.count else {
                throw .corrupt("doc: the piece table declares more text than the \(w.count) bytes of the WordDocument stream")
            }
            if eightBit {
                text += TextDecoding.windows1252(Array(w[fc..<(fc + length)]))
            } else {
                text += TextDecoding.utf16(w[fc..<(fc + length)], littleEndian: true)
            }
        }
        WordBinaryText.emit(text, emit: emit)
    }

    // MARK: Excel

    static func excel(_ cfb: CompoundFile, emit: (TextChunk) -> Void) throws(ExtractError) {
        guard let entry = cfb.stream(named: "Workbook") ?? cfb.stream(named: "Book") else { throw .corrupt("xls: no Workbook stream") }
        let s = try read(cfb, entry)
        // The stream is walked twice, never held as a list of records: a record can be four
        // bytes, and a list of them cost ten times the stream.
        var encrypted = false
        var sheetNames: [String] = []
        var sst: [String] = []
        var sstParts: [[UInt8]]?  // the SST and the CONTINUE records after it, while they last
        // Number formats and cell formats (XF), to render date cells as dates.
        var customDateFormats: Set<Int> = []
        var xfFormat: [Int] = []
        forEachRecord(s) { type, data in
            if type == 0x003C, sstParts != nil { sstParts!.append(Array(data)); return }
            if let parts = sstParts { sst = sharedStrings(parts); sstParts = nil }
            switch type {
            case 0x002F: encrypted = true  // FILEPASS
            case 0x041E where data.count > 4:  // FORMAT
                let d = Array(data)
                let (code, _) = biffString(d, at: 2, lengthBytes: 2)
                if SpreadsheetExtractor.isDateFormat(code) { customDateFormats.insert(Int(CompoundFile.u16(d, 0))) }
            case 0x00E0 where data.count >= 4:  // XF
                xfFormat.append(Int(CompoundFile.u16(Array(data.prefix(4)), 2)))
            case 0x0085 where data.count > 8:  // BOUNDSHEET
                sheetNames.append(biffString(Array(data), at: 6, lengthBytes: 1).0)
            case 0x00FC:  // SST
                sstParts = [Array(data)]
            default: break
            }
        }
        if let parts = sstParts { sst = sharedStrings(parts) }
        if encrypted { throw .encrypted("the Excel workbook is password-protected") }
        func numberText(_ v: Double, xf: Int) -> String {
            let format = xf < xfFormat.count ? xfFormat[xf] : 0
            if (14...22).contains(format) || (45...47).contains(format) || customDateFormats.contains(format),
               let date = SpreadsheetExtractor.isoDate(fromSerial: v) {
                return date
            }
            // Whole numbers below 1e15 as integers (the bound keeps Int64 from trapping; NaN fails
            // it), the rest as Swift writes a Double ("1e+300", "nan", "inf").
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
        /// An RK number: bit 0 divides by 100, bit 1 marks a 30-bit integer, else the high bits of a double.
        func rk(_ raw: UInt32) -> Double {
            var v = raw & 2 != 0 ? Double(Int32(bitPattern: raw) >> 2) : Double(bitPattern: UInt64(raw & 0xFFFF_FFFC) << 32)
            if raw & 1 != 0 { v /= 100 }
            return v
        }
        // Cells, sheet by sheet: each BOF (0x0809) of a worksheet starts the next sheet.
        var sheet = -1
        var rows: [Int: [(col: Int, text: String)]] = [:]
        func flushSheet() {
            guard sheet >= 0, !rows.isEmpty else { rows = [:]; return }
            var cursor = PartCursor(part: sheet < sheetNames.count ? sheetNames[sheet] : "Sheet\(sheet + 1)")
            var headers: [Int: String] = [:]
            for (index, rowNumber) in rows.keys.sorted().enumerated() {
                var row = RowBuilder()
                for cell in rows[rowNumber]!.sorted(by: { $0.col < $1.col }) {
                    row.add(Array(cell.text.utf8), ref: "\(columnLetters(cell.col))\(rowNumber + 1)", label: index == 0 ? nil : headers[cell.col])
                    if index == 0, let l = label(from: cell.text) { headers[cell.col] = l }
                }
                if let c = cursor.row(row) { emit(c) }
            }
            rows = [:]
        }
        forEachRecord(s) { type, data in
            let d = Array(data)
            switch type {
            case 0x0809:
                if CompoundFile.u16(d, 2) == 0x0010 { flushSheet(); sheet += 1 }  // a worksheet's BOF
            case 0x00FD where d.count >= 10:  // LABELSST
                let index = Int(CompoundFile.u32(d, 6))
                if index < sst.count { rows[Int(CompoundFile.u16(d, 0)), default: []].append((Int(CompoundFile.u16(d, 2)), sst[index])) }
            case 0x0204 where d.count >= 9:  // LABEL
                rows[Int(CompoundFile.u16(d, 0)), default: []].append((Int(CompoundFile.u16(d, 2)), biffString(d, at: 6, lengthBytes: 2).0))
            case 0x0203 where d.count >= 14:  // NUMBER
                let bits = (0..<8).reduce(UInt64(0)) { $0 | UInt64(d[6 + $1]) << (8 * UInt64($1)) }
                let text = numberText(Double(bitPattern: bits), xf: Int(CompoundFile.u16(d, 4)))
                rows[Int(CompoundFile.u16(d, 0)), default: []].append((Int(CompoundFile.u16(d, 2)), text))
            case 0x027E where d.count >= 10:  // RK
                let text = numberText(rk(CompoundFile.u32(d, 6)), xf: Int(CompoundFile.u16(d, 4)))
                rows[Int(CompoundFile.u16(d, 0)), default: []].append((Int(CompoundFile.u16(d, 2)), text))
            case 0x00BD where d.count >= 12:  // MULRK: several RK cells in a row
                let row = Int(CompoundFile.u16(d, 0)), first = Int(CompoundFile.u16(d, 2))
                let count = (d.count - 6) / 6
                for k in 0..<count {
                    let o = 4 + 6 * k
                    rows[row, default: []].append((first + k, numberText(rk(CompoundFile.u32(d, o + 2)), xf: Int(CompoundFile.u16(d, o)))))
                }
            default: break
            }
        }
        flushSheet()
    }

    /// Calls `body` with each record of a BIFF stream in order: its type and its data. A record
    /// that runs past the end of the stream ends it.
    static func forEachRecord(_ s: [UInt8], _ body: (Int, ArraySlice<UInt8>) -> Void) {
        var i = 0
        while i + 4 <= s.count {
            let type = Int(CompoundFile.u16(s, i)), length = Int(CompoundFile.u16(s, i + 2))
            guard i + 4 + length <= s.count else { return }
            body(type, s[(i + 4)..<(i + 4 + length)])
            i += 4 + length
        }
    }

    /// An XLUnicodeString: a length (1 or 2 bytes), a flags byte (bit 0: UTF-16), the characters.
    static func biffString(_ d: [UInt8], at o: Int, lengthBytes: Int) -> (String, Int) {
        guard o + lengthBytes < d.count else { return ("", d.count) }
        let cch = lengthBytes == 1 ? Int(d[o]) : Int(CompoundFile.u16(d, o))
        let flags = d[o + lengthBytes]
        let start = o + lengthBytes + 1
        let wide = flags & 1 != 0
        let end = min(d.count, start + cch * (wide ? 2 : 1))
        let bytes = wide ? TextDecoding.utf16(d[start..<end], littleEndian: true) : TextDecoding.windows1252(Array(d[start..<end]))
        return (String(decoding: bytes, as: UTF8.self), end)
    }

    /// The SST's strings; a string's characters may continue in the next CONTINUE record, which
    /// then starts with a new flags byte.
    static func sharedStrings(_ parts: [[UInt8]]) -> [String] {
        var out: [String] = []
        var p = 0, o = 8  // skip cstTotal and cstUnique
        let total = Int(CompoundFile.u32(parts[0], 4))
        func byte() -> UInt8? {
            while p < parts.count && o >= parts[p].count { p += 1; o = 0 }
            guard p < parts.count else { return nil }
            defer { o += 1 }
            return parts[p][o]
        }
        func u16() -> Int? { guard let a = byte(), let b = byte() else { return nil }; return Int(a) | Int(b) << 8 }
        func u32() -> Int? { guard let a = u16(), let b = u16() else { return nil }; return a | b << 16 }
        /// Passes over `n` bytes as `byte()` would, a part at a time: `n` is read from the file
        /// and may be 2^32.
        func skip(_ n: Int) {
            var n = n
            while n > 0 {
                while p < parts.count && o >= parts[p].count { p += 1; o = 0 }
                guard p < parts.count else { return }
                let step = min(n, parts[p].count - o)
                o += step
                n -= step
            }
        }
        while out.count < total {
            guard let cch = u16(), let flags = byte() else { break }
            var wide = flags & 1 != 0
            let runs = flags & 8 != 0 ? (u16() ?? 0) : 0
            let ext = flags & 4 != 0 ? (u32() ?? 0) : 0
            var chars: [UInt8] = []
            var remaining = cch
            while remaining > 0 {
                if p < parts.count && o >= parts[p].count {
                    // Characters continue in the next record, which restates the width.
                    p += 1; o = 0
                    guard let f = byte() else { break }
                    wide = f & 1 != 0
                }
                guard p < parts.count else { break }
                if wide {
                    guard let lo = byte(), let hi = byte() else { break }
                    chars += TextDecoding.utf16([lo, hi][...], littleEndian: true)
                } else {
                    guard let c = byte() else { break }
                    chars += TextDecoding.windows1252([c])
                }
                remaining -= 1
            }
            skip(runs * 4 + ext)
            out.append(String(decoding: chars, as: UTF8.self))
        }
        return out
    }

    // MARK: PowerPoint

    static func powerPoint(_ cfb: CompoundFile, emit: (TextChunk) -> Void) throws(ExtractError) {
        guard let entry = cfb.stream(named: "PowerPoint Document") else { throw .corrupt("ppt: no PowerPoint Document stream") }
        let s = try read(cfb, entry)
        var cursor = PartCursor(part: "slides")
        var block = ProseBlock()
        var i = 0
        while i + 8 <= s.count {
            let verInstance = CompoundFile.u16(s, i), type = Int(CompoundFile.u16(s, i + 2)), length = Int(CompoundFile.u32(s, i + 4))
            if verInstance & 0x0F == 0x0F { i += 8; continue }  // a container: its records follow
            guard i + 8 + length <= s.count else { break }
            let data = s[(i + 8)..<(i + 8 + length)]
            if type == 0x0FA0 || type == 0x0FBA {
                block.add(paragraph: TextDecoding.utf16(data, littleEndian: true).map { $0 == 13 ? 10 : $0 })
                block.addBlankLine()
            } else if type == 0x0FA8 {
                block.add(paragraph: TextDecoding.windows1252(Array(data)).map { $0 == 13 ? 10 : $0 })
                block.addBlankLine()
            }
            i += 8 + length
        }
        if let c = block.take(&cursor) { emit(c) }
    }

    // MARK: Outlook .msg

    /// Property streams named __substg1.0_PPPPTTTT: PPPP the property, TTTT its type (001F UTF-16,
    /// 001E 8-bit, 0102 binary).
    static let messageFields: [(String, String)] = [
        ("0037", "Subject"), ("0C1A", "From"), ("0C1F", "From"), ("5D01", "From"), ("0E04", "To"), ("0E03", "Cc"),
        ("0E02", "Bcc"), ("3001", "Recipient"), ("3003", "Recipient"), ("39FE", "Recipient"), ("0042", "Sent representing"),
        ("0065", "Sent representing"),
    ]

    static func messageText(_ cfb: CompoundFile, emit: (TextChunk) -> Void) {
        // Streams never share sectors: once the streams read come to the file's size, the rest
        // point at sectors already read, and reading them again could take the file's size
        // times the number of its entries.
        var dataRead = 0
        func text(_ e: CompoundFile.Entry) -> String? {
            let wide = e.name.hasSuffix("001F")
            guard wide || e.name.hasSuffix("001E"), dataRead + e.size <= cfb.byteCount else { return nil }
            dataRead += e.size
            guard let data = try? cfb.read(e) else { return nil }
            return String(decoding: wide ? TextDecoding.utf16(data[...], littleEndian: true) : TextDecoding.windows1252(data), as: UTF8.self)
        }
        var record = RowBuilder()
        var body: String?
        // Outlook stores one address under several properties (a sender's address and its SMTP
        // form, a recipient's likewise): each value is read once, so it is found once.
        var seen = Set<String>()
        for e in cfb.entries where e.isStream && e.name.hasPrefix("__substg1.0_") && !e.path.contains("__attach_") {
            let property = String(e.name.dropFirst(12).prefix(4))
            if property == "1000", let t = text(e) { body = t; continue }
            if let label = messageFields.first(where: { $0.0 == property })?.1, let t = text(e) {
                let value = t.trimmingCharacters(in: .controlCharacters)
                guard seen.insert(value).inserted else { continue }
                record.add(Array(value.utf8), label: label)
            }
        }
        var cursor = PartCursor(part: "headers")
        if let c = cursor.row(record) { emit(c) }
        if let body {
            PlainTextExtractor.extract(Array(body.utf8)) { var c = $0; c.part = "body"; emit(c) }
        }
    }

    static func attachments(_ cfb: CompoundFile) -> [(name: [UInt8], bytes: [UInt8])] {
        var byStorage: [String: (name: String?, data: [UInt8]?)] = [:]
        // Streams never share sectors, so their data together is never longer than the file:
        // entries that say otherwise point at the same sectors again and are not read.
        var dataRead = 0
        for e in cfb.entries where e.isStream && e.path.contains("__attach_version1.0_") {
            let storage = String(e.path.prefix(upTo: e.path.range(of: "/__substg1.0_")?.lowerBound ?? e.path.endIndex))
            if e.name == "__substg1.0_37010102", dataRead + e.size <= cfb.byteCount {
                dataRead += e.size
                byStorage[storage, default: (nil, nil)].data = try? cfb.read(e)
            }
            if e.name == "__substg1.0_3707001F" || (e.name == "__substg1.0_3704001F" && byStorage[storage]?.name == nil) {
                if let d = try? cfb.read(e) {
                    byStorage[storage, default: (nil, nil)].name = String(decoding: TextDecoding.utf16(d[...], littleEndian: true), as: UTF8.self)
                        .trimmingCharacters(in: .controlCharacters)
                }
            }
        }
        return byStorage.keys.sorted().compactMap { key in
            guard let data = byStorage[key]?.data else { return nil }
            return (Array((byStorage[key]?.name ?? "attachment").utf8), data)
        }
    }

    private static func read(_ cfb: CompoundFile, _ e: CompoundFile.Entry) throws(ExtractError) -> [UInt8] {
        do { return try cfb.read(e) } catch { throw .corrupt("compound file: \(error.reason)") }
    }
}
