// Decoding Trawl's YAML files (patterns, policy, decisions) into their Codable types. It knows
// nothing of what the files mean.
//
// Why not `YAMLDecoder().decode(_:from: Data)`: decoding the fourteen pattern files that way was
// some 20 ms of every run's start-up. Yams parses with a resolver that runs a regular expression
// on a scalar's text each time two nodes are compared (every key looked up in a mapping), works
// out its default encoding from a copy of the whole environment three times a file, and asks
// the Swift runtime about protocol conformances at every value (see `NodeDecoder`). Here Yams
// only parses, with the basic resolver (no rules: merge keys `<<: *anchor` are not supported,
// and none of our files uses them; anchors and aliases `&birth` / `*birth` are), and
// `NodeDecoder` decodes. A test decodes every file of Patterns/ both ways and requires the same
// values.
import Foundation
import Yams

package enum YAMLFiles {
    /// The value of type `T` the YAML document in `data` (UTF-8) holds.
    /// - Throws: Yams' parse errors, `DecodingError` for a value of the wrong shape (with its
    ///   line), and `YamlError.dataCouldNotBeDecoded` for bytes that are not UTF-8.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard let text = String(data: data, encoding: .utf8) else { throw YamlError.dataCouldNotBeDecoded(encoding: .utf8) }
        // Aliases are resolved as the document is parsed: each is a copy of the node its anchor names.
        guard let root = try Parser(yaml: text, resolver: .basic, encoding: .utf8).singleRoot() else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the file holds no YAML document"))
        }
        return try T(from: NodeDecoder(root))
    }
}
