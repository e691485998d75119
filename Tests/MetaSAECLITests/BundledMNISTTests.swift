import Foundation
import Testing
@testable import MetaSAECLI

/// Finding the bundled MNIST from any working folder.
@Suite struct BundledMNISTTests {
    static let bundled = CLI.repository.appendingPathComponent("data/mnist").path

    @Test func theVariableWinsAndIsChecked() throws {
        let chosen = try BundledMNIST.locate(environment: ["METASAE_MNIST": Self.bundled], workingFolder: "/", executable: nil)
        #expect(chosen == Self.bundled)
        #expect { try BundledMNIST.locate(environment: ["METASAE_MNIST": "/tmp"], workingFolder: CLI.repository.path, executable: nil) }
            throws: { "\($0)".contains("$METASAE_MNIST is /tmp") }
    }

    @Test func theWorkingFolderThenTheExecutablesAncestors() throws {
        let fromRoot = try BundledMNIST.locate(environment: [:], workingFolder: CLI.repository.path, executable: nil)
        #expect(fromRoot == Self.bundled)
        let built = CLI.repository.appendingPathComponent(".build/release/metasae").path
        let fromBuild = try BundledMNIST.locate(environment: [:], workingFolder: "/", executable: built)
        #expect(URL(fileURLWithPath: fromBuild).standardized.path == Self.bundled)
    }

    @Test func nothingFoundSaysWhereItLooked() throws {
        #expect {
            try BundledMNIST.locate(environment: [:], workingFolder: "/nonexistent", executable: "/opt/tool/bin/metasae")
        } throws: { error in
            let text = "\(error)"
            return text.contains("$METASAE_MNIST (unset)") && text.contains("/nonexistent/data/mnist")
                && text.contains("/opt/tool/bin/data/mnist") && text.contains("/opt/data/mnist") && text.contains("--mnist DIR")
        }
    }

    @Test func seedListsParseRangesAndLists() {
        #expect(SeedList(argument: "0-9")?.seeds == Array(0...9))
        #expect(SeedList(argument: "3, 5,8-10,5")?.seeds == [3, 5, 8, 9, 10])
        #expect(SeedList(argument: "4294967295")?.seeds == [4_294_967_295])
        for bad in ["", "-1", "3-1", "1-2-3", "x", "4294967296", "0-10000"] {
            #expect(SeedList(argument: bad) == nil, "'\(bad)'")
        }
    }
}
