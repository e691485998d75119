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
            print(try JSONOutput.string(LayoutSchema.canonicalV1))
        }
    }
}
