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

/// What the workbook's readers of cells and shared strings read of a node, from either reader:
/// `PlainXMLReader` for the plain XML nearly every workbook is written in, `XMLStreamReader`
/// (libxml2) for the rest. One reading of cells serves both, so that they cannot differ but in
/// the nodes they give.
protocol CellNodeReader: AnyObject {
    associatedtype Name: ElementNameMatching
    func next() throws -> Bool
    var kind: XMLNodeKind { get }
    var name: Name { get }
    var isEmptyElement: Bool { get }
    @discardableResult func withAttribute(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool
    func appendValue(to out: inout [UInt8])
}

/// An element's name that a switch compares with names known in advance (`case "row":`).
protocol ElementNameMatching {
    static func ~= (literal: StaticString, name: Self) -> Bool
}

extension XMLName: ElementNameMatching {}
extension PlainName: ElementNameMatching {}
extension XMLStreamReader: CellNodeReader {}
extension PlainXMLReader: CellNodeReader {}
