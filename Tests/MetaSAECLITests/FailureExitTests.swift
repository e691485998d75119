import Foundation
import Testing

/// Bad inputs end in one clear line and a documented exit code; libhdf5's
/// own error stack never reaches the terminal.
@Suite struct FailureExitTests {
    static func expectCleanFailure(_ run: CLIRun, status: Int32, mentioning text: String) {
        #expect(!run.timedOut)
        #expect(run.status == status, "stderr: \(run.stderr)")
        #expect(run.stderr.contains(text), "stderr: \(run.stderr)")
        #expect(!run.stderr.contains("HDF5-DIAG"), "HDF5 stack printed: \(run.stderr)")
        #expect(!run.stderr.contains("#000"), "HDF5 stack printed: \(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "more than one line: \(run.stderr)")
    }

    @Test(arguments: ["describe", "validate"])
    func missingFile(command: String) throws {
        let run = try CLI.run([command, "/nonexistent/input.h5"])
        Self.expectCleanFailure(run, status: 66, mentioning: "/nonexistent/input.h5")
    }

    @Test(arguments: ["describe", "validate"])
    func directory(command: String) throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        Self.expectCleanFailure(try CLI.run([command, folder.path]), status: 66, mentioning: "directory")
    }

    @Test(arguments: ["describe", "validate"])
    func notHDF5(command: String) throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("model.npy")
        try Data([0x93] + Array("NUMPY".utf8) + [1, 0]).write(to: path)
        Self.expectCleanFailure(try CLI.run([command, path.path]), status: 67, mentioning: "not an HDF5 file")
    }

    @Test(arguments: ["describe", "validate"])
    func truncatedHDF5(command: String) throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: CLI.repository.appendingPathComponent("examples/fixture-canonical.h5"))
        let path = folder.appendingPathComponent("cut.h5")
        try original.prefix(original.count / 2).write(to: path)
        // Damage, as for the corpus's truncated_half.h5.
        Self.expectCleanFailure(try CLI.run([command, path.path]), status: 68, mentioning: "cut.h5")
    }

    @Test func validateOfNonCanonicalFileExits70AndListsProblems() throws {
        let run = try CLI.run(["validate", CLI.repository.appendingPathComponent("Tests/Fixtures/h5py/names.h5").path])
        #expect(run.status == 70)
        #expect(run.stdout.contains("/labels: required dataset is missing"))
        #expect(!run.stderr.contains("HDF5-DIAG"))
    }

    @Test func validateOfGoodFileExitsZero() throws {
        let run = try CLI.run(["validate", CLI.repository.appendingPathComponent("examples/fixture-canonical.h5").path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("conforms"))
    }
}
