import ArgumentParser
import AtomicityMetrics
import Foundation
import HDF5

/// libhdf5 is not hardened against malformed files: some crash or hang it.
/// Before a command parses a user's file, `ProbeWalk` walks its metadata
/// and reads the first row of every numeric dataset where a crash or a hang
/// is caught: if the walk dies on a signal or runs out of time, the user
/// gets one line naming the file ("corrupt or unsupported HDF5 file")
/// instead of a crash. Where the process can fork, the walk runs in the
/// supervised child that then does the command's work (`Supervision`: the
/// isolation costs a fork); elsewhere (other threads running, MPI) in a
/// child process of the same binary (`metasae __probe FILE`).
enum IsolatedProbe {
    /// Seconds a walk may take: 60, or METASAE_PROBE_TIMEOUT when that is
    /// a usable number (`check` refuses any other value before walking).
    static var timeout: TimeInterval { (try? configuredTimeout()) ?? 60 }

    static func configuredTimeout() throws -> TimeInterval {
        guard let text = ProcessInfo.processInfo.environment["METASAE_PROBE_TIMEOUT"] else { return 60 }
        guard let seconds = TimeInterval(text), seconds.isFinite, seconds > 0, seconds <= 1_000_000 else {
            throw CommandFailure(status: .usage, description:
                "METASAE_PROBE_TIMEOUT=\(text): expected a number of seconds above 0 and at most 1000000")
        }
        return seconds
    }

    /// Checks `path`; throws the failure a user should see. `mayFork` is
    /// false in an MPI process: a fork after MPI_Init is not safe.
    static func check(_ path: String, mayFork: Bool = true) throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["METASAE_NO_PROBE"] == "1" { return }
        let timeout = try configuredTimeout()
        // METASAE_DEBUG_PROBE_SPAWN=1: a test hook for the separate process.
        let forking = mayFork && environment["METASAE_DEBUG_PROBE_SPAWN"] != "1" && Supervision.canFork
        if Supervision.isSupervised || (forking && Supervision.start(timeout: timeout)) {
            return try Supervision.walking(path) { try ProbeWalk.confined { try ProbeWalk.run(path) } }
        }
        try spawn(path, environment: environment, timeout: timeout)
    }

    /// The walk in a `metasae __probe` process, for a process that cannot fork.
    static func spawn(_ path: String, environment: [String: String], timeout: TimeInterval) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = [ProbeCommand.configuration.commandName!, path]
        // Let a crash kill the child plainly (the Swift runtime's backtracer
        // would catch the signal, print a stack and exit as if nothing happened).
        process.environment = environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try File.startingChildProcess { try process.run() }
        } catch {
            return  // cannot isolate (no /proc?): parse in-process as before
        }
        let buffer = PipeBuffer(errors)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CommandFailure(status: .corrupt, description:
                "\(path): corrupt or unsupported HDF5 file (libhdf5 did not finish reading its metadata within \(Int(timeout)) s)")
        }
        process.waitUntilExit()
        let message = buffer.text.split(separator: "\n").first.map(String.init) ?? ""
        switch process.terminationReason {
        case .uncaughtSignal:
            throw CommandFailure(status: .corrupt, description:
                "\(path): corrupt or unsupported HDF5 file (libhdf5 crashed reading it: signal \(process.terminationStatus))")
        case .exit where process.terminationStatus == 0:
            return
        case .exit:
            let status = ExitStatus(rawValue: process.terminationStatus) ?? .corrupt
            let text = message.hasPrefix("metasae: ") ? String(message.dropFirst("metasae: ".count)) : message
            throw CommandFailure(status: status, description: text.isEmpty ? "\(path): cannot be read" : text)
        @unknown default:
            return
        }
    }

    /// The check for processes analysing one file together (MPI ranks): rank
    /// 0 alone runs the child, and its verdict reaches every rank before any
    /// opens the file in-process, so a file that crashes libhdf5 crashes
    /// none of them. Rank 0 prints a failure before sharing it, so the
    /// message is out before a failing rank brings the job down.
    static func check(_ path: String, sharedWith exchange: any PartialStateExchange) throws {
        let mayFork = exchange is SingleProcess
        guard exchange.size > 1 else { return try check(path, mayFork: mayFork) }
        var status = ExitStatus.success
        if exchange.rank == 0 {
            do { try check(path, mayFork: mayFork) } catch { status = report(error, naming: path) }
        }
        let verdict = try exchange.allGather([Double(status.rawValue)])[0][0]
        if verdict != 0 { throw ExitCode(Int32(verdict)) }
    }

    static var executablePath: String {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        #endif
        return CommandLine.arguments[0]
    }
}

/// Collects a pipe's output on a background queue, so a chatty child never blocks.
final class PipeBuffer: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        DispatchQueue.global().async {
            let read = pipe.fileHandleForReading.readDataToEndOfFile()
            self.lock.lock()
            self.data = read
            self.lock.unlock()
            self.done.signal()
        }
    }

    var text: String {
        _ = done.wait(timeout: .now() + 2)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
