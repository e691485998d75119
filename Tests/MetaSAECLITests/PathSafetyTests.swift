import Foundation
import Testing

/// Inputs that are not regular files are refused at once; no output may be
/// the input under another name; an output that cannot be written is 73 in
/// plain words.
@Suite struct PathSafetyTests {
    static let input = CLI.repository.appendingPathComponent("Tests/Fixtures/convert/statedict_nested.h5")
    static let canonical = CLI.repository.appendingPathComponent("Tests/Fixtures/corpus/valid.h5")

    @Test(arguments: ["describe", "validate", "analyze", "convert"])
    func aNamedPipeIsRefusedAtOnce(command: String) throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipe = folder.appendingPathComponent("pipe.h5").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let arguments = command == "convert" ? [command, pipe, folder.appendingPathComponent("out.h5").path]
            : command == "analyze" ? [command, pipe, "--out", folder.appendingPathComponent("a").path] : [command, pipe]
        let started = Date()
        let run = try CLI.run(arguments, timeout: 30)
        #expect(!run.timedOut && Date().timeIntervalSince(started) < 10, "waited on the pipe")
        #expect(run.status == 66, "\(run.stderr)")
        #expect(run.stderr.contains("named pipe"), "\(run.stderr)")
    }

    /// Copies the export into a scratch folder and gives its bytes.
    static func copyInput(into folder: URL) throws -> (URL, Data) {
        let copy = folder.appendingPathComponent("export.h5")
        try FileManager.default.copyItem(at: Self.input, to: copy)
        return (copy, try Data(contentsOf: copy))
    }

    static func expectRefusedAlias(_ run: CLIRun, input: URL, bytes: Data) throws {
        #expect(run.status == 64, "\(run.status): \(run.stderr)")
        #expect(run.stderr.contains("never modified"), "\(run.stderr)")
        #expect(try Data(contentsOf: input) == bytes, "the input changed")
    }

    @Test func anOutputReachingTheInputThroughASymlinkedFolderIsRefused() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (input, bytes) = try Self.copyInput(into: folder)
        let alias = folder.appendingPathComponent("alias")
        try FileManager.default.createSymbolicLink(at: alias, withDestinationURL: folder)
        try Self.expectRefusedAlias(try CLI.run(["convert", input.path, alias.appendingPathComponent("export.h5").path]),
                                    input: input, bytes: bytes)
        // The same spelled with dots.
        let dotted = folder.path + "/./alias//./export.h5"
        try Self.expectRefusedAlias(try CLI.run(["convert", input.path, dotted]), input: input, bytes: bytes)
    }

    @Test func anInputThatIsASymlinkToTheOutputIsRefused() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (real, bytes) = try Self.copyInput(into: folder)
        let link = folder.appendingPathComponent("link.h5")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        try Self.expectRefusedAlias(try CLI.run(["convert", link.path, real.path]), input: real, bytes: bytes)
    }

    @Test func aHardLinkToTheInputIsRefused() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (input, bytes) = try Self.copyInput(into: folder)
        let second = folder.appendingPathComponent("second-name.h5")
        #expect(link(input.path, second.path) == 0)
        try Self.expectRefusedAlias(try CLI.run(["convert", input.path, second.path]), input: input, bytes: bytes)
    }

    @Test func aMappingWrittenOverTheInputIsRefused() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (input, bytes) = try Self.copyInput(into: folder)
        try Self.expectRefusedAlias(try CLI.run(["convert", input.path, "--emit-mapping", input.path]), input: input, bytes: bytes)
    }

    /// A folder this process cannot create files in: one without write
    /// permission, or, for root (which ignores permissions), sysfs.
    static func unwritableFolder(in scratch: URL) throws -> String? {
        if getuid() != 0 {
            let folder = scratch.appendingPathComponent("read-only")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            chmod(folder.path, 0o555)
            return folder.path
        }
        return FileManager.default.fileExists(atPath: "/sys/kernel") ? "/sys/kernel" : nil
    }

    @Test func anUnwritableOutputFolderIsExit73InPlainWords() throws {
        let scratch = try CLI.scratch()
        defer {
            chmod(scratch.appendingPathComponent("read-only").path, 0o755)
            try? FileManager.default.removeItem(at: scratch)
        }
        guard let folder = try Self.unwritableFolder(in: scratch) else {
            Issue.record("no unwritable folder on this machine (not root, no /sys/kernel)")
            return
        }
        let convert = try CLI.run(["convert", Self.input.path, folder + "/out.h5", "--quiet"])
        #expect(convert.status == 73, "\(convert.status): \(convert.stderr)")
        #expect(convert.stderr.contains("cannot write \(folder)/out.h5"), "\(convert.stderr)")
        #expect(!convert.stderr.contains("metasae-tmp") && !convert.stderr.contains("libhdf5") && !convert.stderr.contains("H5F"),
                "\(convert.stderr)")
        let analyze = try CLI.run(["analyze", Self.canonical.path, "--out", folder, "--quiet", "--null-seeds", "0"])
        #expect(analyze.status == 73, "\(analyze.status): \(analyze.stderr)")
        #expect(!analyze.stderr.contains("metasae-tmp"), "\(analyze.stderr)")
    }
}
