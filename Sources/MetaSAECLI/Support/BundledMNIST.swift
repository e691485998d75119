import Foundation
import MetaSAETraining

/// Finds the MNIST bundled with the repository from any working folder:
/// $METASAE_MNIST, then data/mnist under the working folder, then under
/// every folder above the executable (a build inside the clone).
enum BundledMNIST {
    static let variable = "METASAE_MNIST"

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                       workingFolder: String = FileManager.default.currentDirectoryPath,
                       executable: String? = executablePath()) throws -> String {
        var looked: [String] = []
        if let chosen = environment[variable], !chosen.isEmpty {
            guard MNIST.isComplete(chosen) else {
                throw CommandFailure(status: .notFound, description: "$\(variable) is \(chosen), which does not hold the four MNIST IDX files")
            }
            return chosen
        }
        looked.append("$\(variable) (unset)")
        var candidates = [(workingFolder as NSString).appendingPathComponent(MNIST.bundledFolder)]
        if let executable {
            var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            while folder.path != "/" {
                candidates.append(folder.appendingPathComponent(MNIST.bundledFolder).path)
                folder.deleteLastPathComponent()
            }
        }
        for candidate in candidates {
            if MNIST.isComplete(candidate) { return candidate }
            looked.append(candidate)
        }
        throw CommandFailure(status: .notFound, description: "the bundled MNIST was not found; looked in "
                             + looked.joined(separator: ", ") + ". Pass --mnist DIR or set $\(variable)")
    }

    /// This process's executable, symlinks resolved.
    static func executablePath() -> String? {
        let link = "/proc/self/exe"
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) { return target }
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }
}
