import AtomicityMetrics
import Foundation
import MetaSAEReport
import MetaSAEStore

/// Writing an aggregate: aggregate.json, aggregate.csv, aggregate-depths.csv,
/// aggregate.svg, aggregate.md and report.html (and aggregate.png with --png).
enum AggregateFolder {
    static func write(_ results: AggregateResults, to folder: String, figures: PNGOption = PNGOption()) throws -> [String] {
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        let outputs: [(String, Data)] = [
            ("aggregate.json", try ResultsJSON.encode(value: results)),
            ("aggregate.csv", Data(AggregateCSV.summary(results).utf8)),
            ("aggregate-depths.csv", Data(AggregateCSV.depths(results).utf8)),
            ("aggregate.svg", Data(AggregateFigure.svg(for: results).utf8)),
            ("aggregate.md", Data(AggregateReport.render(results).utf8)),
            (FeatureBrowserPage.fileName, Data(FeatureBrowserPage.render(aggregate: results).utf8)),
        ]
        var written: [String] = []
        for (name, data) in outputs {
            try AtomicOutput.write(data, to: path(name))
            written.append(path(name))
        }
        if let png = figures.copy(of: path("aggregate.svg")) { written.append(png) }
        return written
    }

    /// Prints what `aggregate` and `run --seeds` end with: the table, the
    /// files written and the verdict.
    static func announce(_ results: AggregateResults, written: [String]) {
        print(AggregateTable.render(results), terminator: "")
        for path in written { print("wrote \(path)") }
        print(results.verdict.line)
    }
}
