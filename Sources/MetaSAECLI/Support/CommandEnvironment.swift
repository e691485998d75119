import ArgumentParser
import Foundation
import HDF5
import LinearAlgebra

/// The environment variables that tune every command, checked once after
/// the arguments parse and before any work: a value the toolkit cannot use
/// is a usage error (exit 64) naming the variable, never silently replaced
/// by the default. Each reader owns the rule for its variable.
enum CommandEnvironment {
    static func check(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let threadCounts: [(name: String, requested: (String) -> Int?)] = [
            ("METASAE_THREADS", ComputeThreads.requested),
            ("METASAE_READ_THREADS", Dataset.requestedReadThreads),
        ]
        for (name, requested) in threadCounts {
            if let text = environment[name], requested(text) == nil {
                throw ValidationError("\(name)=\(text): expected a whole number of threads, 1 or more")
            }
        }
        _ = try CommandAnalysis.kernel()
    }
}
