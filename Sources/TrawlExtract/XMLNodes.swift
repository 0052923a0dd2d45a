// The one loop over an XML part's nodes that the XML-based readers share (Word, PowerPoint and
// OpenDocument text, workbooks and their relationships, pivot caches, XML records).
import LibXML2

enum XMLNodes {
    /// Calls `visit` with the reader on each node of `xml`, in document order: libxml2's SAX2
    /// parser under `XMLStreamReader` (no entity expanded, no DTD loaded, no network, libxml2's
    /// size limits on).
    /// - Throws: `XMLError` when the XML is not well-formed, or what `visit` throws; the nodes
    ///   before it were visited.
    @inline(__always)
    static func forEach(in xml: [UInt8], _ visit: (XMLStreamReader) throws -> Void) throws {
        try xml.withUnsafeBytes { raw throws in
            try XMLStreamReader.read(raw) { r throws in
                while try r.next() { try visit(r) }
            }
        }
    }
}
