import Foundation
import Testing

/// `metasae run` and `train` end to end on a tiny setting of the real,
/// bundled MNIST.
@Suite struct RunCommandTests {
    static let tiny = [
        "--train-examples", "500", "--analysis-examples", "300", "--depths", "3", "--width", "16",
        "--classifier-hidden", "32,16", "--classifier-epochs", "2", "--sae-epochs", "2", "--null-seeds", "2",
    ]

    @Test func tinyRunCompletesEndToEnd() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        // From the repository root, so the bundled data/mnist is found by default.
        let run = try CLI.run(["run", "--out", folder.path] + Self.tiny, timeout: 300, in: CLI.repository)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("test accuracy"))
        #expect(run.stdout.contains("depth 3: SAE 16→16"))
        #expect(run.stdout.contains("verdict:"))
        for name in ["metasae.h5", "results.json", "results.csv", "atomicity.svg", "report.md"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
            #expect(run.stdout.contains("wrote \(folder.appendingPathComponent(name).path)"))
        }
        let validate = try CLI.run(["validate", folder.appendingPathComponent("metasae.h5").path])
        #expect(validate.status == 0, "\(validate.stdout)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("results.json"))) as! [String: Any]
        let nulls = try #require(results["nullModels"] as? [String: Any])
        #expect(nulls["origin"] as? String == "stored")
        #expect((results["depths"] as? [Any])?.count == 4)
    }

    @Test func sameSeedGivesTheSameFile() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [Data] = []
        for name in ["a.h5", "b.h5"] {
            let path = folder.appendingPathComponent(name).path
            let run = try CLI.run(["train", "--out", path, "--seed", "7", "--quiet", "--mnist", CLI.repository.appendingPathComponent("data/mnist").path] + Self.tiny,
                                  timeout: 300, environment: ["SOURCE_DATE_EPOCH": "1700000000"])
            #expect(run.status == 0, "\(run.stderr)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1], "two runs with seed 7 differ")
        let other = folder.appendingPathComponent("c.h5").path
        _ = try CLI.run(["train", "--out", other, "--seed", "8", "--quiet", "--mnist", CLI.repository.appendingPathComponent("data/mnist").path] + Self.tiny,
                        timeout: 300, environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) != files[0])
    }

    @Test func missingMNISTFolderIsAClearError() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("never.h5")
        let run = try CLI.run(["train", "--out", out.path, "--mnist", "/nonexistent/mnist"])
        #expect(run.status == 66, "\(run.status) \(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty, "a failed run left files")
        #expect(run.stderr.contains("/nonexistent/mnist"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}
