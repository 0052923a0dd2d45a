// A small safe wrapper over GMime's parser: a MIME message read from memory into a tree of
// entities (multiparts, leaf parts, attached messages). It knows nothing of Trawl.
//
// Design: every object handed out holds its own reference to its GMime object (g_object_ref,
// released in deinit), so an entity may outlive the message it came from; raw pointers never
// leave this module. A tree belongs to the worker that parsed it (not Sendable). GMime decodes
// what it parses: header values (RFC 2047 encoded words, 8-bit text in the fallback charsets),
// parameters (RFC 2231 continuations and charsets), transfer encodings and, through iconv, any
// charset the system knows. GMime bounds nesting itself (multiparts past 1024 levels and
// messages past 512 are kept as unparsed leaves), so a hostile tree cannot exhaust the stack.
internal import CGMime

/// An error from GMime: the operation that failed and why.
public struct MIMEError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let message: String

    public var description: String { "\(operation): \(message)" }
}

/// GMime's global state (its type registry, charset tables and the default parser options),
/// which must be made once before threads use the library: `g_mime_init` is not safe to call
/// from two threads at once. Every entry point of this module calls `initialize()` first; a Swift
/// global is made once, whichever thread comes first, and the others wait for it.
public enum GMimeLibrary {
    /// Charsets tried, in order, for 8-bit header text that declares none: UTF-8, then the
    /// Windows superset of Latin-1 that mail clients in Western locales write, then Latin-1
    /// itself, which every byte sequence is (GMime's advice: start with UTF-8, end with it).
    public static let fallbackCharsets = ["UTF-8", "windows-1252", "iso-8859-1"]

    private static let initialized: Void = {
        g_mime_init()
        // The default options are shared by every parse; they are set here, before any thread
        // parses, and never changed after (a header keeps a pointer to the options it was read
        // with and decodes its value lazily, so per-parse options would have to outlive the tree).
        let options = g_mime_parser_options_get_default()
        g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        withCStrings(fallbackCharsets) { g_mime_parser_options_set_fallback_charsets(options, $0) }
    }()

    public static func initialize() { _ = initialized }
}

/// One header: its name as written and its value unfolded and decoded to UTF-8.
public struct MIMEHeader: Sendable, Equatable {
    public let name: String
    public let value: String
}

/// A parsed message: its headers and its body, the root of the entity tree.
public final class MIMEMessage {
    let message: UnsafeMutablePointer<GMimeMessage>

    /// Parses `bytes` as one message (RFC 5322 headers, a blank line, a MIME body). GMime is
    /// lenient: text with no header block at all is still read, as a body.
    /// - Throws: `MIMEError` when GMime constructs no message (the input ends before a header).
    public init(parsing bytes: [UInt8]) throws(MIMEError) {
        GMimeLibrary.initialize()
        let stream = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { g_mime_stream_mem_new_with_buffer($0.baseAddress, $0.count) }
        }
        guard let stream else { throw MIMEError(operation: "g_mime_stream_mem_new_with_buffer", message: "no stream") }
        defer { g_object_unref(stream) }
        guard let parser = g_mime_parser_new_with_stream(stream) else {
            throw MIMEError(operation: "g_mime_parser_new_with_stream", message: "no parser")
        }
        defer { g_object_unref(parser) }
        guard let message = g_mime_parser_construct_message(parser, nil) else {
            throw MIMEError(operation: "g_mime_parser_construct_message", message: "no message could be read")
        }
        self.message = message
    }

    /// Takes a reference of its own to a message found inside another.
    init(retaining message: UnsafeMutablePointer<GMimeMessage>) {
        g_object_ref(message)
        self.message = message
    }

    deinit { g_object_unref(message) }

    private var object: UnsafeMutablePointer<GMimeObject> { cast(message) }

    /// The message's own headers, in order.
    public var headers: [MIMEHeader] { headerList(g_mime_object_get_header_list(object)) }

    /// The body: the top-level entity, or nil for a message with none.
    public var body: MIMEEntity? {
        g_mime_message_get_mime_part(message).map(MIMEEntity.init(retaining:))
    }

    /// The message written out again (headers as they were read, bodies in their transfer
    /// encodings): the bytes of an attached message, to be read as a message of its own.
    /// - Throws: `MIMEError` when writing fails.
    public func serialized() throws(MIMEError) -> [UInt8] {
        try collect("g_mime_object_write_to_stream") { g_mime_object_write_to_stream(object, nil, $0) }
    }
}

/// One entity of a message's tree.
public final class MIMEEntity {
    let object: UnsafeMutablePointer<GMimeObject>

    init(retaining object: UnsafeMutablePointer<GMimeObject>) {
        g_object_ref(object)
        self.object = object
    }

    deinit { g_object_unref(object) }

    /// What an entity holds.
    public enum Kind {
        /// A multipart, with its parts in order.
        case multipart([MIMEEntity])
        /// An attached message (message/rfc822 and its kin), nil when GMime could read none.
        case message(MIMEMessage?)
        /// A leaf: content of its own.
        case leaf
    }

    public var kind: Kind {
        if trawl_gmime_is_multipart(object) != 0 {
            let multipart: UnsafeMutablePointer<GMimeMultipart> = cast(object)
            let count = max(0, Int(g_mime_multipart_get_count(multipart)))
            return .multipart((0..<count).compactMap { g_mime_multipart_get_part(multipart, Int32($0)).map(MIMEEntity.init(retaining:)) })
        }
        if trawl_gmime_is_message_part(object) != 0 {
            return .message(g_mime_message_part_get_message(cast(object)).map(MIMEMessage.init(retaining:)))
        }
        return .leaf
    }

    /// The media type and subtype in lower case ("text/plain"); text/plain when none is given.
    public var mediaType: String {
        guard let type = g_mime_object_get_content_type(object) else { return "text/plain" }
        let major = g_mime_content_type_get_media_type(type).map { String(cString: $0) } ?? "text"
        let minor = g_mime_content_type_get_media_subtype(type).map { String(cString: $0) } ?? "plain"
        return (major + "/" + minor).lowercased()
    }

    /// A parameter of the Content-Type header, decoded (RFC 2231 and encoded words).
    public func contentTypeParameter(_ name: String) -> String? {
        g_mime_object_get_content_type_parameter(object, name).map { String(cString: $0) }
    }

    /// The disposition in lower case ("attachment", "inline"), nil when the entity has none.
    public var disposition: String? {
        g_mime_object_get_disposition(object).map { String(cString: $0).lowercased() }
    }

    /// The file name the sender gave: the disposition's filename, else the content type's name,
    /// decoded (RFC 2231 continuations and charsets, encoded words). Nil when there is none.
    public var filename: String? {
        if trawl_gmime_is_part(object) != 0 {
            return g_mime_part_get_filename(cast(object)).map { String(cString: $0) }
        }
        let name = g_mime_object_get_content_disposition_parameter(object, "filename")
            ?? g_mime_object_get_content_type_parameter(object, "name")
        return name.map { String(cString: $0) }
    }

    /// The entity's own headers, in order.
    public var headers: [MIMEHeader] { headerList(g_mime_object_get_header_list(object)) }

    /// A leaf's content with its transfer encoding (base64, quoted-printable, uuencode) undone;
    /// empty for an entity with no content of its own.
    /// - Throws: `MIMEError` when the content cannot be read.
    public func decodedContent() throws(MIMEError) -> [UInt8] {
        guard trawl_gmime_is_part(object) != 0, let content = g_mime_part_get_content(cast(object)) else { return [] }
        return try collect("g_mime_data_wrapper_write_to_stream") { g_mime_data_wrapper_write_to_stream(content, $0) }
    }

    /// A leaf's content decoded and converted from `charset` to UTF-8 by iconv (any charset and
    /// alias the system knows). Nil when iconv knows no such charset.
    /// - Throws: `MIMEError` when the content cannot be read.
    public func decodedContent(convertingFrom charset: String) throws(MIMEError) -> [UInt8]? {
        guard trawl_gmime_is_part(object) != 0, let content = g_mime_part_get_content(cast(object)) else { return [] }
        guard let filter = g_mime_filter_charset_new(charset, "UTF-8") else { return nil }
        defer { g_object_unref(filter) }
        return try collect("g_mime_data_wrapper_write_to_stream") { sink in
            guard let filtered = g_mime_stream_filter_new(sink) else { return -1 }
            defer { g_object_unref(filtered) }
            g_mime_stream_filter_add(cast(filtered), filter)
            let written = g_mime_data_wrapper_write_to_stream(content, filtered)
            // The filter holds back an incomplete sequence until it is flushed.
            return written < 0 || g_mime_stream_flush(filtered) != 0 ? -1 : written
        }
    }
}

// MARK: - Inside the module

/// Reinterprets a pointer to a GObject as a pointer to its class or subclass: GObject's casts
/// are macros, and the kind is checked by the caller (the shim's type checks).
func cast<From, To>(_ pointer: UnsafeMutablePointer<From>) -> UnsafeMutablePointer<To> {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: To.self)
}

/// The headers of a header list, values decoded by GMime.
func headerList(_ list: UnsafeMutablePointer<GMimeHeaderList>?) -> [MIMEHeader] {
    guard let list else { return [] }
    let count = max(0, Int(g_mime_header_list_get_count(list)))
    return (0..<count).compactMap { i in
        guard let header = g_mime_header_list_get_header_at(list, Int32(i)) else { return nil }
        let name = g_mime_header_get_name(header).map { String(cString: $0) } ?? ""
        let value = g_mime_header_get_value(header).map { String(cString: $0) } ?? ""
        return MIMEHeader(name: name, value: value)
    }
}

/// Runs `write` into a fresh memory stream and returns what it wrote.
/// - Throws: `MIMEError` naming `operation` when `write` returns a negative count.
func collect(_ operation: String, _ write: (UnsafeMutablePointer<GMimeStream>) -> Int) throws(MIMEError) -> [UInt8] {
    guard let sink = g_mime_stream_mem_new() else { throw MIMEError(operation: "g_mime_stream_mem_new", message: "no stream") }
    defer { g_object_unref(sink) }
    guard write(sink) >= 0 else { throw MIMEError(operation: operation, message: "the content could not be written") }
    guard let array = g_mime_stream_mem_get_byte_array(cast(sink)), let data = array.pointee.data else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(array.pointee.len)))
}

/// Calls `body` with a NULL-terminated array of C strings, valid for the call only (GMime copies
/// the strings it keeps).
func withCStrings<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
