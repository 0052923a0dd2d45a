// The YAML decisions file of earlier versions, read once to migrate it into the store.
import Foundation
import TrawlModel
import YAMLFiles

enum LegacyDecisionsFile {
    private struct File: Codable { var decisions: [Decision]? }

    /// The decisions of a YAML file.
    /// - Throws: `DecisionError` when the file is neither a decisions store nor a YAML decisions file.
    static func read(path: String) throws(DecisionError) -> [Decision] {
        guard let data = FileManager.default.contents(atPath: path) else { throw DecisionError("\(path): cannot read the decisions file") }
        do {
            return try YAMLFiles.decode(File.self, from: data).decisions ?? []
        } catch {
            throw DecisionError("\(path): neither a decisions store nor a YAML decisions file: \(error)")
        }
    }
}
