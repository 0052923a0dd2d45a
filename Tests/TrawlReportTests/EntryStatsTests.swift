import Testing
import TrawlModel
@testable import TrawlReport

/// The compact line the state keeps beside each entry, read back: lines written by hand, each
/// field as its definition in `EntryStats` says.
@Suite("EntryStats lines")
struct EntryStatsTests {
    func line(_ s: String) -> ArraySlice<UInt8> { Array(s.utf8)[...] }

    @Test func everyFieldIsReadBack() throws {
        let stats = try #require(EntryStats(decoding: line(
            "S\tscanned\tConfidential\t1\t20480\tunreadable,too_large\tuk_nino=Confidential*3,,email=-,name=Internal\tx\t2027-01-31")))
        #expect(stats.outcome == .scanned)
        #expect(stats.level == .confidential)
        #expect(stats.isMember)
        #expect(stats.size == 20480)
        #expect(stats.issueKinds == [.unreadable, .tooLarge])
        #expect(stats.findings.map(\.type) == ["uk_nino", "email", "name"])
        #expect(stats.findings.map(\.level) == [.confidential, nil, .internal])
        #expect(stats.findings.map(\.count) == [3, 1, 1])
        #expect(stats.exposed)
        #expect(stats.due == CalendarDay(iso: "2027-01-31"))
    }

    @Test func aCleanEntryHasEmptyListsAndNoDay() throws {
        let stats = try #require(EntryStats(decoding: line("S\tskipped\tPublic\t0\t0\t\t\t\t")))
        #expect(stats.outcome == .skipped && stats.level == .public && !stats.isMember && stats.size == 0)
        #expect(stats.issueKinds.isEmpty && stats.findings.isEmpty && !stats.exposed && stats.due == nil)
    }

    @Test func aDamagedLineIsNone() {
        for bad in ["S\tscanned\tPublic\t0\t10\t\t\t",            // eight fields
                    "S\tscanned\tPublic\t0\t10\t\t\t\t\t",        // ten
                    "T\tscanned\tPublic\t0\t10\t\t\t\t",          // not a stats line
                    "S\tread\tPublic\t0\t10\t\t\t\t",             // no such outcome
                    "S\tscanned\tSecret\t0\t10\t\t\t\t",          // no such level
                    "S\tscanned\tPublic\t0\t1x\t\t\t\t",          // a size not in digits
                    "S\tscanned\tPublic\t0\t10\t\tuk_nino\t\t",   // a finding without a level
                    "S\tscanned\tPublic\t0\t10\t\temail=Public*2a\t\t"] {  // a count not in digits
            #expect(EntryStats(decoding: line(bad)) == nil, "\(bad)")
        }
    }
}
