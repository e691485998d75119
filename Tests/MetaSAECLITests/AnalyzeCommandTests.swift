import Foundation
import Testing

/// `metasae analyze` end to end, against the seed's numbers on the fixture.
@Suite struct AnalyzeCommandTests {
    struct Results: Decodable {
        struct Row: Decodable { var depth: Int; var FRI: Double?; var CSP: Double?; var PDS: Double?; var LTES: Double?; var ODM: Double? }
        struct Trend: Decodable { var n: Int }
        struct Input: Decodable { var path: String; var examples: Int; var widths: [Int] }
        struct Verdict: Decodable { var line: String; var conclusion: String }
        var depths: [Row]
        var trends: [String: Trend]
        var input: Input
        var verdict: Verdict
    }

    static let example = CLI.repository.appendingPathComponent("examples/fixture-canonical.h5").path

    /// PNG copies only with --png; without rsvg-convert, a warning and no file.
    @Test func pngCopiesOnlyWhenAsked() throws {
        let scratch = try CLI.scratch("analyze-png")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let plain = scratch.appendingPathComponent("plain")
        let run = try CLI.run(["analyze", Self.example, "--out", plain.path, "--null-seeds", "0", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: plain.appendingPathComponent("atomicity.png").path))
        let asked = scratch.appendingPathComponent("asked")
        let noTool = try CLI.run(["analyze", Self.example, "--out", asked.path, "--null-seeds", "0", "--quiet", "--png"],
                                 environment: ["PATH": scratch.path])
        #expect(noTool.status == 0 && noTool.stderr.contains("rsvg-convert is not installed"), "\(noTool.status) \(noTool.stderr)")
        #expect(!FileManager.default.fileExists(atPath: asked.appendingPathComponent("atomicity.png").path))
        if PNGTool.installed {
            let drawn = try CLI.run(["analyze", Self.example, "--out", asked.path, "--null-seeds", "0", "--quiet", "--png"])
            #expect(drawn.status == 0, "\(drawn.stderr)")
            let png = try Data(contentsOf: asked.appendingPathComponent("atomicity.png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
    }

    @Test func writesResultsThatMatchTheSeed() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["analyze", Self.example, "--out", folder.path, "--null-seeds", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "progress must be silent when stderr is not a terminal: \(run.stderr)")
        #expect(run.stdout.contains("verdict:"))
        #expect(run.stdout.contains("Spearman ρ"))
        let data = try Data(contentsOf: folder.appendingPathComponent("results.json"))
        let results = try JSONDecoder().decode(Results.self, from: data)
        #expect(results.input.examples == 2000)
        #expect(results.input.widths == [64, 128, 128, 128, 128, 128])
        try SeedReference.expectMatches(resultsJSON: folder.appendingPathComponent("results.json"))
        let csv = try String(contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        // The seed's columns first, then the diagnostics under their results.json names.
        #expect(lines.first?.hasPrefix("depth,width,FRI,CSP,PDS,LTES,ODM,mean_L0,alive_latents,interferenceRatio,") == true)
        #expect(lines.count == 7)
        // The CSV's LTES at depth 3 is the JSON's.
        let depth3 = lines[4].split(separator: ",", omittingEmptySubsequences: false)
        #expect(Double(depth3[5]) == results.depths.first { $0.depth == 3 }?.LTES)
    }

    @Test func selectsDepthsAndMetricsAndDefaultsTheOutputFolder() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("exp.h5")
        try FileManager.default.copyItem(atPath: Self.example, toPath: copy.path)
        let run = try CLI.run(["analyze", copy.path, "--depths", "1,3", "--metrics", "pds,CSP", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty && run.stderr.isEmpty)
        let data = try Data(contentsOf: folder.appendingPathComponent("exp-analysis/results.json"))
        let results = try JSONDecoder().decode(Results.self, from: data)
        let saeRows = results.depths.filter { $0.CSP != nil }
        #expect(saeRows.map(\.depth) == [1, 3])
        #expect(results.depths.allSatisfy { $0.FRI == nil && $0.LTES == nil })
        let pds3 = try #require(results.depths.first { $0.depth == 3 }?.PDS)
        #expect(abs(pds3 - SeedReference.values["PDS"]!["3"]!) < 1e-6)
    }

    @Test(arguments: [
        ["--depths", "0"], ["--depths", "9"], ["--metrics", "XYZ"], ["--fri-examples", "-3"], ["--ltes-examples", "some"],
    ])
    func badOptionsAreUsageErrors(options: [String]) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("never-written")
        let run = try CLI.run(["analyze", Self.example, "--out", out.path] + options)
        #expect(run.status == 64 || run.status == 70, "\(options): \(run.status) \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "\(options): a refused run wrote output")
        #expect(!run.stderr.isEmpty)
        #expect(!run.stderr.contains("HDF5-DIAG"))
    }

    /// A thread count that is not a whole number from 1 is refused before
    /// any work, by every command; a large one is capped, not refused.
    @Test func unusableThreadCountsAreRefused() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("never-written")
        for (name, value) in [("METASAE_THREADS", "two"), ("METASAE_READ_THREADS", "0"), ("METASAE_THREADS", "-3"), ("METASAE_READ_THREADS", "1.5")] {
            for arguments in [["analyze", Self.example, "--out", out.path], ["describe", Self.example]] {
                let refused = try CLI.run(arguments, environment: [name: value])
                #expect(refused.status == 64 && refused.stderr.contains("\(name)=\(value): expected a whole number of threads"),
                        "\(arguments[0]) \(name)=\(value): \(refused.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let capped = try CLI.run(["describe", Self.example], environment: ["METASAE_THREADS": "1000", "METASAE_READ_THREADS": "1000"])
        #expect(capped.status == 0, "\(capped.stderr)")
    }

    /// METASAE_KERNEL forces a kernel (same results to rounding); a value
    /// it does not know is a usage error, with nothing written.
    @Test func kernelChoiceFromTheEnvironment() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("never-written")
        let refused = try CLI.run(["analyze", Self.example, "--out", out.path], environment: ["METASAE_KERNEL": "gpu"])
        #expect(refused.status == 64 && refused.stderr.contains("METASAE_KERNEL=gpu: choose auto, dense or sparse"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        var odm: [String: [Double?]] = [:]
        for kernel in ["dense", "sparse"] {
            let folder = scratch.appendingPathComponent(kernel)
            let run = try CLI.run(["analyze", Self.example, "--out", folder.path, "--quiet", "--no-diagnostics"],
                                  environment: ["METASAE_KERNEL": kernel])
            #expect(run.status == 0, "\(kernel): \(run.stderr)")
            let results = try JSONDecoder().decode(Results.self, from: Data(contentsOf: folder.appendingPathComponent("results.json")))
            odm[kernel] = results.depths.map(\.ODM)
        }
        let (dense, sparse) = (try #require(odm["dense"]), try #require(odm["sparse"]))
        #expect(dense.count == sparse.count && zip(dense, sparse).allSatisfy { a, b in
            guard let a, let b else { return a == nil && b == nil }
            return abs(a - b) <= 1e-5 * max(abs(b), 1e-6)
        }, "\(dense) vs \(sparse)")
        // The Float32 Gram and the Float64 sparse sums round differently: equal bits would mean no kernel was forced.
        #expect(dense != sparse)
    }

    @Test func reportCommandRedrawsFromResultsJSON() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLI.run(["analyze", Self.example, "--out", folder.path, "--quiet"]).status == 0)
        let redrawn = folder.appendingPathComponent("redrawn")
        let run = try CLI.run(["report", folder.appendingPathComponent("results.json").path, "--out", redrawn.path])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try String(contentsOf: redrawn.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("![FRI, CSP, PDS and LTES against depth](atomicity.svg)"))
        #expect(report.contains("| examples (N) | 2000 |"))
        #expect(report.contains("## Caveats"))
        #expect(report.contains("784-256-64-10 relu"))
        let svg = try String(contentsOf: redrawn.appendingPathComponent("atomicity.svg"), encoding: .utf8)
        #expect(svg == (try String(contentsOf: folder.appendingPathComponent("atomicity.svg"), encoding: .utf8)))
        let bad = try CLI.run(["report", CLI.repository.appendingPathComponent("Tests/Fixtures/h5py/expected.json").path, "--out", redrawn.path])
        #expect(bad.status == 65 && bad.stderr.contains("not a metasae results.json"))
    }

    @Test func nullModelsAreReported() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run(["analyze", Self.example, "--out", folder.path, "--null-seeds", "2", "--depths", "1,2"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as! [String: Any]
        let nulls = try #require(object["nullModels"] as? [String: Any])
        #expect((nulls["seeds"] as? [Int]) == [1000, 1001])
        #expect((nulls["cascades"] as? [Any])?.count == 2)
        let csv = try String(contentsOf: folder.appendingPathComponent("results.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("depth,width,FRI,CSP,PDS,LTES,ODM,mean_L0,alive_latents,null_FRI_mean,null_FRI_std"))
    }
}

/// Whether rsvg-convert is on this machine's PATH.
enum PNGTool {
    static var installed: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/rsvg-convert") }
    }
}
