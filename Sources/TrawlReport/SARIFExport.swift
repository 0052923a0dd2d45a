// SARIF 2.1.0 export of a report's findings, for the code-scanning and defect-tracking tools IT
// already runs (docs/export.md). One run; one rule per personal-data type; one result per
// finding, at its file (an archive's members named as a logical location) and line, with its
// masked value and fingerprint. Values are never written, even from a report made with
// --show-values: a SARIF file travels further than a report.
import Foundation
import TrawlModel

package enum SARIFExport {
    /// The schema the output is valid against (OASIS SARIF 2.1.0, errata 01).
    package static let schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    /// The SARIF log of every finding in `report`, as pretty-printed JSON.
    package static func sarif(_ report: LoadedReport) -> String {
        var types: [String] = []
        var results: [Result] = []
        for file in report.files {
            for finding in file.findings {
                if !types.contains(finding.type) { types.append(finding.type) }
                results.append(result(finding, in: file))
            }
        }
        types.sort()
        for i in results.indices { results[i].ruleIndex = types.firstIndex(of: results[i].ruleId) ?? 0 }
        let rules = types.map { type in
            Rule(id: type, name: type,
                 shortDescription: Text(text: "Personal data of the type \(type) (docs/patterns.md)."),
                 defaultConfiguration: Configuration(level: "warning"))
        }
        let log = Log(schema: schema, version: "2.1.0", runs: [
            Run(tool: Tool(driver: Driver(name: "trawl", version: report.begin.tool, rules: rules)),
                invocations: [Invocation(executionSuccessful: true, startTimeUtc: report.begin.started)],
                results: results,
                properties: ["report_schema": report.begin.schema, "key_id": report.begin.keyId]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every value is a string, number or record of them: encoding cannot fail.
        let data = (try? encoder.encode(log)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// SARIF's level for a finding: error for Confidential, warning for Restricted, note below;
    /// none for a finding that counts towards nothing (exempt, or decided a false positive).
    static func level(_ finding: FindingRecord) -> String {
        switch finding.level {
        case .confidential?: "error"
        case .restricted?: "warning"
        case nil: "none"
        default: "note"
        }
    }

    static func result(_ finding: FindingRecord, in file: FileRecord) -> Result {
        let members = (file.members ?? []).map { CSVExport.name($0) }
        let place = ([CSVExport.name(file.path)] + members).joined(separator: "!/")
        let l = finding.location
        var message = "\(finding.type) found: \(finding.masked) (file level \(file.level.rawValue))"
        if let exempt = finding.exempt { message += "; exempt: \(exempt.rawValue)" }
        var properties: [String: String] = [
            "masked": finding.masked, "pattern": finding.pattern, "confidence": finding.confidence.rawValue,
            "file_level": file.level.rawValue, "text_offset": String(l.offset),
        ]
        properties["level"] = finding.level?.rawValue
        properties["exempt"] = finding.exempt?.rawValue
        properties["part"] = l.part
        properties["cell"] = l.cell
        properties["column"] = l.column
        properties["evidence"] = finding.evidence.isEmpty ? nil : finding.evidence.joined(separator: "; ")
        var suppressions: [Suppression]?
        if let decision = finding.decision {
            properties["decision"] = decision.decision.rawValue
            if [.falsePositive, .ownData, .acceptedRisk].contains(decision.decision) {
                suppressions = [Suppression(kind: "external", status: "accepted",
                                            justification: "\(decision.decision.rawValue) by \(decision.by) at \(decision.at)"
                                                + (decision.note.map { ": \($0)" } ?? ""))]
            }
        }
        let region = l.line.map { Region(startLine: max(1, $0)) }
        let logical = members.isEmpty ? nil : [LogicalLocation(fullyQualifiedName: place, kind: "member")]
        return Result(ruleId: finding.type, ruleIndex: 0, level: level(finding), message: Text(text: message),
                      locations: [Location(physicalLocation: PhysicalLocation(artifactLocation: Artifact(uri: uri(file.path.raw)), region: region),
                                           logicalLocations: logical)],
                      partialFingerprints: ["trawl/v1": finding.fingerprint], suppressions: suppressions, properties: properties)
    }

    /// A path as a URI reference (`PercentEncoding.uri`): file:// for an absolute path, the
    /// share's URL for an SMB path, relative otherwise, every byte outside the unreserved set
    /// and "/" percent-encoded, so a name that is not UTF-8 keeps its exact bytes.
    static func uri(_ path: [UInt8]) -> String { PercentEncoding.uri(path) }

    // The SARIF objects written, by the names the standard gives them.
    struct Log: Encodable {
        var schema: String
        var version: String
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var results: [Result]
        var properties: [String: String]
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name: String
        var version: String
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Text
        var defaultConfiguration: Configuration
    }
    struct Configuration: Encodable { var level: String }
    struct Invocation: Encodable {
        var executionSuccessful: Bool
        var startTimeUtc: String
    }
    struct Text: Encodable { var text: String }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Text
        var locations: [Location]
        var partialFingerprints: [String: String]
        var suppressions: [Suppression]?
        var properties: [String: String]
    }
    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
        var logicalLocations: [LogicalLocation]?
    }
    struct PhysicalLocation: Encodable {
        var artifactLocation: Artifact
        var region: Region?
    }
    struct Artifact: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int }
    struct LogicalLocation: Encodable {
        var fullyQualifiedName: String
        var kind: String
    }
    struct Suppression: Encodable {
        var kind: String
        var status: String
        var justification: String
    }
}
