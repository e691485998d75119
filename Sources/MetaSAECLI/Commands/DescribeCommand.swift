import ArgumentParser
import Foundation
import HDF5
import MetaSAEStore

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show what is inside any HDF5 file, safetensors file or SAELens SAE folder.",
        discussion: """
            Prints every group and dataset with dtype (byte order, float16), shape and max \
            shape, chunks, filters, stored vs logical bytes, and attributes. For canonical \
            files a summary comes first: depths and widths, chain consistency, examples per \
            class, per-depth L0 and dead-feature fraction (from the first \
            \(CanonicalSummary.sampleRows) rows), and schema conformance. Soft and external \
            links are listed, never followed. A .safetensors file shows its tensors (dtype, \
            shape, bytes) and metadata; a SAELens SAE folder (or a folder of them) its cfg.json \
            as SAELens reads it, then its tensors.
            """)

    @Argument(help: "The HDF5 file, safetensors file or SAELens folder to describe.")
    var file: String

    @Flag(help: "Print the same information as JSON.")
    var json = false

    @Option(help: "Longest attribute value shown in full, in characters.")
    var attributeWidth = 60

    func run() throws {
        try reportingFailures(naming: file) {
            if let report = try SAELensReport.ifApplicable(file) {
                print(json ? try JSONOutput.string(report) : report.text, terminator: json ? "\n" : "")
                return
            }
            try InputFile.admit(file)
            let description = try FileReport(path: file)
            if json {
                print(try JSONOutput.string(description))
            } else {
                print(DescribeRenderer(attributeWidth: attributeWidth).render(description), terminator: "")
            }
            // Whatever could be read is shown; damaged objects still make it a failure.
            let damaged = description.objects.filter(\.isDamaged)
            if let broken = damaged.first {
                let count = damaged.count
                throw CommandFailure(status: .corrupt, description: "\(file): \(count) object(s) could not be read, first \(broken.path): \(broken.problem!)")
            }
        }
    }
}

/// The whole of `describe`'s answer, also its JSON form.
struct FileReport: Codable {
    var file: String
    var fileBytes: Int?
    /// Present only for files that carry the canonical schema marker.
    var canonical: CanonicalSummary?
    var objects: [ObjectDescription]

    init(path: String) throws {
        let canonicalFile = try CanonicalFile(path: path)
        file = path
        fileBytes = try? canonicalFile.file.fileSize
        objects = try canonicalFile.file.describeObjects()
        if canonicalFile.isCanonical {
            canonical = try CanonicalSummary(file: canonicalFile)
        }
    }
}
