// JSON: every object is a record. Its scalar members become cells labelled with their keys, so a
// "dateOfBirth" key is context for the value beside it; arrays of scalars take their key's label.
// A small byte-level tokenizer rather than JSONSerialization: it keeps key order and line numbers,
// and works on documents too large to hold as Foundation objects.
import TrawlModel

enum JSONExtractor {
    struct Malformed: Error { let line: Int; let reason: String }

    private struct Frame {
        var isObject: Bool
        var key: String?          // the key under which this container sits in its parent
        var pendingKey: String?   // inside an object: the key whose value comes next
        var expectKey: Bool
        var row = RowBuilder()
        var line: Int
    }

    static func extract(_ utf8: [UInt8], emit: (TextChunk) -> Void) throws(Malformed) {
        var cursor = PartCursor(part: nil)
        var stack: [Frame] = [Frame(isObject: true, key: nil, pendingKey: nil, expectKey: false, line: 1)]
        var line = 1
        var i = 0
        let n = utf8.count

        func labelForValue() -> String? {
            let top = stack[stack.count - 1]
            return top.isObject ? top.pendingKey : top.key
        }
        func flush(_ frame: Frame) {
            if let chunk = cursor.row(frame.row, line: frame.line) { emit(chunk) }
        }
        // Scalars inside arrays of scalars go to the nearest enclosing object's record.
        func addScalar(_ value: [UInt8]) {
            let lbl = labelForValue()
            var target = stack.count - 1
            while target > 0 && !stack[target].isObject { target -= 1 }
            stack[target].row.add(value, label: lbl)
            if stack[stack.count - 1].isObject { stack[stack.count - 1].pendingKey = nil; stack[stack.count - 1].expectKey = true }
        }

        while i < n {
            let b = utf8[i]
            switch b {
            case 10: line += 1; i += 1
            case 32, 9, 13, 44, 58: // whitespace, comma, colon
                if b == 44, stack[stack.count - 1].isObject { stack[stack.count - 1].expectKey = true }
                i += 1
            case 123, 91: // { [
                let key = labelForValue()
                stack.append(Frame(isObject: b == 123, key: key, pendingKey: nil, expectKey: b == 123, line: line))
                i += 1
            case 125, 93: // } ]
                guard stack.count > 1 else { throw Malformed(line: line, reason: "unbalanced bracket") }
                let frame = stack.removeLast()
                if frame.isObject { flush(frame) }
                if stack[stack.count - 1].isObject { stack[stack.count - 1].pendingKey = nil; stack[stack.count - 1].expectKey = true }
                i += 1
            case 34: // string
                var s: [UInt8] = []
                i += 1
                var closed = false
                while i < n {
                    let c = utf8[i]
                    if c == 34 { closed = true; i += 1; break }
                    if c == 10 { line += 1 }
                    if c == 92 && i + 1 < n {
                        let e = utf8[i + 1]
                        i += 2
                        switch e {
                        case 110: s.append(10)
                        case 116: s.append(9)
                        case 114: s.append(13)
                        case 98, 102: s.append(32)
                        case 117:
                            if i + 4 <= n, let v = UInt32(String(decoding: utf8[i..<i + 4], as: UTF8.self), radix: 16) {
                                TextDecoding.appendUTF8((0xD800...0xDFFF).contains(v) ? 0xFFFD : v, to: &s)
                                i += 4
                            }
                        default: s.append(e)
                        }
                        continue
                    }
                    s.append(c)
                    i += 1
                }
                guard closed else { throw Malformed(line: line, reason: "unterminated string") }
                let top = stack.count - 1
                if stack[top].isObject && stack[top].expectKey {
                    stack[top].pendingKey = label(from: String(decoding: s, as: UTF8.self))
                    stack[top].expectKey = false
                } else {
                    addScalar(s)
                }
            default: // number, true, false, null
                let start = i
                while i < n, !([44, 125, 93, 32, 9, 10, 13, 58] as [UInt8]).contains(utf8[i]) { i += 1 }
                let token = Array(utf8[start..<i])
                guard !token.isEmpty else { throw Malformed(line: line, reason: "unexpected byte") }
                if token != Array("null".utf8) && token != Array("true".utf8) && token != Array("false".utf8) {
                    guard token.allSatisfy({ ($0 >= 48 && $0 <= 57) || [43, 45, 46, 69, 101].contains($0) }) else {
                        throw Malformed(line: line, reason: "unexpected token")
                    }
                }
                addScalar(token)
            }
        }
        guard stack.count == 1 else { throw Malformed(line: line, reason: "unexpected end of document") }
        flush(stack[0])
    }
}
