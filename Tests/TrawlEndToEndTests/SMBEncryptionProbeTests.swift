// The SMB2 NEGOTIATE answers the encryption probe reads, written from MS-SMB2 2.2.4 by hand:
// a 3.1.1 answer with and without a cipher, a 3.0.2 answer with the encryption capability, a
// 2.1 answer; and answers cut short or damaged anywhere, which give an error or an answer,
// never a crash (a server on the share's network may send anything).
import Testing
import SMBClient

struct SMBEncryptionProbeAnswers {
    /// An answer: the SMB2 header, the 65-byte response body, then the negotiate contexts.
    private func answer(dialect: UInt16, capabilities: UInt32 = 0, contexts: [(type: UInt16, data: [UInt8])] = []) -> [UInt8] {
        var m: [UInt8] = [0xfe, 0x53, 0x4d, 0x42, 64, 0] + [UInt8](repeating: 0, count: 58)
        func u16(_ v: UInt16) { m += [UInt8(v & 0xff), UInt8(v >> 8)] }
        func u32(_ v: UInt32) { for i in 0..<4 { m.append(UInt8((v >> (8 * UInt32(i))) & 0xff)) } }
        u16(65); u16(1); u16(dialect); u16(UInt16(contexts.count))
        m += [UInt8](repeating: 7, count: 16)
        u32(capabilities); u32(1 << 20); u32(1 << 20); u32(1 << 20)
        m += [UInt8](repeating: 0, count: 16)
        u16(128); u16(0)
        let at = 64 + 64 + 8
        u32(contexts.isEmpty ? 0 : UInt32(at))
        m += [UInt8](repeating: 0, count: at - m.count)
        for context in contexts {
            u16(context.type); u16(UInt16(context.data.count)); u32(0)
            m += context.data
            m += [UInt8](repeating: 0, count: (m.count + 7) / 8 * 8 - m.count)
        }
        return m
    }

    private let integrity: (type: UInt16, data: [UInt8]) = (1, [1, 0, 32, 0, 1, 0] + [UInt8](repeating: 9, count: 32))

    @Test func theServersOfferIsRead() throws {
        let gcm = try SMBEncryptionProbe.offer(in: answer(dialect: 0x0311, contexts: [integrity, (2, [1, 0, 2, 0])]), host: "s")
        #expect(gcm.encrypts && gcm.dialect == "3.1.1")
        let none = try SMBEncryptionProbe.offer(in: answer(dialect: 0x0311, contexts: [integrity]), host: "s")
        #expect(!none.encrypts && none.dialect == "3.1.1")
        let zero = try SMBEncryptionProbe.offer(in: answer(dialect: 0x0311, contexts: [integrity, (2, [1, 0, 0, 0])]), host: "s")
        #expect(!zero.encrypts)
        let capable = try SMBEncryptionProbe.offer(in: answer(dialect: 0x0302, capabilities: 0x40), host: "s")
        #expect(capable.encrypts && capable.dialect == "3.0.2")
        let incapable = try SMBEncryptionProbe.offer(in: answer(dialect: 0x0300, capabilities: 0x04), host: "s")
        #expect(!incapable.encrypts && incapable.dialect == "3.0")
        let old = try SMBEncryptionProbe.offer(in: answer(dialect: 0x0210, capabilities: 0x40), host: "s")
        #expect(!old.encrypts && old.dialect == "2.1")
    }

    @Test func aDamagedAnswerIsAnErrorOrAnAnswerNeverACrash() {
        let valid = answer(dialect: 0x0311, contexts: [integrity, (2, [1, 0, 2, 0])])
        #expect(throws: SMBError.self) { try SMBEncryptionProbe.offer(in: Array(valid.prefix(100)), host: "s") }
        // An error answer: the header with its status (STATUS_ACCESS_DENIED), a 9-byte body.
        var failed = Array(valid.prefix(64 + 9))
        failed[8] = 0x22; failed[11] = 0xc0
        do {
            _ = try SMBEncryptionProbe.offer(in: failed, host: "s")
            Issue.record("an error answer read as an offer")
        } catch {
            #expect(error.description.contains("refused the negotiate request (status 0xc0000022)"), "\(error)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var m = valid
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                m[Int.random(in: 0..<m.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            m = Array(m.prefix(Int.random(in: 0...m.count, using: &generator)))
            _ = try? SMBEncryptionProbe.offer(in: m, host: "s")
        }
    }
}
