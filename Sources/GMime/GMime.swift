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
// GMime is opened when the first message is read (see `DynamicLibrary`): with GIO, GObject and
// GLib it brings some dozen libraries that a run without mail need not map. Its functions are
// called through the pointers `Calls` looks up once.
internal import CGMime
import DynamicLibrary

#if canImport(Glibc)
import Glibc
#endif

/// An error from GMime: the operation that failed and why.
public struct MIMEError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let message: String
    /// GMime itself could not be loaded (the loader's reason is the message).
    public var libraryMissing = false

    public var description: String { "\(operation): \(message)" }
}

/// GMime's functions, looked up the first time a message is read.
struct Calls: Sendable {
    let initialize: trawl_g_mime_init
    let defaultOptions: trawl_g_mime_parser_options_get_default
    let setRFC2047Mode, setParameterMode, setAddressMode: trawl_g_mime_parser_options_set_mode
    let setFallbackCharsets: trawl_g_mime_parser_options_set_fallback_charsets
    let memoryStream: trawl_g_mime_stream_mem_new
    let memoryStreamWithBuffer: trawl_g_mime_stream_mem_new_with_buffer
    let byteArray: trawl_g_mime_stream_mem_get_byte_array
    let filterStream: trawl_g_mime_stream_filter_new
    let filterAdd: trawl_g_mime_stream_filter_add
    let flush: trawl_g_mime_stream_flush
    let charsetFilter: trawl_g_mime_filter_charset_new
    let parser: trawl_g_mime_parser_new_with_stream
    let constructMessage: trawl_g_mime_parser_construct_message
    let messageBody: trawl_g_mime_message_get_mime_part
    let writeObject: trawl_g_mime_object_write_to_stream
    let headerList: trawl_g_mime_object_get_header_list
    let contentType: trawl_g_mime_object_get_content_type
    let contentTypeParameter, dispositionParameter: trawl_g_mime_object_get_parameter
    let disposition, partFilename, mediaType, mediaSubtype, headerName, headerValue: trawl_g_mime_get_string
    let multipartCount, headerCount: trawl_g_mime_get_count
    let multipartPart, headerAt: trawl_g_mime_get_at
    let attachedMessage, partContent: trawl_g_mime_get_object
    let writeContent: trawl_g_mime_data_wrapper_write_to_stream
    let multipartType, messagePartType, partType: trawl_g_mime_get_type
    let isA: trawl_g_type_check_instance_is_a
    let ref: trawl_g_object_ref
    let unref: trawl_g_object_unref

    /// Loaded and GMime initialised once for the process (a `static let` is made once,
    /// whichever thread asks; `g_mime_init` is not safe to call from two threads at once).
    static let loaded: Result<Calls, LoadError> = Result { () throws(LoadError) in
        let calls = try Calls()
        calls.setUp()
        return calls
    }

    /// The loaded functions, or the reason GMime cannot be used, as a `MIMEError`.
    static func get() throws(MIMEError) -> Calls {
        switch loaded {
        case .success(let calls): return calls
        case .failure(let error): throw MIMEError(operation: "load GMime", message: error.description, libraryMissing: true)
        }
    }

    private init() throws(LoadError) {
        // The soname of Debian's libgmime-3.0-0; GObject's functions are found through it.
        let lib = try DynamicLibrary(["libgmime-3.0.so.0", "libgmime-3.0.so"])
        initialize = try lib.function("g_mime_init", as: trawl_g_mime_init.self)
        defaultOptions = try lib.function("g_mime_parser_options_get_default", as: trawl_g_mime_parser_options_get_default.self)
        setRFC2047Mode = try lib.function("g_mime_parser_options_set_rfc2047_compliance_mode", as: trawl_g_mime_parser_options_set_mode.self)
        setParameterMode = try lib.function("g_mime_parser_options_set_parameter_compliance_mode", as: trawl_g_mime_parser_options_set_mode.self)
        setAddressMode = try lib.function("g_mime_parser_options_set_address_compliance_mode", as: trawl_g_mime_parser_options_set_mode.self)
        setFallbackCharsets = try lib.function("g_mime_parser_options_set_fallback_charsets", as: trawl_g_mime_parser_options_set_fallback_charsets.self)
        memoryStream = try lib.function("g_mime_stream_mem_new", as: trawl_g_mime_stream_mem_new.self)
        memoryStreamWithBuffer = try lib.function("g_mime_stream_mem_new_with_buffer", as: trawl_g_mime_stream_mem_new_with_buffer.self)
        byteArray = try lib.function("g_mime_stream_mem_get_byte_array", as: trawl_g_mime_stream_mem_get_byte_array.self)
        filterStream = try lib.function("g_mime_stream_filter_new", as: trawl_g_mime_stream_filter_new.self)
        filterAdd = try lib.function("g_mime_stream_filter_add", as: trawl_g_mime_stream_filter_add.self)
        flush = try lib.function("g_mime_stream_flush", as: trawl_g_mime_stream_flush.self)
        charsetFilter = try lib.function("g_mime_filter_charset_new", as: trawl_g_mime_filter_charset_new.self)
        parser = try lib.function("g_mime_parser_new_with_stream", as: trawl_g_mime_parser_new_with_stream.self)
        constructMessage = try lib.function("g_mime_parser_construct_message", as: trawl_g_mime_parser_construct_message.self)
        messageBody = try lib.function("g_mime_message_get_mime_part", as: trawl_g_mime_message_get_mime_part.self)
        writeObject = try lib.function("g_mime_object_write_to_stream", as: trawl_g_mime_object_write_to_stream.self)
        headerList = try lib.function("g_mime_object_get_header_list", as: trawl_g_mime_object_get_header_list.self)
        contentType = try lib.function("g_mime_object_get_content_type", as: trawl_g_mime_object_get_content_type.self)
        contentTypeParameter = try lib.function("g_mime_object_get_content_type_parameter", as: trawl_g_mime_object_get_parameter.self)
        dispositionParameter = try lib.function("g_mime_object_get_content_disposition_parameter", as: trawl_g_mime_object_get_parameter.self)
        disposition = try lib.function("g_mime_object_get_disposition", as: trawl_g_mime_get_string.self)
        partFilename = try lib.function("g_mime_part_get_filename", as: trawl_g_mime_get_string.self)
        mediaType = try lib.function("g_mime_content_type_get_media_type", as: trawl_g_mime_get_string.self)
        mediaSubtype = try lib.function("g_mime_content_type_get_media_subtype", as: trawl_g_mime_get_string.self)
        headerName = try lib.function("g_mime_header_get_name", as: trawl_g_mime_get_string.self)
        headerValue = try lib.function("g_mime_header_get_value", as: trawl_g_mime_get_string.self)
        multipartCount = try lib.function("g_mime_multipart_get_count", as: trawl_g_mime_get_count.self)
        headerCount = try lib.function("g_mime_header_list_get_count", as: trawl_g_mime_get_count.self)
        multipartPart = try lib.function("g_mime_multipart_get_part", as: trawl_g_mime_get_at.self)
        headerAt = try lib.function("g_mime_header_list_get_header_at", as: trawl_g_mime_get_at.self)
        attachedMessage = try lib.function("g_mime_message_part_get_message", as: trawl_g_mime_get_object.self)
        partContent = try lib.function("g_mime_part_get_content", as: trawl_g_mime_get_object.self)
        writeContent = try lib.function("g_mime_data_wrapper_write_to_stream", as: trawl_g_mime_data_wrapper_write_to_stream.self)
        multipartType = try lib.function("g_mime_multipart_get_type", as: trawl_g_mime_get_type.self)
        messagePartType = try lib.function("g_mime_message_part_get_type", as: trawl_g_mime_get_type.self)
        partType = try lib.function("g_mime_part_get_type", as: trawl_g_mime_get_type.self)
        isA = try lib.function("g_type_check_instance_is_a", as: trawl_g_type_check_instance_is_a.self)
        ref = try lib.function("g_object_ref", as: trawl_g_object_ref.self)
        unref = try lib.function("g_object_unref", as: trawl_g_object_unref.self)
    }

    /// GMime's global state (its type registry, charset tables and the default parser options).
    /// The default options are shared by every parse; they are set here, before any thread
    /// parses, and never changed after (a header keeps a pointer to the options it was read
    /// with and decodes its value lazily, so per-parse options would have to outlive the tree).
    private func setUp() {
        initialize()
        let options = defaultOptions()
        setRFC2047Mode(options, Int32(TRAWL_GMIME_RFC_COMPLIANCE_LOOSE))
        setParameterMode(options, Int32(TRAWL_GMIME_RFC_COMPLIANCE_LOOSE))
        setAddressMode(options, Int32(TRAWL_GMIME_RFC_COMPLIANCE_LOOSE))
        withCStrings(GMimeLibrary.fallbackCharsets) { setFallbackCharsets(options, $0) }
    }
}

/// What the module says of GMime as a whole.
public enum GMimeLibrary {
    /// Charsets tried, in order, for 8-bit header text that declares none: UTF-8, then the
    /// Windows superset of Latin-1 that mail clients in Western locales write, then Latin-1
    /// itself, which every byte sequence is (GMime's advice: start with UTF-8, end with it).
    public static let fallbackCharsets = ["UTF-8", "windows-1252", "iso-8859-1"]
}

/// One header: its name as written and its value unfolded and decoded to UTF-8.
public struct MIMEHeader: Sendable, Equatable {
    public let name: String
    public let value: String
}

/// A parsed message: its headers and its body, the root of the entity tree.
public final class MIMEMessage {
    let calls: Calls
    let message: UnsafeMutableRawPointer

    /// Parses `bytes` as one message (RFC 5322 headers, a blank line, a MIME body). GMime is
    /// lenient: text with no header block at all is still read, as a body.
    /// - Throws: `MIMEError` when GMime cannot be loaded, or constructs no message (the input
    ///   ends before a header).
    public init(parsing bytes: [UInt8]) throws(MIMEError) {
        let calls = try Calls.get()
        self.calls = calls
        let stream = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { calls.memoryStreamWithBuffer($0.baseAddress, $0.count) }
        }
        guard let stream else { throw MIMEError(operation: "g_mime_stream_mem_new_with_buffer", message: "no stream") }
        defer { calls.unref(stream) }
        guard let parser = calls.parser(stream) else {
            throw MIMEError(operation: "g_mime_parser_new_with_stream", message: "no parser")
        }
        defer { calls.unref(parser) }
        guard let message = calls.constructMessage(parser, nil) else {
            throw MIMEError(operation: "g_mime_parser_construct_message", message: "no message could be read")
        }
        self.message = message
    }

    /// Takes a reference of its own to a message found inside another.
    init(retaining message: UnsafeMutableRawPointer, _ calls: Calls) {
        _ = calls.ref(message)
        self.calls = calls
        self.message = message
    }

    deinit { calls.unref(message) }

    /// The message's own headers, in order.
    public var headers: [MIMEHeader] { headerList(calls.headerList(message), calls) }

    /// The body: the top-level entity, or nil for a message with none.
    public var body: MIMEEntity? {
        calls.messageBody(message).map { MIMEEntity(retaining: $0, calls) }
    }

    /// The message written out again (headers as they were read, bodies in their transfer
    /// encodings): the bytes of an attached message, to be read as a message of its own.
    /// - Throws: `MIMEError` when writing fails.
    public func serialized() throws(MIMEError) -> [UInt8] {
        try collect("g_mime_object_write_to_stream", calls) { calls.writeObject(message, nil, $0) }
    }
}

/// One entity of a message's tree.
public final class MIMEEntity {
    let calls: Calls
    let object: UnsafeMutableRawPointer

    init(retaining object: UnsafeMutableRawPointer, _ calls: Calls) {
        _ = calls.ref(object)
        self.calls = calls
        self.object = object
    }

    deinit { calls.unref(object) }

    /// What an entity holds.
    public enum Kind {
        /// A multipart, with its parts in order.
        case multipart([MIMEEntity])
        /// An attached message (message/rfc822 and its kin), nil when GMime could read none.
        case message(MIMEMessage?)
        /// A leaf: content of its own.
        case leaf
    }

    /// Whether the entity is of GMime's type `type` or a subtype of it.
    private func isA(_ type: trawl_g_mime_get_type) -> Bool { calls.isA(object, type()) != 0 }

    public var kind: Kind {
        if isA(calls.multipartType) {
            let count = max(0, Int(calls.multipartCount(object)))
            return .multipart((0..<count).compactMap { calls.multipartPart(object, Int32($0)).map { MIMEEntity(retaining: $0, calls) } })
        }
        if isA(calls.messagePartType) {
            return .message(calls.attachedMessage(object).map { MIMEMessage(retaining: $0, calls) })
        }
        return .leaf
    }

    /// The media type and subtype in lower case ("text/plain"); text/plain when none is given.
    public var mediaType: String {
        guard let type = calls.contentType(object) else { return "text/plain" }
        let major = calls.mediaType(type).map { String(cString: $0) } ?? "text"
        let minor = calls.mediaSubtype(type).map { String(cString: $0) } ?? "plain"
        return (major + "/" + minor).lowercased()
    }

    /// A parameter of the Content-Type header, decoded (RFC 2231 and encoded words).
    public func contentTypeParameter(_ name: String) -> String? {
        calls.contentTypeParameter(object, name).map { String(cString: $0) }
    }

    /// The disposition in lower case ("attachment", "inline"), nil when the entity has none.
    public var disposition: String? {
        calls.disposition(object).map { String(cString: $0).lowercased() }
    }

    /// The file name the sender gave: the disposition's filename, else the content type's name,
    /// decoded (RFC 2231 continuations and charsets, encoded words). Nil when there is none.
    public var filename: String? {
        if isA(calls.partType) {
            return calls.partFilename(object).map { String(cString: $0) }
        }
        let name = calls.dispositionParameter(object, "filename") ?? calls.contentTypeParameter(object, "name")
        return name.map { String(cString: $0) }
    }

    /// The entity's own headers, in order.
    public var headers: [MIMEHeader] { headerList(calls.headerList(object), calls) }

    /// A leaf's content with its transfer encoding (base64, quoted-printable, uuencode) undone;
    /// empty for an entity with no content of its own.
    /// - Throws: `MIMEError` when the content cannot be read.
    public func decodedContent() throws(MIMEError) -> [UInt8] {
        guard isA(calls.partType), let content = calls.partContent(object) else { return [] }
        return try collect("g_mime_data_wrapper_write_to_stream", calls) { calls.writeContent(content, $0) }
    }

    /// A leaf's content decoded and converted from `charset` to UTF-8 by iconv (any charset and
    /// alias the system knows). Nil when iconv knows no such charset.
    /// - Throws: `MIMEError` when the content cannot be read.
    public func decodedContent(convertingFrom charset: String) throws(MIMEError) -> [UInt8]? {
        guard isA(calls.partType), let content = calls.partContent(object) else { return [] }
        guard let filter = calls.charsetFilter(charset, "UTF-8") else { return nil }
        let calls = calls
        defer { calls.unref(filter) }
        return try collect("g_mime_data_wrapper_write_to_stream", calls) { sink in
            guard let filtered = calls.filterStream(sink) else { return -1 }
            defer { calls.unref(filtered) }
            _ = calls.filterAdd(filtered, filter)
            let written = calls.writeContent(content, filtered)
            // The filter holds back an incomplete sequence until it is flushed.
            return written < 0 || calls.flush(filtered) != 0 ? -1 : written
        }
    }
}

// MARK: - Inside the module

/// The headers of a header list, values decoded by GMime.
func headerList(_ list: UnsafeMutableRawPointer?, _ calls: Calls) -> [MIMEHeader] {
    guard let list else { return [] }
    let count = max(0, Int(calls.headerCount(list)))
    return (0..<count).compactMap { i in
        guard let header = calls.headerAt(list, Int32(i)) else { return nil }
        let name = calls.headerName(header).map { String(cString: $0) } ?? ""
        let value = calls.headerValue(header).map { String(cString: $0) } ?? ""
        return MIMEHeader(name: name, value: value)
    }
}

/// Runs `write` into a fresh memory stream and returns what it wrote.
/// - Throws: `MIMEError` naming `operation` when `write` returns a negative count.
func collect(_ operation: String, _ calls: Calls, _ write: (UnsafeMutableRawPointer) -> Int) throws(MIMEError) -> [UInt8] {
    guard let sink = calls.memoryStream() else { throw MIMEError(operation: "g_mime_stream_mem_new", message: "no stream") }
    defer { calls.unref(sink) }
    guard write(sink) >= 0 else { throw MIMEError(operation: operation, message: "the content could not be written") }
    guard let array = calls.byteArray(sink), let data = array.pointee.data else { return [] }
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
