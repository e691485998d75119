import Foundation
import TestSupport

/// Locations of the repository's fixtures and a scratch folder per test.
enum TestPaths {
    static let h5pyFixtures = H5pyFile.folder

    static func scratch(_ name: String = #function) throws -> URL { try TestSupport.scratch(name) }
}
