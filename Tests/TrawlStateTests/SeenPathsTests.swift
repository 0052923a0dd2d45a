import Testing
@testable import TrawlState

/// The paths a run saw: each counted once, however often and by whichever worker it was seen,
/// and a path not seen is not found.
@Suite("Paths seen")
struct SeenPathsTests {
    @Test func aPathSeenTwiceCountsOnceAndAnUnseenOneIsNotFound() {
        let paths = (0..<1000).map { Array("/share/folder-\($0 % 7)/file-\($0).txt".utf8) }
        var first = SeenPaths(), second = SeenPaths()
        for (i, path) in paths.enumerated() {
            if i % 2 == 0 { first.insert(StateStore.hash(path)) } else { second.insert(StateStore.hash(path)) }
            if i % 10 == 0 { second.insert(StateStore.hash(path)) }  // seen again, as under two roots
        }
        first.take(&second)
        first.settle()
        #expect(first.count == 1000)
        #expect(paths.allSatisfy { first.contains(StateStore.hash($0)) })
        #expect(!first.contains(StateStore.hash(Array("/share/folder-1/gone.txt".utf8))))
        second.settle()
        #expect(second.count == 0)
    }
}
