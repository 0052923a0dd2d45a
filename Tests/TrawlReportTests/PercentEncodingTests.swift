// Paths as URIs, as libsmbclient and the SARIF export are given them: a "%" in a name is
// encoded (never read as an escape), bytes that are not UTF-8 keep their value, and an SMB
// path keeps its scheme and server (with a port) as written.
import Testing
import TrawlModel

@Suite struct PercentEncodingOfPaths {
    @Test func localPathsAreFileURIs() {
        #expect(PercentEncoding.uri(Array("/srv/share/a b%20.txt".utf8)) == "file:///srv/share/a%20b%2520.txt")
        #expect(PercentEncoding.uri([47, 114, 0xE9, 46, 116]) == "file:///r%E9.t")
        #expect(PercentEncoding.uri(Array("Samples/x#1.txt".utf8)) == "Samples/x%231.txt")
    }

    @Test func smbPathsKeepTheirSchemeAndServer() {
        #expect(PercentEncoding.uri(Array("smb://fs01:4450/Staff Share/Ré 50%.docx".utf8))
                == "smb://fs01:4450/Staff%20Share/R%C3%A9%2050%25.docx")
        #expect(PercentEncoding.uri(Array("smb://fs01".utf8)) == "smb://fs01")
    }
}
