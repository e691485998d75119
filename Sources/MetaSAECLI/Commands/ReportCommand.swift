import ArgumentParser
import Foundation
import AtomicityMetrics
import MetaSAEReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw the figure and write the report from a results.json.",
        discussion: """
            Writes atomicity.svg (the seed's 2×2 figure: each metric against depth, the \
            dashed least-squares trend, a ρ / t-test p / exact p box, and the null-model \
            mean ± 1 sd as a shaded band), report.md (provenance, figure, per-depth table \
            with ODM and null values, trend tests, verdict, diagnostics and caveats), \
            diagnostics.svg (when the results carry diagnostics), results.csv and report.html \
            (with the latent browser when features.json lies beside RESULTS), into --out \
            (default: the folder of RESULTS). With --png, PNG copies of the figures too.
            """)

    @Argument(help: "A results.json written by `metasae analyze` or `metasae run`.")
    var results: String

    @Option(help: "Output folder (default: beside RESULTS).")
    var out: String?

    @OptionGroup var figures: PNGOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        try reportingFailures(naming: results) {
            let decoded = try ResultsFile.read(results)
            let folder = try OutputFolder.prepare(out ?? URL(fileURLWithPath: results).deletingLastPathComponent().path)
            let features = try ResultsFile.features(besides: results, for: decoded)
            let featuresJSON = try features.map { try ResultsJSON.encodeCompact(value: $0) }
            let written = try ResultsFolder.writeReport(decoded, featuresJSON: featuresJSON, to: folder, figures: figures)
            if !quiet {
                print(ResultsTable.render(decoded), terminator: "")
                print(decoded.verdict.line)
                for path in written { print("wrote \(path)") }
            }
        }
    }
}
