import Foundation
import HDF5
import Testing
@testable import MetaSAEStore

@Suite struct CanonicalRoundTripTests {
    @Test func writtenFileReadsBackValueForValue() throws {
        let folder = try StorePaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cascade.h5").path
        let cascade = SyntheticCascade()
        try cascade.write(to: path)

        let file = try CanonicalFile(path: path)
        #expect(file.isCanonical)
        let experiment = try file.checked()
        #expect(experiment.provenance.schemaVersion == 1)
        #expect(experiment.depthCount == 2)
        #expect(experiment.exampleCount == cascade.rows)
        #expect(try experiment.labels.labels(0..<cascade.rows) == cascade.labels.map(Int32.init))
        #expect(experiment.widths == cascade.widths)
        for depth in cascade.widths.indices {
            let stored = try #require(experiment.trained.activations[depth]?.dense)
            #expect(try stored.rows(0..<cascade.rows) == cascade.activations[depth])
            let chunks = try #require(try stored.dataset.storageLayout.chunkDims)
            #expect(chunks[1] == cascade.widths[depth])  // whole-row chunks
        }
        for depth in 1..<cascade.widths.count {
            #expect(try experiment.trained.sae(depth: depth).load() == cascade.saes[depth - 1])
            let group = try file.root.group(CanonicalPaths.sae(depth))
            #expect(try group.attribute("l1_coefficient") == .double(0.001))
            #expect(try group.attribute("d_in") == .integer(Int64(cascade.widths[depth - 1])))
        }
        let report = SchemaValidator().validate(file)
        #expect(report.violations.isEmpty, "\(report.violations)")
    }

    @Test func schemaFileInRepositoryIsTheValidatorsSchema() throws {
        let url = StorePaths.repository.appendingPathComponent("schemas/canonical-v1.json")
        let decoded = try JSONDecoder().decode(LayoutSchema.self, from: Data(contentsOf: url))
        #expect(decoded == LayoutSchema.canonicalV1)
    }

    @Test func exampleFileWrittenByH5pyConforms() throws {
        // examples/make_fixture_canonical.py writes this file with h5py alone.
        let file = try CanonicalFile(path: StorePaths.example)
        let report = SchemaValidator().validate(file)
        #expect(report.conforms, "\(report.violations)")
        let experiment = try file.checked()
        #expect(experiment.depthCount == 5)
        #expect(experiment.widths[0] == 64)
        #expect(try experiment.trained.sae(depth: 1).load().decoderWeight.count == 128 * 64)
    }
}

@Suite struct AtomicOutputTests {
    @Test func abandonedWriteLeavesEarlierFileIntact() throws {
        let folder = try StorePaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.h5").path
        try Data("earlier".utf8).write(to: URL(fileURLWithPath: path))
        do {
            let writer = try CanonicalWriter(destination: path, toolVersion: "test")
            try writer.writeLabels([1, 2, 3])
            // Dropped without commit.
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.h5"])
    }

    @Test func commitReplacesAndSweepsStaleTemporaries() throws {
        let folder = try StorePaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.h5").path
        // A temporary left by a process that no longer exists (pid 2^22+1 is above pid_max defaults).
        let stale = folder.appendingPathComponent(".out.h5\(AtomicOutput.marker)4194305-1").path
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("junk".utf8)))
        try SyntheticCascade(rows: 20).write(to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.h5"])
        #expect(try CanonicalFile(path: path).isCanonical)
    }
}
