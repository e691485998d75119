import Foundation
import HDF5
import Testing
@testable import MetaSAEStore

/// One file with six different defects: validate must list every one.
@Suite struct ValidatorTests {
    static func brokenFile(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("broken.h5").path
        let cascade = SyntheticCascade(rows: 300, widths: [6, 10, 8, 5])
        try cascade.write(to: path)
        let root = try File.open(path, mode: .readWrite).root
        // 1. a missing dataset
        try root.removeLink("depths/1/sae/b_dec")
        // 2. wrong rank
        try root.removeLink("depths/1/sae/b_enc")
        try root.writeDataset("depths/1/sae/b_enc", [Float](repeating: 0, count: 10), shape: [2, 5])
        // 3. width mismatch along the chain: depth 2's encoder expects 9 inputs, depth 1 has 10
        try root.removeLink("depths/2/sae/W_enc")
        try root.writeDataset("depths/2/sae/W_enc", [Float](repeating: 0, count: 9 * 8), shape: [9, 8])
        // 4. labels out of range and 5. the wrong count (299 labels for 300 rows)
        try root.removeLink("labels")
        try root.writeDataset("labels", (0..<299).map { Int64($0 == 7 ? 11 : $0 % 10) }, shape: [299])
        // 6. a non-finite weight
        try root.removeLink("depths/3/sae/W_dec")
        var decoder = cascade.saes[2].decoderWeight
        decoder[3] = .nan
        decoder[4] = .infinity
        try root.writeDataset("depths/3/sae/W_dec", decoder, shape: [5, 8])
        return path
    }

    @Test func everyViolationIsListed() throws {
        let folder = try StorePaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = SchemaValidator().validate(try CanonicalFile(path: try Self.brokenFile(in: folder)))
        let found = Set(report.errors.map { "\($0.check) \($0.path)" })
        #expect(found.contains("missing /depths/1/sae/b_dec"))
        #expect(found.contains("rank /depths/1/sae/b_enc"))
        #expect(found.contains("chain /depths/2/sae/W_enc"))
        #expect(found.contains("labels_in_range /labels"))
        #expect(found.contains("shape /depths/0/activations"))
        #expect(found.contains("finite /depths/3/sae/W_dec"))
        #expect(report.errors.first { $0.check == "finite" }?.message.contains("1 NaN and 1 infinite") == true)
        #expect(!report.conforms)
    }

    @Test func quickModeSkipsDataScansButKeepsStructure() throws {
        let folder = try StorePaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = SchemaValidator(scanData: false).validate(try CanonicalFile(path: try Self.brokenFile(in: folder)))
        let checks = Set(report.errors.map(\.check))
        #expect(checks.contains("missing") && checks.contains("chain"))
        #expect(!checks.contains("finite") && !checks.contains("labels_in_range"))
    }

    @Test func nonCanonicalFileIsToldWhatIsMissing() throws {
        let path = StorePaths.repository.appendingPathComponent("Tests/Fixtures/h5py/names.h5").path
        let report = SchemaValidator().validate(try CanonicalFile(path: path))
        #expect(report.errors.contains { $0.message.contains("not a canonical metasae file") })
        #expect(report.errors.contains { $0.path == "/labels" && $0.check == "missing" })
    }
}
