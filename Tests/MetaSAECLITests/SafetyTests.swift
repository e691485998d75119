import Foundation
import HDF5
import MetaSAEStore
import Testing

/// Surviving libhdf5, crash-safe writes, non-finite data and concurrency.
@Suite struct SafetyTests {
    static let example = CLI.repository.appendingPathComponent("examples/fixture-canonical.h5").path

    /// Under AddressSanitizer the child's SIGSEGV would become ASan's report
    /// and exit 1; this test is about a signal reaching the parent, so ASan
    /// leaves SIGSEGV alone here (it still checks every memory access).
    static let deliveredSegv = ([ProcessInfo.processInfo.environment["ASAN_OPTIONS"]].compactMap { $0 } + ["handle_segv=0"])
        .joined(separator: ":")

    /// Both places the check runs: the supervised child (the default) and
    /// a separate `__probe` process (for processes that cannot fork).
    static let checkPlaces: [[String: String]] = [[:], ["METASAE_DEBUG_PROBE_SPAWN": "1"]]

    @Test(arguments: checkPlaces)
    func aCrashingParserBecomesAClearError(place: [String: String]) throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("never")
        for command in ["describe", "validate", "analyze"] {
            let run = try CLI.run([command, Self.example] + (command == "analyze" ? ["--quiet", "--out", out.path] : []),
                                  environment: place.merging(["METASAE_DEBUG_PROBE_CRASH": "1", "ASAN_OPTIONS": Self.deliveredSegv]) { $1 })
            #expect(run.status == 68, "\(command): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("fixture-canonical.h5: corrupt or unsupported HDF5 file (libhdf5 crashed"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(arguments: checkPlaces)
    func aHangingParserTimesOut(place: [String: String]) throws {
        let started = Date()
        let run = try CLI.run(["validate", Self.example], timeout: 60,
                              environment: place.merging(["METASAE_DEBUG_PROBE_HANG": "1", "METASAE_PROBE_TIMEOUT": "2"]) { $1 })
        #expect(run.status == 68)
        #expect(run.stderr.contains("did not finish reading its metadata within 2 s"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test(arguments: ["inf", "nan", "-10", "0", "soon"])
    func anUnusableProbeTimeoutIsRefused(value: String) throws {
        let run = try CLI.run(["describe", Self.example], environment: ["METASAE_PROBE_TIMEOUT": value])
        #expect(run.status == 64, "\(run.status) \(run.stderr)")
        #expect(run.stderr.contains("METASAE_PROBE_TIMEOUT=\(value): expected a number of seconds"), "\(run.stderr)")
    }

    /// Kills a writer mid-output and checks the earlier file survived.
    static func killMidWrite(_ arguments: [String], folder: URL, output: URL) throws {
        let (sawTemporary, killed) = try CLI.killOnceWriting(arguments, folder: folder, blockDelayMilliseconds: 60)
        #expect(sawTemporary, "no temporary output appeared")
        #expect(killed, "the writer ended before it could be killed")
        #expect(try String(contentsOf: output, encoding: .utf8) == "earlier output", "the earlier output was damaged")
    }

    @Test func killedTrainLeavesTheEarlierFileIntact() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("run.h5")
        try Data("earlier output".utf8).write(to: output)
        let arguments = ["train", "--out", output.path, "--quiet"] + RunCommandTests.tiny
        try Self.killMidWrite(arguments, folder: folder, output: output)
        let rerun = try CLI.run(arguments, timeout: 300, in: CLI.repository)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["run.h5"], "stray temporaries")
        #expect(try CanonicalFile(path: output.path).isCanonical)
    }

    @Test func killedAnalyzeLeavesEarlierResultsIntact() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("results.json")
        try Data("earlier output".utf8).write(to: output)
        let arguments = ["analyze", Self.example, "--out", folder.path, "--quiet", "--null-seeds", "0"]
        try Self.killMidWrite(arguments, folder: folder, output: output)
        let rerun = try CLI.run(arguments, timeout: 300)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.contains(".metasae-tmp-") })
        #expect(try String(contentsOf: output, encoding: .utf8).contains("\"depths\""))
    }

    @Test func nonFiniteActivationsAreRefusedOrExcluded() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nan.h5").path
        try FileManager.default.copyItem(atPath: Self.example, toPath: path)
        do {
            let dataset = try File.open(path, mode: .readWrite).root.dataset("depths/2/activations")
            var rows = try dataset.readRows(10..<12, as: Float.self)
            rows[3] = .nan
            rows[130] = .infinity
            rows[131] = -.infinity
            try rows.withUnsafeBufferPointer { try dataset.write(rows: 10..<12, from: $0) }
        }
        let refused = try CLI.run(["analyze", path, "--out", folder.appendingPathComponent("a").path, "--null-seeds", "0"])
        #expect(refused.status == 71, "\(refused.stderr)")
        #expect(refused.stderr.contains("depth 2: 3 NaN or infinite activation value(s) in 2 row(s)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let excluded = try CLI.run(["analyze", path, "--out", folder.appendingPathComponent("b").path, "--null-seeds", "0", "--nonfinite", "exclude", "--quiet"])
        #expect(excluded.status == 0, "\(excluded.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("b/results.json"))) as! [String: Any]
        let rows = results["depths"] as! [[String: Any]]
        let depth2 = try #require(rows.first { ($0["depth"] as? Int) == 2 })
        #expect(depth2["excludedRows"] as? Int == 2)
        // Non-finite values would be written as strings ("nan", "inf"), so each must be a finite number.
        for row in rows {
            let depth = try #require(row["depth"] as? Int)
            for metric in depth == 0 ? ["ODM"] : ["FRI", "CSP", "PDS", "LTES", "ODM"] {
                let value = try #require(row[metric] as? Double, "depth \(depth) \(metric): \(String(describing: row[metric]))")
                #expect(value.isFinite, "depth \(depth) \(metric)")
            }
        }
        let validate = try CLI.run(["validate", path])
        #expect(validate.status == 71, "\(validate.stdout)")
    }

    @Test func twoAnalysesOfOneFileRunAtOnce() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let group = DispatchGroup()
        let statuses = StatusBox()
        for index in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                let run = try? CLI.run(["analyze", Self.example, "--out", folder.appendingPathComponent("r\(index)").path, "--quiet", "--null-seeds", "1"])
                statuses.append(run?.status ?? -1)
                group.leave()
            }
        }
        group.wait()
        #expect(statuses.values == [0, 0])
    }

    /// This process's writer must hold the lock: it cannot if the runner
    /// turned HDF5's file locking off (as on some network file systems).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HDF5_USE_FILE_LOCKING"]?.uppercased() != "FALSE",
                   "HDF5_USE_FILE_LOCKING=FALSE in the test environment: no lock to collide with"))
    func aFileOpenForWritingGivesAClearMessage() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("busy.h5").path
        try FileManager.default.copyItem(atPath: Self.example, toPath: path)
        let writer = try File.open(path, mode: .readWrite)  // holds HDF5's write lock
        defer { writer.close() }
        let run = try CLI.run(["validate", path], environment: ["HDF5_USE_FILE_LOCKING": "TRUE"])
        #expect(run.status == 75, "\(run.status) \(run.stderr)")
        #expect(run.stderr.contains("another process has it open for writing"), "\(run.stderr)")
        #expect(run.stderr.contains("HDF5_USE_FILE_LOCKING"))
    }
}

final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int32] = []
    func append(_ value: Int32) { lock.lock(); stored.append(value); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return stored.sorted() }
}
