import ArgumentParser
import LinearAlgebra

/// `metasae`: do meta-SAEs become more atomic with depth?
public struct MetaSAE: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "metasae",
        abstract: "Measure whether meta-SAEs become more atomic with depth, from one HDF5 file per experiment.",
        discussion: """
            Files follow the canonical layout in schemas/canonical-v1.json. \
            Exit codes: \(ExitStatus.summary)
            """,
        version: version,
        subcommands: [RunCommand.self, TrainCommand.self, ConvertCommand.self, ExportCommand.self, AnalyzeCommand.self, MetaSAECommand.self, AggregateCommand.self, ReportCommand.self, DescribeCommand.self, ValidateCommand.self, SchemaCommand.self, ProbeCommand.self])

    public init() {}

    /// The process entry point.
    public static func start() {
        prepareProcess()
        do {
            var command = try parseAsRoot()
            try CommandEnvironment.check()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// Process-wide setup before any command: OpenBLAS's kernels for this
    /// CPU, and no idle workers spinning on a core after every threaded
    /// call (see BLAS.prepare).
    static func prepareProcess() { BLAS.prepare() }

    /// Parses and runs a command, returning its exit status instead of
    /// exiting (for hosts, like the MPI executable, that must clean up).
    public static func run(arguments: [String]) -> Int32 {
        prepareProcess()
        do {
            var command = try parseAsRoot(arguments)
            try CommandEnvironment.check()
            try command.run()
            return 0
        } catch {
            let message = fullMessage(for: error)
            if !message.isEmpty { Terminal.error(message) }
            return exitCode(for: error).rawValue
        }
    }
}
