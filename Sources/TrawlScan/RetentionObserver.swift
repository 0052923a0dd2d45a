// What a file's text says that a retention schedule looks at: which kinds of document it shows
// ("health declaration") and the dates its labels introduce ("Course end date: 15/07/2023"). It
// watches the chunks of the file on disk (not of its members) as they are searched, its first
// MiB of text, and keeps nothing else.
import TrawlClassify
import TrawlDetect
import TrawlModel

final class RetentionObserver {
    private let schedule: RetentionSchedule
    private(set) var kinds: Set<String> = []
    private(set) var events: [RetentionSchedule.Event: CalendarDay] = [:]
    private var seen = 0
    private static let textLimit = 1 << 20

    init(_ schedule: RetentionSchedule) { self.schedule = schedule }

    func observe(_ chunk: TextChunk) {
        guard seen < Self.textLimit else { return }
        seen += chunk.text.count
        let text = String(decoding: chunk.text, as: UTF8.self).lowercased()
        for (kind, phrases) in schedule.kinds where !kinds.contains(kind) && phrases.contains(where: text.contains) {
            kinds.insert(kind)
        }
        for (event, labels) in schedule.labels where events[event] == nil {
            for label in labels {
                guard let found = text.range(of: label), let day = Self.date(after: text[found.upperBound...]) else { continue }
                events[event] = day
                break
            }
        }
    }

    /// The date that follows a label: after a colon, dash or spaces, on the same line, the longest
    /// run of its first few words that reads as a date ("15 July 2023", "15/07/2023").
    static func date(after rest: Substring) -> CalendarDay? {
        let start = rest.drop { $0 == ":" || $0 == " " || $0 == "\t" || $0 == "-" || $0 == "=" }
        let line = start.prefix { $0 != "\n" && $0 != "\r" }.prefix(40)
        let words = line.split(separator: " ").map { $0.trimmingPunctuation }
        for count in stride(from: min(4, words.count), through: 1, by: -1) {
            if let d = DateParsing.parse(words.prefix(count).joined(separator: " ")) {
                return CalendarDay(year: d.year, month: d.month, day: d.day)
            }
        }
        return nil
    }
}

private extension Substring {
    /// Without the commas, full stops and brackets that end a date in running text.
    var trimmingPunctuation: String {
        var s = self
        while let last = s.last, ",.;)]".contains(last) { s = s.dropLast() }
        return String(s)
    }
}
