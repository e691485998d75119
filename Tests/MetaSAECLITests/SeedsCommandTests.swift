import Foundation
import HDF5
import Testing

/// `metasae run --seeds` end to end on the bundled MNIST, killed and resumed
/// as a user's interrupted run would be, and `metasae aggregate` on what it
/// wrote.
@Suite(.serialized) struct SeedsCommandTests {
    static let arguments = ["run", "--seeds", "0-2"] + RunCommandTests.tiny

    /// The seed folders' files with their contents, to prove they stayed untouched.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let name = enumerator?.nextObject() as? String {
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// Starts the run and kills it (SIGKILL) once seed 0 is complete and
    /// seed 1 has begun; returns whether it was killed mid-way.
    static func killAfterFirstSeed(out: URL, in directory: URL) throws -> Bool {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = arguments + ["--out", out.path, "--quiet"]
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try File.startingChildProcess { try process.run() }
        let done = out.appendingPathComponent("seed-0/results.json").path
        let begun = out.appendingPathComponent("seed-1/plan.json").path
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning && Date() < deadline
                && !(FileManager.default.fileExists(atPath: done) && FileManager.default.fileExists(atPath: begun)) {
            usleep(2_000)
        }
        let killedMidway = process.isRunning && !FileManager.default.fileExists(atPath: out.appendingPathComponent("seed-1/metasae.h5").path)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return killedMidway
    }

    @Test func aKilledRunResumesKeepingEveryCompleteSeed() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("experiment")
        // From a folder outside the repository: the bundled MNIST is found
        // through the executable's location.
        #expect(try Self.killAfterFirstSeed(out: out, in: scratch), "the run was not caught between seeds")
        let seed0 = try Self.snapshot(out.appendingPathComponent("seed-0"))
        #expect(seed0["metasae.h5"] != nil && seed0["results.json"] != nil && seed0["plan.json"] != nil)

        let resumed = try CLI.run(Self.arguments + ["--out", out.path], timeout: 600, in: scratch)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("seed 0 (1 of 3): complete, kept"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("seed 1 (2 of 3): trained"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("seed 2 (3 of 3): trained"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("verdict over 3 seeds:"), "\(resumed.stdout)")
        #expect(try Self.snapshot(out.appendingPathComponent("seed-0")) == seed0, "a complete seed was rewritten")
        for name in ["aggregate.json", "aggregate.csv", "aggregate-depths.csv", "aggregate.svg", "aggregate.md"] {
            #expect(resumed.stdout.contains("wrote \(out.appendingPathComponent(name).path)"), "\(name)")
        }
        for seed in 0..<3 {
            let validate = try CLI.run(["validate", out.appendingPathComponent("seed-\(seed)/metasae.h5").path])
            #expect(validate.status == 0, "seed \(seed): \(validate.stdout)")
        }
        // Temporaries of the killed seed are gone.
        let leftovers = FileManager.default.enumerator(atPath: out.path)?.allObjects.compactMap { $0 as? String }.filter { $0.contains(".metasae-tmp-") }
        #expect(leftovers == [], "\(String(describing: leftovers))")

        // The aggregate holds every seed's own values.
        let aggregate = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("aggregate.json"))) as! [String: Any]
        let series = aggregate["series"] as! [[String: Any]]
        let fri = try #require(series.first { $0["name"] as? String == "FRI" })
        let perDepth = fri["perDepth"] as! [[String: Any]]
        for seed in 0..<3 {
            let results = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("seed-\(seed)/results.json"))) as! [String: Any]
            let depths = (results["depths"] as! [[String: Any]]).filter { ($0["depth"] as! Int) >= 1 }
            for (row, own) in zip(perDepth, depths) {
                #expect((row["values"] as! [Double])[seed] == own["FRI"] as? Double, "seed \(seed) depth \(row["depth"]!)")
            }
        }
        #expect((fri["seeds"] as? [String]) == ["seed-0", "seed-1", "seed-2"])

        // An uninterrupted run of the same seeds gives the same numbers.
        let straight = scratch.appendingPathComponent("straight")
        let uninterrupted = try CLI.run(Self.arguments + ["--out", straight.path, "--quiet"], timeout: 600, in: scratch)
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: straight.appendingPathComponent("aggregate.json"))) as! [String: Any]
        for key in ["series", "references", "verdict", "notes"] {
            #expect(NSArray(array: [aggregate[key] as Any]) == NSArray(array: [reference[key] as Any]), "aggregate.json \(key) differs from an uninterrupted run's")
        }

        // Analysis lost, file kept: the rerun analyzes without retraining.
        let seed2 = out.appendingPathComponent("seed-2")
        let trained = try Data(contentsOf: seed2.appendingPathComponent("metasae.h5"))
        try FileManager.default.removeItem(at: seed2.appendingPathComponent("results.json"))
        let again = try CLI.run(Self.arguments + ["--out", out.path], timeout: 600, in: scratch)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("seed 2 (3 of 3): kept the trained file"), "\(again.stdout)")
        #expect(try Data(contentsOf: seed2.appendingPathComponent("metasae.h5")) == trained)

        // Other options into the same folder: refused, nothing touched.
        let before = try Self.snapshot(out)
        let other = try CLI.run(["run", "--seeds", "0-2", "--out", out.path] + RunCommandTests.tiny.map { $0 == "3" ? "4" : $0 },
                                timeout: 120, in: scratch)
        #expect(other.status == 64, "\(other.status) \(other.stderr)")
        #expect(other.stderr.contains("training.depths: 3 there, 4 asked"), "\(other.stderr)")
        #expect(try Self.snapshot(out) == before)

        // `aggregate` on the folder finds the seeds in order and agrees.
        let pooled = scratch.appendingPathComponent("pooled")
        let command = try CLI.run(["aggregate", out.path, "--out", pooled.path])
        #expect(command.status == 0, "\(command.stderr)")
        let fromCommand = try JSONSerialization.jsonObject(with: Data(contentsOf: pooled.appendingPathComponent("aggregate.json"))) as! [String: Any]
        #expect(NSDictionary(dictionary: fromCommand["verdict"] as! [String: Any]) == NSDictionary(dictionary: aggregate["verdict"] as! [String: Any]))
    }

    @Test func seedListsAreCheckedBeforeAnyWork() throws {
        for bad in ["", "3-1", "a", "1-", "0-4294967296", "1,,2", "0-20000"] {
            let run = try CLI.run(["run", "--seeds", bad, "--out", "/nonexistent/never"])
            #expect(run.status == 64, "'\(bad)': \(run.status) \(run.stderr)")
        }
        let both = try CLI.run(["run", "--seeds", "0-2", "--seed", "4", "--out", "/nonexistent/never"])
        #expect(both.status == 64 && both.stderr.contains("--seed or --seeds"), "\(both.stderr)")
        let seed = try CLI.run(["train", "--seed", "4294967296", "--out", "/nonexistent/never.h5"])
        #expect(seed.status == 64 && seed.stderr.contains("2^32"), "\(seed.stderr)")
    }
}
