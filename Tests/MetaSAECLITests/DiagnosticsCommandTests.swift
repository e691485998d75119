import Foundation
import Testing

/// The diagnostics as a user meets them: in results.json, results.csv,
/// report.md and diagnostics.svg, redrawn by `report`, left out on
/// request; and decoder-row meta-SAEs from `meta-sae` and `analyze --meta-sae`.
@Suite struct DiagnosticsCommandTests {
    static let file = CLI.repository.appendingPathComponent("Tests/Fixtures/diagnostics/diagnostics.h5").path

    static func depths(_ folder: URL) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as! [String: Any]
        return object["depths"] as! [[String: Any]]
    }

    @Test func analyzeWritesEveryOutputAndReportRedrawsThem() throws {
        let scratch = try CLI.scratch("diagnostics-analyze")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out")
        let run = try CLI.run(["analyze", Self.file, "--out", out.path, "--null-seeds", "0", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let depths = try Self.depths(out)
        #expect(depths.count == 4 && depths.allSatisfy { $0["diagnostics"] is [String: Any] })
        let deepest = try #require(depths.last?["diagnostics"] as? [String: Any])
        for key in ["interferenceRatio", "cumulativeFVU", "odmPositive", "inheritedShare", "ompExplainedShare", "ltesConsistencyIsFrequency"] {
            #expect(deepest[key] != nil, "\(key)")
        }
        let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").first?.contains(",interferenceRatio,") == true)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## What else the data says") && report.contains("LTES consistency equals activation frequency at every depth"))
        // `report` redraws the figure and the section from results.json alone.
        for name in ["report.md", "diagnostics.svg"] { try FileManager.default.removeItem(at: out.appendingPathComponent(name)) }
        let redrawn = try CLI.run(["report", out.appendingPathComponent("results.json").path, "--quiet"])
        #expect(redrawn.status == 0, "\(redrawn.stderr)")
        let svg = try String(contentsOf: out.appendingPathComponent("diagnostics.svg"), encoding: .utf8)
        #expect(svg.contains("data-metric=\"FVU₀\"") && svg.contains("data-metric=\"OMP share\""))
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8) == report)
    }

    @Test func diagnosticsCanBeLeftOut() throws {
        let scratch = try CLI.scratch("diagnostics-off")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = try CLI.run(["analyze", Self.file, "--out", scratch.path, "--null-seeds", "0", "--no-diagnostics", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.depths(scratch).allSatisfy { $0["diagnostics"] == nil })
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("diagnostics.svg").path))
        let report = try String(contentsOf: scratch.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(!report.contains("What else the data says"))
    }

    @Test(arguments: [["--meta-k", "0"], ["--meta-width", "0"], ["--meta-epochs", "0"], ["--no-diagnostics", "--meta-sae"]])
    func badMetaSAEOptionsAreUsageErrors(options: [String]) throws {
        let run = try CLI.run(["analyze", Self.file, "--out", "/tmp/unused"] + options)
        #expect(run.status == 64, "\(options): \(run.stderr)")
    }

    /// The same cascade as SAELens folders and as the canonical file
    /// converted from them: the same weights, so the same meta-SAEs.
    @Test func metaSAEGivesTheSameNumbersForFoldersAndTheirConversion() throws {
        let scratch = try CLI.scratch("meta-sae")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = CLI.repository.appendingPathComponent("Tests/Fixtures/saelens/relu")
        let converted = scratch.appendingPathComponent("relu.h5")
        #expect(try CLI.run(["convert", folder.path, converted.path, "--quiet"]).status == 0)
        var tables: [[[String: Any]]] = []
        for (input, name) in [(folder.path, "a.json"), (converted.path, "b.json")] {
            let out = scratch.appendingPathComponent(name)
            let run = try CLI.run(["meta-sae", input, "--meta-epochs", "60", "--out", out.path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("depth  directions  width  explained  random"))
            tables.append(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [[String: Any]])
        }
        #expect(tables[0].count == 3)
        for (a, b) in zip(tables[0], tables[1]) {
            let x = try #require(a["outcome"] as? [String: Any])
            let y = try #require(b["outcome"] as? [String: Any])
            #expect(x["rows"] as? Int == 24 || x["rows"] as? Int == 20)
            for key in ["explained", "random"] {
                let (p, q) = (x[key] as! Double, y[key] as! Double)
                #expect(p > 0 && p <= 1 && abs(p - q) < 1e-9, "\(key): \(p) vs \(q)")
            }
        }
        // analyze --meta-sae puts the same kind of numbers in results.json.
        let out = scratch.appendingPathComponent("analysis")
        let run = try CLI.run(["analyze", converted.path, "--out", out.path, "--null-seeds", "0", "--meta-sae", "--meta-epochs", "60", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        for (row, table) in zip(try Self.depths(out).filter { ($0["depth"] as! Int) >= 1 }, tables[1]) {
            let diagnostics = try #require(row["diagnostics"] as? [String: Any])
            let outcome = try #require(table["outcome"] as? [String: Any])
            #expect(diagnostics["metaSAEExplained"] as? Double == outcome["explained"] as? Double)
        }
    }
}
