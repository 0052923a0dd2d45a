import Testing
import TrawlExtract
import TrawlModel
@testable import TrawlScan

@Suite struct ExtractionWireTests {
    @Test func requestsAndRepliesSurviveTheWire() throws {
        let request = ExtractionRequest(format: .pdf, recognizeText: true, cpuSeconds: 42, maxMemberSize: 1 << 20, bytes: [0, 1, 255])
        let frame = ExtractionWire.encode(request)
        #expect(ExtractionWire.frameLength(frame[...]) == frame.count - 4)
        #expect(try ExtractionWire.decodeRequest(frame[4...]) == request)

        var chunk = TextChunk(text: Array("Name,NI\nAda,AB 12 34 56 C".utf8), part: "Sheet1", firstLine: 3, offset: 17,
                              cells: [Cell(range: 8..<11, ref: "A2", label: "Name"), Cell(range: 12..<25, ref: nil, label: "NI")])
        chunk.matchStartLimit = 20
        guard case .chunk(let back) = try ExtractionWire.decodeReply(ExtractionWire.encode(.chunk(chunk))[4...]) else {
            Issue.record("not a chunk")
            return
        }
        #expect(back.text == chunk.text && back.part == chunk.part && back.firstLine == chunk.firstLine)
        #expect(back.offset == chunk.offset && back.cells == chunk.cells && back.matchStartLimit == 20)
        let plain = TextChunk(text: [65])
        guard case .chunk(let plainBack) = try ExtractionWire.decodeReply(ExtractionWire.encode(.chunk(plain))[4...]) else {
            Issue.record("not a chunk")
            return
        }
        #expect(plainBack.part == nil && plainBack.firstLine == nil && plainBack.matchStartLimit == nil && plainBack.cells.isEmpty)
        guard case .failed(let issue) = try ExtractionWire.decodeReply(ExtractionWire.encode(.failed(ScanIssue(.encrypted, "locked")))[4...]) else {
            Issue.record("not a failure")
            return
        }
        #expect(issue == ScanIssue(.encrypted, "locked"))
    }

    /// A worker reads hostile files, so what it sends is checked before it is used: a cell past
    /// its chunk's text, a count of cells the frame cannot hold, a frame cut short, an unknown
    /// kind of message or issue.
    @Test func aReplyThatLiesDoesNotDecode() {
        let chunk = TextChunk(text: Array("abc".utf8), cells: [Cell(range: 0..<3)])
        let good = ExtractionWire.encode(.chunk(chunk))
        var pastText = good
        // The cell's upper bound is the last 8-byte integer before the two absent optionals.
        pastText[pastText.count - 2 - 8] = 9
        #expect(throws: MalformedReply.self) { try ExtractionWire.decodeReply(pastText[4...]) }
        var manyCells = good
        manyCells[manyCells.count - 2 - 24] = 0xFF  // the cell count's low byte
        #expect(throws: MalformedReply.self) { try ExtractionWire.decodeReply(manyCells[4...]) }
        for cut in [5, good.count / 2, good.count - 1] {
            #expect(throws: MalformedReply.self) { try ExtractionWire.decodeReply(good[4..<cut]) }
        }
        #expect(throws: MalformedReply.self) { try ExtractionWire.decodeReply([0x5A][...]) }
        var unknownKind = ExtractionWire.encode(.issue(ScanIssue(.corrupt, "x")))
        unknownKind[13] = UInt8(ascii: "z")  // "corrupt" → "zorrupt"
        #expect(throws: MalformedReply.self) { try ExtractionWire.decodeReply(unknownKind[4...]) }
    }
}
