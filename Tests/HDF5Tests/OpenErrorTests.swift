import Foundation
import Testing
@testable import HDF5

/// Bad inputs become typed errors with readable messages.
@Suite struct OpenErrorTests {
    @Test func missingFile() throws {
        let error = #expect(throws: HDF5Error.self) { try File.open("/nonexistent/metasae/file.h5") }
        #expect(error?.kind == .notFound)
        #expect(error?.description.contains("/nonexistent/metasae/file.h5") == true)
    }

    @Test func directory() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: HDF5Error.self) { try File.open(folder.path) }
        #expect(error?.kind == .isDirectory)
    }

    @Test func notHDF5() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("notes.h5")
        try Data("just some text, not HDF5\n".utf8).write(to: path)
        let error = #expect(throws: HDF5Error.self) { try File.open(path.path) }
        #expect(error?.kind == .notHDF5)
    }

    @Test func truncatedFile() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: TestPaths.h5pyFixtures.appendingPathComponent("storage.h5"))
        let path = folder.appendingPathComponent("truncated.h5")
        try original.prefix(original.count / 2).write(to: path)
        // Either opening or reading must fail cleanly with a typed error.
        let error = #expect(throws: HDF5Error.self) {
            let file = try File.open(path.path)
            for object in try file.describeObjects() where object.kind == .dataset {
                _ = try file.root.dataset(object.path).readAll(as: Double.self)
            }
        }
        #expect(error?.kind == .corrupt)
        #expect(error?.bottomMessage != nil)
    }

    @Test func missingDatasetNamesTheMissingPart() throws {
        let file = try File.open(TestPaths.h5pyFixtures.appendingPathComponent("names.h5").path)
        let error = #expect(throws: HDF5Error.self) { try file.root.dataset("a/b/zzz/data") }
        #expect(error?.kind == .noSuchObject)
        #expect(error?.description.contains("/a/b/zzz") == true)
    }
}
