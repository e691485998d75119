import Foundation
import Testing
import TestSupport

/// The structure-aware mutation fuzzer: mutants of the committed fixtures
/// (see `MutantMaker`) run through describe, validate, analyze and convert
/// as child processes. Every run must end with a documented exit code and a
/// short message, no signal, hang, HDF5 stack or Swift backtrace, nothing
/// under the final output name after a failure, and the input unchanged;
/// validate and analyze must agree on whether a file is fit, and whatever
/// convert writes must validate.
///
/// Runs for METASAE_FUZZ_SECONDS (default 60) from mutant METASAE_FUZZ_FIRST
/// (default 0); `scripts/fuzz.sh MINUTES` runs it longer.
@Suite struct MutationFuzzTests {
    struct Finding: CustomStringConvertible {
        var mutant: Int
        var edits: String
        var problem: String
        var description: String { "mutant \(mutant) (\(edits)): \(problem)" }
    }

    /// Exit codes a mutant may end with: success, or a documented refusal of the file.
    static let allowed: Set<Int32> = [0, 67, 68, 69, 70, 71]

    @Test func mutantsEndCleanly() throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["METASAE_FUZZ_SECONDS"].flatMap(Double.init) ?? 60
        let first = environment["METASAE_FUZZ_FIRST"].flatMap(Int.init) ?? 0
        let verbose = environment["METASAE_FUZZ_VERBOSE"] == "1"
        let scratch = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let deadline = Date().addingTimeInterval(seconds)
        let state = FuzzState(next: first)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while Date() < deadline {
                let index = state.take()
                let folder = scratch.appendingPathComponent("m\(index)")
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    let (findings, statuses) = try Self.run(mutant: index, in: folder, verbose: verbose)
                    state.record(findings, statuses: statuses)
                } catch {
                    state.record([Finding(mutant: index, edits: "?", problem: "could not run: \(error)")], statuses: [])
                }
                try? FileManager.default.removeItem(at: folder)
            }
        }
        print("mutation fuzzer: \(state.done) mutants (\(first)…\(first + state.done - 1)), \(state.commands) commands in \(Int(seconds)) s; exit codes \(state.histogram.sorted { $0.key < $1.key })")
        for finding in state.findings.prefix(50) { print("finding: \(finding)") }
        #expect(state.findings.isEmpty, "\(state.findings.count) finding(s), listed above as 'finding:'")
        // That it ran at all, at any speed the build allows: an ASan build on two cores manages ~1.5 a second.
        #expect(state.done >= max(10, Int(seconds)), "only \(state.done) mutants ran in \(Int(seconds)) s")
    }

    /// Makes mutant `index` in `folder` and runs the four commands on it.
    static func run(mutant index: Int, in folder: URL, verbose: Bool = false) throws -> ([Finding], [Int32]) {
        let input = folder.appendingPathComponent("mutant.h5").path
        let edits = try MutantMaker.make(index, at: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let analysis = folder.appendingPathComponent("analysis")
        let converted = folder.appendingPathComponent("converted.h5").path
        var findings: [Finding] = []
        func finding(_ problem: String) { findings.append(Finding(mutant: index, edits: edits, problem: problem)) }
        var statuses: [String: Int32] = [:]
        let commands: [(String, [String])] = [
            ("describe", ["describe", input]),
            ("validate", ["validate", input]),
            ("analyze", ["analyze", input, "--out", analysis.path, "--quiet", "--null-seeds", "1"]),
            ("convert", ["convert", input, converted, "--quiet"]),
        ]
        for (name, arguments) in commands {
            // Mutants are written by libhdf5 itself, so the crash-isolating
            // probe (tested by the corpus) would only double the time.
            let run = try CLI.run(arguments, timeout: 60, environment: ["METASAE_NO_PROBE": "1"])
            statuses[name] = run.status
            for problem in Self.problems(of: run, lineLimit: name == "validate" ? nil : 3) { finding("\(name): \(problem)") }
        }
        if statuses["analyze"] != 0 && FileManager.default.fileExists(atPath: analysis.appendingPathComponent("results.json").path) {
            finding("analyze failed but wrote results.json")
        }
        if statuses["convert"] != 0 && FileManager.default.fileExists(atPath: converted) {
            finding("convert failed but wrote its output")
        }
        if (statuses["validate"] == 0) != (statuses["analyze"] == 0) {
            finding("validate exited \(statuses["validate"]!) but analyze \(statuses["analyze"]!)")
        }
        if statuses["convert"] == 0 {
            let check = try CLI.run(["validate", converted], timeout: 60)
            if check.status != 0 { finding("convert wrote a file validate refuses (\(check.status)): \(check.stdout.suffix(300))") }
        }
        if try Data(contentsOf: URL(fileURLWithPath: input)) != before { finding("the input changed") }
        let leftovers = (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.contains(".metasae-tmp-") }
        if !leftovers.isEmpty { finding("temporaries left: \(leftovers)") }
        let codes = commands.map { statuses[$0.0]! }
        if verbose { print("mutant \(index) \(codes): \(edits)") }
        return (findings, codes)
    }

    /// What is wrong with how a command ended, if anything.
    static func problems(of run: CLIRun, lineLimit: Int?) -> [String] {
        var problems: [String] = []
        if run.timedOut { problems.append("hung") }
        if !allowed.contains(run.status) { problems.append("exit \(run.status): \(run.stderr.prefix(400))") }
        let said = run.stderr
        for marker in ["HDF5-DIAG", "#000", "Fatal error", "Stack dump", "Backtrace", "Crash", "Current stack trace", "AddressSanitizer"] where said.contains(marker) {
            problems.append("printed '\(marker)': \(said.prefix(400))")
        }
        if let lineLimit, said.split(separator: "\n").count > lineLimit {
            problems.append("\(said.split(separator: "\n").count) lines on stderr: \(said.prefix(400))")
        }
        return problems
    }
}

/// Shared between the two workers.
final class FuzzState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex: Int
    private(set) var done = 0
    private(set) var commands = 0
    private(set) var findings: [MutationFuzzTests.Finding] = []
    private(set) var histogram: [Int32: Int] = [:]

    init(next: Int) { nextIndex = next }

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextIndex += 1
        return nextIndex - 1
    }

    func record(_ new: [MutationFuzzTests.Finding], statuses: [Int32]) {
        lock.lock()
        done += 1
        commands += statuses.count
        findings += new
        for status in statuses { histogram[status, default: 0] += 1 }
        lock.unlock()
    }
}
