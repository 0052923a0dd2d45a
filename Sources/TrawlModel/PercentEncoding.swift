// Paths written as URIs (RFC 3986), for libsmbclient and for the SARIF export: one rule, so that
// a name that is not UTF-8 keeps its exact bytes and "%" in a name is never read as an escape.
extension UInt8 {
    /// RFC 3986's unreserved characters and "/": written as they are in a URI path.
    var isURIPathCharacter: Bool {
        isASCIIAlphanumeric || self == 45 || self == 46 || self == 95 || self == 126 || self == 47
    }
}

package enum PercentEncoding {
    /// `bytes` with every byte but letters, digits, "-._~" and "/" written as %XX.
    package static func encoded(_ bytes: some Sequence<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in bytes {
            if b.isURIPathCharacter {
                out.append(b)
            } else {
                out += [37, hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A path as a URI: an SMB path (`smb://server[:port]/share/...`) with its scheme and server
    /// as written and the rest encoded; an absolute path as `file://` and the path encoded; a
    /// relative path encoded, as a relative reference.
    package static func uri(_ path: [UInt8]) -> String {
        let smb = Array("smb://".utf8)
        if path.starts(with: smb) {
            let rest = path.dropFirst(smb.count)
            let serverEnd = rest.firstIndex(of: 47) ?? rest.endIndex
            return "smb://" + String(decoding: rest[..<serverEnd], as: UTF8.self) + encoded(rest[serverEnd...])
        }
        return (path.first == 47 ? "file://" : "") + encoded(path)
    }
}
