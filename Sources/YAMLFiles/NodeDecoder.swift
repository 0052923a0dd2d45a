// A `Decoder` over a parsed YAML node: scalars become the type asked for, mappings keyed
// containers, sequences unkeyed ones.
//
// Why our own, rather than Yams' `YAMLDecoder`: Yams' decoder asks at every value whether the
// type asked for conforms to one of its protocols (`as? ScalarConstructible.Type`, anchors,
// tags), and each first question about a type makes the Swift runtime search every conformance
// of every loaded library. With some fifty types that was a quarter of trawl's start-up, for
// every scan. Here the standard library's typed `decode` overloads say what a scalar must be,
// with no casts, and a mapping's keys are looked up in a dictionary made once. Values are read
// as Yams reads them (a test compares both on every file of Patterns/): a scalar is a string, a
// number or a flag as the field's type says; null is a plain ~, null or nothing (Yams' parser
// rejects a repeated key). Errors carry the line of the YAML they are about.
import Yams

struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: Node, path: [any CodingKey] = []) {
        self.node = node
        self.codingPath = path
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else { throw mismatch(node, [String: Any].self, codingPath, expected: "a mapping") }
        return KeyedDecodingContainer(MappingContainer<Key>(mapping, path: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else { throw mismatch(node, [Any].self, codingPath, expected: "a list") }
        return SequenceContainer(Array(sequence), path: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { ScalarContainer(node, path: codingPath) }
}

/// Where in the file a node is, for error messages ("line 12").
private func place(_ node: Node) -> String { node.mark.map { "line \($0.line)" } ?? "the document" }

private func mismatch(_ node: Node, _ type: Any.Type, _ path: [any CodingKey], expected: String? = nil) -> DecodingError {
    let what: String
    switch node {
    case .scalar(let s): what = "'\(s.string)'"
    case .mapping: what = "a mapping"
    case .sequence: what = "a list"
    case .alias: what = "an alias"
    }
    return .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(expected ?? "\(type)") at \(place(node)), found \(what)"))
}

/// Null as Yams reads it: a plain scalar that is empty, ~ or null.
private func isNull(_ node: Node) -> Bool {
    guard case .scalar(let s) = node, s.style == .plain else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(s.string)
}

/// A key of an array's elements, or of a dictionary: the standard library's types need one.
private struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

private struct ScalarContainer: SingleValueDecodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    init(_ node: Node, path: [any CodingKey]) {
        self.node = node
        self.codingPath = path
    }

    private func text<T>(_ type: T.Type) throws -> String {
        guard case .scalar(let s) = node else { throw mismatch(node, type, codingPath) }
        return s.string
    }

    private func parsed<T>(_ type: T.Type, _ parse: (String) -> T?) throws -> T {
        guard let value = parse(try text(type)) else { throw mismatch(node, type, codingPath) }
        return value
    }

    func decodeNil() -> Bool { isNull(node) }
    func decode(_ type: String.Type) throws -> String { try text(type) }
    func decode(_ type: Bool.Type) throws -> Bool {
        try parsed(type) { s in
            switch s.lowercased() {
            case "true", "yes", "on": true
            case "false", "no", "off": false
            default: nil
            }
        }
    }
    func decode(_ type: Int.Type) throws -> Int { try parsed(type) { Int($0.replacingOccurrences(of: "_", with: "")) } }
    func decode(_ type: Double.Type) throws -> Double { try parsed(type) { Double($0) } }
    func decode(_ type: Float.Type) throws -> Float { try parsed(type) { Float($0) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try parsed(type) { Int8($0) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try parsed(type) { Int16($0) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try parsed(type) { Int32($0) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try parsed(type) { Int64($0) } }
    func decode(_ type: UInt.Type) throws -> UInt { try parsed(type) { UInt($0) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try parsed(type) { UInt8($0) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try parsed(type) { UInt16($0) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try parsed(type) { UInt32($0) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try parsed(type) { UInt64($0) } }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: NodeDecoder(node, path: codingPath)) }
}

private struct MappingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let codingPath: [any CodingKey]
    private let mapping: Node.Mapping
    /// Each key's value, looked up by its text.
    private let values: [String: Node]

    init(_ mapping: Node.Mapping, path: [any CodingKey]) {
        self.mapping = mapping
        self.codingPath = path
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            if case .scalar(let k) = key { values[k.string] = value }
        }
        self.values = values
    }

    var allKeys: [Key] {
        mapping.compactMap { key, _ in
            guard case .scalar(let k) = key else { return nil }
            return Key(stringValue: k.string)
        }
    }

    func contains(_ key: Key) -> Bool { values[key.stringValue] != nil }

    private func value(_ key: Key) throws -> Node {
        guard let node = values[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                                                       debugDescription: "no '\(key.stringValue)' in the mapping at \(place(.mapping(mapping)))"))
        }
        return node
    }

    func decodeNil(forKey key: Key) throws -> Bool { isNull(try value(key)) }
    // One generic decode serves every type, scalars too: a `String` or `Int` decodes itself from
    // a single-value container, whose typed overloads read the scalar.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: NodeDecoder(try value(key), path: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(try value(key), path: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(try value(key), path: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { NodeDecoder(.mapping(mapping), path: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { NodeDecoder(try value(key), path: codingPath + [key]) }
}

private struct SequenceContainer: UnkeyedDecodingContainer {
    let codingPath: [any CodingKey]
    private let elements: [Node]
    private(set) var currentIndex = 0

    init(_ elements: [Node], path: [any CodingKey]) {
        self.elements = elements
        self.codingPath = path
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element's decoder, moving past it.
    private mutating func next<T>(_ type: T.Type) throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "the list has no more elements"))
        }
        defer { currentIndex += 1 }
        return NodeDecoder(elements[currentIndex], path: codingPath + [IndexKey(intValue: currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, isNull(elements[currentIndex]) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let d = try next(type)
        return try d.singleValueContainer().decode(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next([String: String].self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next([String].self).unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
}
