import Foundation
import HDF5
import TestSupport

/// Runs the built `metasae` executable as a user would, capturing output.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
}

enum CLI {
    static let repository = TestSupport.repository

    /// The executable sits beside the test bundle in the build folder
    /// (METASAE_EXECUTABLE points the CLI tests at another build).
    static let executable: URL = {
        if let other = ProcessInfo.processInfo.environment["METASAE_EXECUTABLE"] { return URL(fileURLWithPath: other) }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may live inside `metasaePackageTests.xctest/...`.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("metasae").path),
              folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("metasae")
    }()

    /// Runs with a time limit so a hang fails the test instead of the suite.
    static func run(_ arguments: [String], timeout: TimeInterval = 120, in directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> CLIRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try File.startingChildProcess { try process.run() }
        // Drain both pipes concurrently so a chatty child never blocks.
        let outData = Box()
        let errData = Box()
        let group = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        let timedOut = process.isRunning
        // SIGKILL: a runaway child must not outlive its time limit.
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        group.wait()
        return CLIRun(
            status: process.terminationStatus,
            stdout: String(decoding: outData.data, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self),
            timedOut: timedOut)
    }

    static func scratch(_ name: String = #function) throws -> URL { try TestSupport.scratch(name) }

    /// Starts a command slowed by the debug block delay, waits until its
    /// temporary output appears in `folder` (plus `settleMicroseconds`),
    /// then kills it with SIGKILL. Returns whether the temporary appeared
    /// and whether the process died of the signal.
    static func killOnceWriting(_ arguments: [String], folder: URL, blockDelayMilliseconds: Int,
                                settleMicroseconds: UInt32 = 0) throws -> (sawTemporary: Bool, killed: Bool) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = repository
        process.environment = ProcessInfo.processInfo.environment.merging(["METASAE_DEBUG_BLOCK_DELAY_MS": "\(blockDelayMilliseconds)"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try File.startingChildProcess { try process.run() }
        let deadline = Date().addingTimeInterval(120)
        var sawTemporary = false
        while Date() < deadline && process.isRunning {
            if try FileManager.default.contentsOfDirectory(atPath: folder.path).contains(where: { $0.contains(".metasae-tmp-") }) {
                sawTemporary = true
                break
            }
            usleep(5_000)
        }
        if sawTemporary { usleep(settleMicroseconds) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return (sawTemporary, process.terminationReason == .uncaughtSignal)
    }
}

final class Box: @unchecked Sendable {
    var data = Data()
}
