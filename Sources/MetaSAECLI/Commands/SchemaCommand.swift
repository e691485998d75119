import ArgumentParser
import Foundation
import MetaSAEStore

/// Prints the canonical layout as JSON (what `schemas/canonical-v1.json` holds).
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the canonical file layout (version 1) as JSON.")

    func run() throws {
        try reportingFailures {
            print(try LayoutSchema.canonicalV1.encodedJSON())
        }
    }
}

extension LayoutSchema {
    /// Stable, pretty JSON with sorted keys: the form committed in `schemas/`.
    public func encodedJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
