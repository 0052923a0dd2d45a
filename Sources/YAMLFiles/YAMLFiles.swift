// Decoding Trawl's YAML files (patterns, policy, decisions) into their Codable types. It knows
// nothing of what the files mean.
//
// Why not `YAMLDecoder().decode(_:from: Data)` as it is: that parses with a resolver holding the
// merge-key rule, and Yams resolves a scalar's tag (running the rule's regular expression) every
// time two nodes are compared, which it does for every key looked up in a mapping. Decoding the
// fourteen pattern files took some 10 ms of every run's 40 ms start-up, most of it there. Parsed
// with the basic resolver (no rules) and decoded from the node, the same files give the same
// values (a test decodes every file of Patterns/ both ways) in a third of the time. What that
// gives up: merge keys (`<<: *anchor`), which none of our files use; plain anchors and aliases
// (`&birth` / `*birth`) still work, and an anchor's name is never decoded as a value. Scalars are decoded by the type asked for (a `String` field
// takes "123", a `Bool` field "true"), as before.
import Foundation
import Yams

package enum YAMLFiles {
    /// The value of type `T` the YAML document in `data` (UTF-8) holds.
    /// - Throws: Yams' parse errors, `DecodingError` for a value of the wrong shape, and
    ///   `YamlError.dataCouldNotBeDecoded` for bytes that are not UTF-8.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard let text = String(data: data, encoding: .utf8) else { throw YamlError.dataCouldNotBeDecoded(encoding: .utf8) }
        // Aliases are resolved as the document is parsed: each is a copy of the node its anchor
        // names. The anchors are then left out, because a mapping that carries one makes Yams'
        // decoder compare its keys with a key of its own under the default tag rules, which
        // compiles all of their regular expressions (ICU) for one lookup.
        // The encoding given, and one decoder for the process: Yams works out its default
        // encoding from the environment (YAMS_DEFAULT_ENCODING), copying every variable into a
        // dictionary each time, three times per file. UTF-8 is what that default is on Linux.
        let root = try Parser(yaml: text, resolver: .basic, encoding: .utf8).singleRoot() ?? ""
        return try decoder.decode(T.self, from: withoutAnchors(root))
    }

    // SAFETY: decoding from a node only reads the decoder's options, which are never changed.
    private nonisolated(unsafe) static let decoder = YAMLDecoder(encoding: .utf8)

    /// `node` and everything in it, with no anchor names.
    static func withoutAnchors(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            scalar.anchor = nil
            return .scalar(scalar)
        case .mapping(var mapping):
            mapping.anchor = nil
            for i in mapping.indices {
                let (key, value) = mapping[i]
                mapping[i] = (withoutAnchors(key), withoutAnchors(value))
            }
            return .mapping(mapping)
        case .sequence(var sequence):
            sequence.anchor = nil
            for i in sequence.indices { sequence[i] = withoutAnchors(sequence[i]) }
            return .sequence(sequence)
        case .alias:
            return node
        }
    }
}
