import Foundation

/// Locations of the repository's fixtures and a scratch folder per test.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures")
    static let h5pyFixtures = fixtures.appendingPathComponent("h5py")
    /// The PyTorch export shipped beside the repository in `../shared`.
    static let sharedFixture = repository.deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/torch-statedict-small.h5")

    static func scratch(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("metasae-tests-\(getpid())-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
