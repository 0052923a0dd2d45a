// Who may read a file of an SMB share, from a Windows security descriptor in the text form
// libsmbclient gives (`system.nt_sec_desc.*` with SIDs, `...*+` with the server's names): a
// domain's accounts and groups, well-known groups, an entry denying read, one only inherited by
// what a folder will hold, and one granting no read.
import Testing
import TrawlCrawl

@Suite struct WindowsAccessReading {
    let domain = "S-1-5-21-1004336348-1177238915-682003330"

    @Test func readersAreThoseAllowedToReadTheFileItself() {
        let numeric = [
            "REVISION:1", "OWNER:\(domain)-1104", "GROUP:\(domain)-513",
            "ACL:\(domain)-1104:0/0x0/0x001f01ff",      // the owner: full control
            "ACL:S-1-5-11:0/0x10/0x001200a9",           // Authenticated Users, inherited: read and execute
            "ACL:\(domain)-2201:1/0x0/0x00120089",      // Contractors: read denied
            "ACL:\(domain)-2201:0/0x0/0x00120089",      // ... and allowed: the deny wins
            "ACL:S-1-1-0:0/0x8/0x001200a9",             // Everyone, inherit-only: not this file
            "ACL:S-1-5-32-544:0/0x0/0x10000000",        // Administrators: generic all
            "ACL:\(domain)-3000:0/0x0/0x00100000",      // Auditors: synchronize only, no read
        ].joined(separator: ",")
        let named = numeric
            .replacingOccurrences(of: "\(domain)-1104", with: "COLLEGE\\jsmith")
            .replacingOccurrences(of: "\(domain)-513", with: "COLLEGE\\Domain Users")
            .replacingOccurrences(of: "\(domain)-2201", with: "COLLEGE\\Contractors")
            .replacingOccurrences(of: "\(domain)-3000", with: "COLLEGE\\Auditors")
            .replacingOccurrences(of: "S-1-5-11", with: "NT AUTHORITY\\Authenticated Users")
            .replacingOccurrences(of: "S-1-5-32-544", with: "BUILTIN\\Administrators")
            .replacingOccurrences(of: "S-1-1-0", with: "Everyone")
        let access = WindowsAccess.parse(numeric: numeric, named: named)
        #expect(access.owner == "COLLEGE\\jsmith")
        #expect(access.group == "COLLEGE\\Domain Users")
        #expect(access.mode == nil && access.acl)
        #expect(access.readers == ["account:COLLEGE\\jsmith", "group:BUILTIN\\Administrators", "group:NT AUTHORITY\\Authenticated Users"])
    }

    @Test func everyoneIsOtherAndADomainsStandardGroupsAreGroups() {
        let numeric = "REVISION:1,OWNER:S-1-22-1-0,GROUP:S-1-22-2-0,ACL:S-1-1-0:0/0x0/0x00120089,ACL:\(domain)-513:0/0x0/0x00120089,ACL:S-1-22-2-100:0/0x0/0x00120089"
        // Without names (the server would not look them up), the SIDs stand for themselves.
        let access = WindowsAccess.parse(numeric: numeric, named: numeric)
        #expect(access.readers == ["group:S-1-22-2-100", "group:\(domain)-513", "other"])
    }
}

/// Descriptors a server may give that are odd: names holding the text form's own separators
/// (",", ":", "/"), and text that is empty, cut short or not a descriptor at all.
@Suite struct OddSecurityDescriptors {
    let domain = "S-1-5-21-1004336348-1177238915-682003330"

    @Test func namesWithCommasColonsAndSlashesStayWithTheirOwnIdentifiers() {
        let numeric = [
            "REVISION:1", "OWNER:\(domain)-1104", "GROUP:\(domain)-513",
            "ACL:\(domain)-1104:0/0x0/0x001f01ff",
            "ACL:\(domain)-2201:0/0x0/0x00120089",
            "ACL:\(domain)-2202:0/0x0/0x00120089",
            "ACL:\(domain)-513:0/0x0/0x00120089",
        ].joined(separator: ",")
        let named = [
            "REVISION:1", "OWNER:COLLEGE\\Smith, Jane", "GROUP:COLLEGE\\Domain Users",
            "ACL:COLLEGE\\Smith, Jane:ALLOWED/0x0/FULL",
            "ACL:COLLEGE\\HR: Payroll:ALLOWED/0x0/READ",
            "ACL:COLLEGE\\Exams/Board:ALLOWED/0x0/READ",
            "ACL:COLLEGE\\Domain Users:ALLOWED/0x0/READ",
        ].joined(separator: ",")
        let access = WindowsAccess.parse(numeric: numeric, named: named)
        #expect(access.owner == "COLLEGE\\Smith, Jane")
        #expect(access.group == "COLLEGE\\Domain Users")
        #expect(access.readers == ["account:COLLEGE\\Exams/Board", "account:COLLEGE\\HR: Payroll", "account:COLLEGE\\Smith, Jane",
                                   "group:COLLEGE\\Domain Users"])
    }

    @Test func emptyCutShortAndForeignTextGivesNoReaders() {
        for text in ["", ",", ":", "REVISION:1,OWNER:", "ACL:", "ACL:S-1-1-0", "ACL:S-1-1-0:0", "ACL:S-1-1-0:0/0x0",
                     "ACL:S-1-1-0:7/0x0/0x001200a9", "ACL:S-1-1-0:0/0x0/0xZZ", "ACL:/0/1/2/3", "\u{0}\u{FFFF}"] {
            let access = WindowsAccess.parse(numeric: text, named: text)
            #expect(access.readers == [], "\(text)")
        }
    }
}
