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
// (`&birth` / `*birth`) still work. Scalars are decoded by the type asked for (a `String` field
// takes "123", a `Bool` field "true"), as before.
import Foundation
import Yams

package enum YAMLFiles {
    /// The value of type `T` the YAML document in `data` (UTF-8) holds.
    /// - Throws: Yams' parse errors, `DecodingError` for a value of the wrong shape, and
    ///   `YamlError.dataCouldNotBeDecoded` for bytes that are not UTF-8.
    package static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard let text = String(data: data, encoding: .utf8) else { throw YamlError.dataCouldNotBeDecoded(encoding: .utf8) }
        let parser = try Parser(yaml: text, resolver: .basic)
        // The parser holds the anchors that aliases refer to: kept alive while the node is decoded.
        return try withExtendedLifetime(parser) {
            try YAMLDecoder().decode(T.self, from: try parser.singleRoot() ?? "")
        }
    }
}
