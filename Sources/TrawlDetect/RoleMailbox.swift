// Role mailboxes: which local parts of an email address name a function (admissions@, dpo@,
// dataquestions@) rather than a person, so that such addresses are reported exempt.
import Foundation

/// Role mailboxes: addresses of a function, not a person (info@, dpo@, dataquestions@). A local
/// part is a role when it splits entirely into role words, whatever the separators; a person's
/// name does not ("matthew.jones").
enum RoleMailbox {
    static let words: Set<String> = Set("""
        info information enquiries enquiry enquire admin administrator administration admissions admission office
        contact contactus hello help helpdesk support sales privacy dpo data protection dataprotection gdpr hr
        recruitment quality noreply no reply donotreply do not postmaster webmaster hostmaster abuse finance
        accounts accountspayable payable receivable reception careers jobs marketing press media complaints feedback
        safeguarding exams examinations student students studentservices services service team general customer
        customers questions query queries mail mailbox web website it ict learning apprenticeships apprentices
        training courses course bookings booking events compliance legal governance clerk head headteacher principal
        registry records library alumni partnerships employers employer business enrolment enrolments
        international funding payroll billing invoices invoice orders order secretary school college academy
        university group uk us the and of for all staff everyone parents governors attendance absence absences
        timetable timetabling estates facilities transport catering lettings counselling reports conference
        conferences venue venues rent credit control membership members registrar appeals centre centres center
        reservations ledger purchase purchasing procurement
        repair repairs maintenance rents housing tenancy tenancies tenant tenants homes income involvement
        volunteering volunteers donations fundraising supporters grants appointments referrals referral intake
        duty wellbeing foodbank helpline advice benefits welfare servicedesk desk operations communications comms
        news newsletter editor projects programmes programme
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init))

    static func isRole(localPart: String) -> Bool {
        let tokens = localPart.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        guard !tokens.isEmpty else { return false }
        return tokens.allSatisfy(segments)
    }

    /// `isRole` for an ASCII local part, on its bytes: the pieces are found by walking a trie of
    /// the role words instead of making a string of every prefix.
    static func isRole(localPart: UnsafeBufferPointer<UInt8>) -> Bool {
        var any = false
        var start = 0
        let n = localPart.count
        while start < n {
            guard isLetter(localPart[start]) else { start += 1; continue }
            var end = start
            while end < n && isLetter(localPart[end]) { end += 1 }
            guard segments(UnsafeBufferPointer(rebasing: localPart[start..<end])) else { return false }
            any = true
            start = end
        }
        return any
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 32) >= 97 && (b | 32) <= 122 }

    /// The role words as a trie over a-z: node i's child for letter c is `trie.next[i * 26 + c]`
    /// (0: none; the root is node 0 and is never a child).
    private static let trie: (next: [Int32], isWord: [Bool]) = {
        var next = [Int32](repeating: 0, count: 26)
        var isWord = [false]
        for word in words {
            var node = 0
            for b in word.utf8 {
                let c = Int(b - 97)
                if next[node * 26 + c] == 0 {
                    next[node * 26 + c] = Int32(isWord.count)
                    isWord.append(false)
                    next += [Int32](repeating: 0, count: 26)
                }
                node = Int(next[node * 26 + c])
            }
            isWord[node] = true
        }
        return (next, isWord)
    }()

    /// `segments` on the bytes of one run of ASCII letters.
    private static func segments(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = word.count
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: n + 1) { reachable in
            reachable.initialize(repeating: false)
            reachable[0] = true
            let (next, isWord) = trie
            for i in 0..<n where reachable[i] {
                var node = 0
                for j in i..<n {
                    node = Int(next[node * 26 + Int((word[j] | 32) - 97)])
                    if node == 0 { break }
                    if j + 1 >= i + 2 && isWord[node] { reachable[j + 1] = true }
                }
            }
            return reachable[n]
        }
    }

    /// Every prefix of every role word: a piece of a local part that is none of them cannot grow
    /// into a role word, so the search below stops extending it.
    static let prefixes: Set<String> = Set(words.flatMap { w in (1...w.count).map { String(w.prefix($0)) } })

    /// True when `word` is a concatenation of role words ("dataquestions" = "data" + "questions").
    private static func segments(_ word: String) -> Bool {
        let chars = Array(word)
        var reachable = [Bool](repeating: false, count: chars.count + 1)
        reachable[0] = true
        for i in 0..<chars.count where reachable[i] {
            var j = i + 1
            while j <= chars.count {
                let piece = String(chars[i..<j])
                guard prefixes.contains(piece) else { break }
                if j >= i + 2 && words.contains(piece) { reachable[j] = true }
                j += 1
            }
        }
        return reachable[chars.count]
    }
}
