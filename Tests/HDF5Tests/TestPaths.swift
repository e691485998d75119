import Foundation
import TestSupport

/// Locations of the repository's fixtures and a scratch folder per test.
enum TestPaths {
    static let repository = TestSupport.repository
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures")
    static let h5pyFixtures = fixtures.appendingPathComponent("h5py")

    static func scratch(_ name: String = #function) throws -> URL { try TestSupport.scratch(name) }
}
