// A small safe wrapper over PCRE2 (8-bit, JIT). It knows nothing of Trawl.
//
// Design: a pattern is compiled once and shared read-only by every worker (`CompiledPattern`,
// Sendable); the mutable part of matching, the match data, belongs to one worker (`MatchScratch`,
// not Sendable). Input is always bytes; no String crosses the hot path.
//
// A pattern is JIT-compiled when it is first matched, not when it is compiled: the JIT is most of
// a pattern's compile time (some 15M instructions of every scan's start-up for Trawl's set), and
// a scan meets only the patterns whose anchors its files hold. Compiling still checks the pattern
// at once; the JIT is made under a lock, before any match of that pattern runs (PCRE2's compiled
// code is read-only only once its JIT code is in place).
internal import CPCRE2
import Synchronization

/// An error from PCRE2, with PCRE2's own message.
public struct PCRE2Error: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let offset: Int
    public let operation: String
    public let message: String

    init(code: Int32, offset: Int = 0, operation: String = #function) {
        self.code = code
        self.offset = offset
        self.operation = operation
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, 256) }
        self.message = n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }

    public var description: String {
        operation.hasPrefix("compile") ? "\(message) at offset \(offset)" : "\(operation): \(message)"
    }
}

/// Compile-time options we expose; the rest stay PCRE2's defaults.
public struct CompileOptions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let caseless = CompileOptions(rawValue: PCRE2_CASELESS)
    public static let extended = CompileOptions(rawValue: PCRE2_EXTENDED)
    public static let multiline = CompileOptions(rawValue: PCRE2_MULTILINE)
    /// Treat the subject as UTF-8; Trawl leaves this off and matches bytes (ASCII classes), which is
    /// both faster and safe on text that is not valid UTF-8.
    public static let utf = CompileOptions(rawValue: PCRE2_UTF)
}

/// A compiled pattern, JIT-compiled (when the platform allows) at its first match.
public final class CompiledPattern {
    let code: OpaquePointer
    /// Number of capture groups in the pattern.
    public let captureCount: Int
    /// Whether the JIT has been tried: 0 not yet, 1 it compiled the pattern, 2 it could not.
    private let jitState = Atomic<UInt8>(0)
    private let jitLock = Mutex(())

    /// Compiles `pattern`.
    /// - Throws: `PCRE2Error` with PCRE2's message and the offset of the fault.
    public init(_ pattern: String, options: CompileOptions = []) throws(PCRE2Error) {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buf in
            // PCRE2_USE_OFFSET_LIMIT lets a windowed search stop at its window's end (see below).
            pcre2_compile_8(buf.baseAddress, buf.count, options.rawValue | PCRE2_USE_OFFSET_LIMIT, &errorCode, &errorOffset, nil)
        }
        guard let compiled else { throw PCRE2Error(code: errorCode, offset: errorOffset, operation: "compile") }
        code = compiled
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
    }

    deinit { pcre2_code_free_8(code) }

    /// The size of the pattern's JIT code in bytes: 0 until its first match (and for a pattern
    /// the JIT could not compile). Asking does not compile it.
    public var jitCodeSize: Int {
        jitLock.withLock { _ in
            var size = 0
            pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_JITSIZE), &size)
            return size
        }
    }

    /// True when the JIT compiled the pattern (it is tried now if it has not been): matching then
    /// uses the fast JIT entry point. Every match asks this first, so none runs while the JIT
    /// code is being made.
    public var isJIT: Bool {
        let state = jitState.load(ordering: .acquiring)
        if state != 0 { return state == 1 }
        return jitLock.withLock { _ in
            let state = jitState.load(ordering: .acquiring)
            if state != 0 { return state == 1 }
            let compiled = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_COMPLETE)) == 0
            jitState.store(compiled ? 1 : 2, ordering: .releasing)
            return compiled
        }
    }
}

// SAFETY: PCRE2 documents compiled code (and its JIT code) as read-only after compilation and safe
// to use from many threads at once, provided each thread has its own match data. Match data lives
// in `MatchScratch`, which is not Sendable. The JIT code is added once, under the pattern's lock,
// before any match of the pattern (`isJIT`).
extension CompiledPattern: @unchecked Sendable {}

/// Per-worker scratch for matching one pattern: PCRE2 match data, a match context with resource
/// limits, and a JIT stack. Not thread-safe by design.
public final class MatchScratch {
    let data: OpaquePointer
    let context: OpaquePointer
    /// Made at the first JIT match of this worker: nil before, and for a pattern the JIT could
    /// not compile.
    private var jitStack: OpaquePointer?
    let pattern: CompiledPattern

    /// - Parameter matchLimit: PCRE2's match limit: a pathological pattern and subject give up with
    ///   an error (`PCRE2Error`, code PCRE2_ERROR_MATCHLIMIT) instead of running for ever.
    public init(for pattern: CompiledPattern, matchLimit: UInt32 = 10_000_000) {
        self.pattern = pattern
        // Failures here are allocation failures; there is nothing sensible to continue with.
        guard let data = pcre2_match_data_create_from_pattern_8(pattern.code, nil),
              let context = pcre2_match_context_create_8(nil) else {
            fatalError("PCRE2 could not allocate match data")
        }
        self.data = data
        self.context = context
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, 100_000)
    }

    /// Whether to match with the JIT; at the first JIT match, this worker's JIT stack is made:
    /// the default one (32 KiB, on the machine stack) is too small for some patterns on long
    /// subjects, so each worker has its own, growing to 1 MiB.
    private var useJIT: Bool {
        guard pattern.isJIT else { return false }
        if jitStack == nil, let made = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil) {
            jitStack = made
            pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(made))
        }
        return true
    }

    deinit {
        pcre2_match_data_free_8(data)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Like `forEachMatch(in:_:)`, but only matches that start inside one of `windows` (sorted,
    /// not overlapping) are looked for: the search starts at each window, matches are taken while
    /// they start inside it, and the subject as a whole stays visible to lookbehinds and to matches
    /// that run past a window's end. The matches are those the whole-subject search finds, provided
    /// every such match starts inside a window.
    public func forEachMatch(
        in subject: UnsafeRawBufferPointer,
        windows: [Range<Int>],
        _ body: (_ groups: MatchGroups) -> Bool
    ) throws(PCRE2Error) {
        var resume = 0
        for window in windows {
            guard try forEachMatch(in: subject, startingIn: window, resume: &resume, body) else { return }
        }
    }

    /// `forEachMatch(in:windows:_:)` with one window, and no list made for it.
    public func forEachMatch(
        in subject: UnsafeRawBufferPointer,
        startingIn window: Range<Int>,
        _ body: (_ groups: MatchGroups) -> Bool
    ) throws(PCRE2Error) {
        var resume = 0
        _ = try forEachMatch(in: subject, startingIn: window, resume: &resume, body)
    }

    /// The matches starting in `window`, from `resume` (where the last match of an earlier window
    /// ended) on; false when the search is to stop.
    private func forEachMatch(
        in subject: UnsafeRawBufferPointer,
        startingIn window: Range<Int>,
        resume: inout Int,
        _ body: (_ groups: MatchGroups) -> Bool
    ) throws(PCRE2Error) -> Bool {
        guard let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let length = subject.count
        var start = max(window.lowerBound, resume)
        // No match may start past the window: without this limit a search that finds nothing
        // in its window would run on to the next match in the rest of the subject.
        pcre2_set_offset_limit_8(context, window.upperBound - 1)
        let jit = useJIT
        while start < window.upperBound && start <= length {
            let rc: Int32 = jit
                ? pcre2_jit_match_8(pattern.code, base, length, start, 0, data, context)
                : pcre2_match_8(pattern.code, base, length, start, 0, data, context)
            if rc == PCRE2_ERROR_NOMATCH { break }
            if rc < 0 { throw PCRE2Error(code: rc, operation: "match") }
            let ovector = pcre2_get_ovector_pointer_8(data)!
            guard ovector[0] < window.upperBound else { break }  // belongs to a later window, if any
            let groups = MatchGroups(ovector: UnsafePointer(ovector), count: pattern.captureCount + 1)
            guard let whole = groups[0] else { return false }
            if !body(groups) { return false }
            // Empty matches would loop forever; step past them.
            start = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
            resume = start
        }
        return true
    }

    /// The part of each of `windows` (sorted, not overlapping) from where the leftmost match that
    /// starts inside it starts, to the window's end; windows in which no match starts are left
    /// out. A window in which matching fails with an error (a resource limit) is kept whole.
    /// No match of the pattern starts in what is left out (a search tries start positions in
    /// order), which is what lets an alternation of several patterns rule out windows for all of
    /// them at the cost of one search.
    public func windowsWithMatches(in subject: UnsafeRawBufferPointer, windows: [Range<Int>]) -> [Range<Int>] {
        guard let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return windows }
        let length = subject.count
        var kept: [Range<Int>] = []
        let jit = useJIT
        for window in windows where window.lowerBound <= length {
            pcre2_set_offset_limit_8(context, window.upperBound - 1)
            let rc: Int32 = jit
                ? pcre2_jit_match_8(pattern.code, base, length, window.lowerBound, 0, data, context)
                : pcre2_match_8(pattern.code, base, length, window.lowerBound, 0, data, context)
            if rc == PCRE2_ERROR_NOMATCH { continue }
            if rc < 0 { kept.append(window); continue }
            let start = pcre2_get_ovector_pointer_8(data)![0]
            if start < window.upperBound { kept.append(max(start, window.lowerBound)..<window.upperBound) }
        }
        return kept
    }

    /// Calls `body` with the byte ranges of the whole match (group 0) and of each capture group
    /// (nil where a group did not take part), for every non-overlapping match in `subject`.
    /// Returning false from `body` stops the search.
    /// - Throws: `PCRE2Error` for a matching error other than "no match" (for example a resource
    ///   limit on a pathological subject).
    public func forEachMatch(
        in subject: UnsafeRawBufferPointer,
        _ body: (_ groups: MatchGroups) -> Bool
    ) throws(PCRE2Error) {
        // The whole subject is one window that every match starts in.
        try forEachMatch(in: subject, startingIn: 0..<(subject.count + 1), body)
    }
}

/// The byte ranges of one match: group 0 is the whole match, then each capture group (nil where
/// it did not take part). Read straight from PCRE2's output vector, so it is valid only inside
/// the `forEachMatch` body it is passed to: no array is made per match.
public struct MatchGroups {
    private let ovector: UnsafePointer<Int>
    /// The whole match and the capture groups.
    public let count: Int

    init(ovector: UnsafePointer<Int>, count: Int) {
        self.ovector = ovector
        self.count = count
    }

    public subscript(_ group: Int) -> Range<Int>? {
        precondition(group >= 0 && group < count, "no such capture group")
        let lo = ovector[2 * group], hi = ovector[2 * group + 1]
        return lo == PCRE2_UNSET || hi < lo ? nil : lo..<hi
    }
}

/// PCRE2_UNSET is a macro over `~(PCRE2_SIZE)0`, which Swift does not import; PCRE2_SIZE is size_t,
/// which Swift imports as Int, so the value is all ones, -1.
private let PCRE2_UNSET = ~0
