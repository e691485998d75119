import Foundation
import Testing

/// The bad-input corpus (Tests/Fixtures/corpus/make_corpus.py) against
/// describe, validate, analyze and convert: every case ends in a documented
/// exit code, at most one line on stderr that names the file, no HDF5 stack,
/// no crash and no hang.
@Suite struct CorpusTests {
    struct Case: Decodable {
        var file: String
        var category: String
        /// describe, validate, analyze, convert: given where the category does not fix them.
        var expect: [Int32]?
    }

    static let folder = CLI.repository.appendingPathComponent("Tests/Fixtures/corpus")
    static let cases: [Case] = try! JSONDecoder().decode([Case].self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))

    /// Expected exit codes: describe, validate, analyze, convert.
    static func expected(_ item: Case) -> [Int32] {
        if let expect = item.expect { return expect }
        switch (item.category, item.file) {
        case ("valid", _), ("accepted", _), ("names", _): return [0, 0, 0, 0]
        case ("not_hdf5", _): return [67, 67, 67, 67]
        case ("corrupt", _), (_, "dims_overflow.h5"): return [68, 68, 68, 68]
        case (_, "softlink_loop.h5"): return [0, 68, 68, 68]  // describe lists links without following them
        case (_, "lzf_filter.h5"): return [0, 69, 69, 69]
        case (_, "extlink_missing.h5"), (_, "extlink_outside.h5"): return [0, 69, 69, 69]
        case ("nonfinite", _): return [0, 71, 71, 71]
        case (_, "dtype_vlen.h5"): return [0, 69, 69, 70]  // convert's detection sees a 1-D dataset first
        case ("dtype", _), (_, "labels_float.h5"): return [0, 69, 69, 69]  // a dtype this tool does not read
        default: return [0, 70, 70, 70]  // structure, dtypes, labels, dangling links
        }
    }

    @Test(arguments: cases.map(\.file))
    func caseEndsCleanly(file: String) throws {
        let item = try #require(Self.cases.first { $0.file == file })
        let path = Self.folder.appendingPathComponent(file).path
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let commands: [[String]] = [
            ["describe", path],
            ["validate", path],
            ["analyze", path, "--out", scratch.appendingPathComponent("analysis").path, "--quiet", "--null-seeds", "0"],
            ["convert", path, scratch.appendingPathComponent("converted.h5").path, "--quiet"],
        ]
        for (command, status) in zip(commands, Self.expected(item)) {
            let run = try CLI.run(command, timeout: 90)
            let name = "\(file) \(command[0])"
            #expect(!run.timedOut, "\(name) hung")
            #expect(run.status == status, "\(name): exit \(run.status), expected \(status); \(run.stderr)\(run.stdout.prefix(300))")
            #expect(!run.stderr.contains("HDF5-DIAG") && !run.stderr.contains("#000"), "\(name) printed an HDF5 stack")
            #expect(run.stderr.split(separator: "\n").count <= 1, "\(name): \(run.stderr)")
            if run.status != 0 {
                let said = run.stderr.isEmpty ? run.stdout : run.stderr
                #expect(said.contains(file), "\(name) does not name the file: \(said.prefix(300))")
            }
            if command[0] == "describe" { #expect(!run.stdout.contains("\u{1B}") && !run.stdout.contains("\u{07}"), "\(name) echoed control characters") }
        }
    }
}
