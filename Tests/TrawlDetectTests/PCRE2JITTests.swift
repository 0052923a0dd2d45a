// A pattern is JIT-compiled at its first match, not before: it has no JIT code until then, and
// workers that all match it for the first time at once each get every match.
import Foundation
import PCRE2
import Synchronization
import Testing

struct LazyJIT {
    @Test func workersMatchingAPatternForTheFirstTimeAtOnceAllFindEveryMatch() throws {
        let subject = Array(String(repeating: "ref AB 12 34 56 C, then JT482793C; ", count: 2_000).utf8)
        for _ in 0..<20 {
            let pattern = try CompiledPattern("[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]")
            #expect(pattern.jitCodeSize == 0, "no JIT code before the first match")
            let counts = Mutex<[Int]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                let scratch = MatchScratch(for: pattern)
                var found = 0
                subject.withUnsafeBytes { bytes in
                    try? scratch.forEachMatch(in: bytes) { _ in found += 1; return true }
                }
                counts.withLock { $0.append(found) }
            }
            #expect(counts.withLock { $0 } == Array(repeating: 4_000, count: 8))
            #expect(pattern.isJIT && pattern.jitCodeSize > 0, "the JIT compiles this pattern on this platform, once matched")
        }
    }
}
