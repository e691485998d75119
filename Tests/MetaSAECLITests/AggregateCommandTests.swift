import Foundation
import Testing

/// `metasae aggregate` on analyses of the example file: what it refuses,
/// with which exit code, and what it warns about.
@Suite struct AggregateCommandTests {
    /// Two analyses of byte-identical copies of the example (different paths).
    static func twoAnalyses(in folder: URL) throws -> [URL] {
        try ["a", "b"].map { name in
            let file = folder.appendingPathComponent("\(name).h5")
            try FileManager.default.copyItem(atPath: AnalyzeCommandTests.example, toPath: file.path)
            let analysis = folder.appendingPathComponent(name)
            let run = try CLI.run(["analyze", file.path, "--out", analysis.path, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            return analysis.appendingPathComponent("results.json")
        }
    }

    @Test func poolsResultsFilesAndNotesIdenticalSeeds() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try Self.twoAnalyses(in: folder)
        let out = folder.appendingPathComponent("pooled")
        let run = try CLI.run(["aggregate"] + results.map(\.path) + ["--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("note: b has exactly the metrics of a: the same seed twice?"), "\(run.stdout)")
        #expect(run.stdout.contains("verdict over 2 seeds"))
        let report = try String(contentsOf: out.appendingPathComponent("aggregate.md"), encoding: .utf8)
        #expect(report.contains("| metric | S | ρ̄ [95% CI] | L | p | p (Holm) | seeds with ρ > 0 | steps significant | verdict |"))
        #expect(report.contains("the same seed twice?"))
        // The page holds the same report, with the figure inline and nothing from outside.
        let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("the same seed twice?") && page.contains("default-src 'none'"))
        #expect(!page.contains("http:") && !page.contains("https:"))
    }

    @Test func refusesWhatCannotBePooled() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try Self.twoAnalyses(in: folder)
        let out = folder.appendingPathComponent("pooled").path

        let one = try CLI.run(["aggregate", results[0].path, "--out", out])
        #expect(one.status == 65 && one.stderr.contains("at least 2 seeds"), "\(one.status) \(one.stderr)")
        let twice = try CLI.run(["aggregate", results[0].path, results[0].path, "--out", out])
        #expect(twice.status == 65 && twice.stderr.contains("same file"), "\(twice.status) \(twice.stderr)")

        let fewer = folder.appendingPathComponent("fewer")
        let subset = try CLI.run(["analyze", folder.appendingPathComponent("b.h5").path, "--depths", "1,2,3", "--out", fewer.path, "--quiet"])
        #expect(subset.status == 0, "\(subset.stderr)")
        let depths = try CLI.run(["aggregate", results[0].path, fewer.appendingPathComponent("results.json").path, "--out", out])
        #expect(depths.status == 65 && depths.stderr.contains("SAE depths"), "\(depths.status) \(depths.stderr)")

        let garbage = folder.appendingPathComponent("garbage.json")
        try Data("{\"tool\": 3}".utf8).write(to: garbage)
        let bad = try CLI.run(["aggregate", results[0].path, garbage.path, "--out", out])
        #expect(bad.status == 65 && bad.stderr.contains("not a metasae results.json"), "\(bad.status) \(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1)

        let missing = try CLI.run(["aggregate", results[0].path, "/nonexistent/results.json", "--out", out])
        #expect(missing.status == 66, "\(missing.status) \(missing.stderr)")
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try CLI.run(["aggregate", empty.path])
        #expect(none.status == 66 && none.stderr.contains("no results.json"), "\(none.status) \(none.stderr)")
        let noOut = try CLI.run(["aggregate"] + results.map(\.path))
        #expect(noOut.status == 64 && noOut.stderr.contains("--out"), "\(noOut.status) \(noOut.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "a refused aggregate wrote output")
    }
}
