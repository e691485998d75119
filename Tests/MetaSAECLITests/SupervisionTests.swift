import Foundation
import HDF5
import Testing

/// The supervised child that does a command's work: invisible to the user.
/// It ends as the command would have (exit status, signal), and never
/// outlives its parent.
@Suite struct SupervisionTests {
    static let example = CLI.repository.appendingPathComponent("examples/fixture-canonical.h5").path

    /// An analysis slowed (each output waits 5 s before its rename), with
    /// the pid of the shell that runs it, of its parent process and of the
    /// supervised child doing the work. The shell writes the command's exit
    /// status to `folder/status` and starts with no signal blocked, as from a
    /// terminal (the test runner's threads block most signals, and a child
    /// inherits that mask). Callers reap the shell (`reap`): an unreaped
    /// child of the test runner keeps swift-testing's child watcher spinning.
    static func slowAnalysis(into folder: URL) throws -> (shell: pid_t, parent: pid_t, child: pid_t) {
        let script = "\"$0\" \"$@\"; echo $? > \(folder.appendingPathComponent("status").path)"
        let arguments = ["/bin/sh", "-c", script, CLI.executable.path, "analyze", example,
                         "--out", folder.appendingPathComponent("out").path, "--quiet", "--null-seeds", "0"]
        let environment = ProcessInfo.processInfo.environment.merging(["METASAE_DEBUG_BLOCK_DELAY_MS": "500"]) { $1 }
        let shell = try spawnWithSignalsOpen(arguments, environment: environment.map { "\($0)=\($1)" })
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let parent = children(of: shell).first, let child = children(of: parent).first { return (shell, parent, child) }
            usleep(5_000)
        }
        Issue.record("no supervised child appeared")
        return (shell, 0, 0)
    }

    static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    static func children(of pid: pid_t) -> [pid_t] {
        let listed = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return listed.split(separator: " ").compactMap { pid_t($0) }
    }

    /// The exit status the shell recorded (128 + N for signal N), once it has.
    static func recordedStatus(in folder: URL) -> Int? {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let text = try? String(contentsOf: folder.appendingPathComponent("status"), encoding: .utf8),
               let status = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return status }
            usleep(10_000)
        }
        return nil
    }

    static func spawnWithSignalsOpen(_ arguments: [String], environment: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let failed = File.startingChildProcess { posix_spawn(&pid, arguments[0], &files, &attributes, argv, envp) }
        if failed != 0 { throw CocoaError(.fileReadUnknown) }
        return pid
    }

    /// Whether `pid` has ended: gone, or a zombie waiting for a reaper.
    static func ended(_ pid: pid_t, within seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the command name, which ends with the last ')'.
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" Z") { return true }
            usleep(10_000)
        } while Date() < deadline
        return false
    }

    @Test func theChildDiesWithItsParent() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (shell, parent, child) = try Self.slowAnalysis(into: folder)
        defer { Self.reap(shell) }
        #expect(child > 0 && child != parent)
        // The work runs in a fork of the command itself, not in a separate `__probe` process.
        let arguments = (try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8))?.split(separator: "\u{0}") ?? []
        #expect(arguments.contains("analyze") && !arguments.contains("__probe"), "\(arguments)")
        kill(parent, SIGKILL)
        #expect(Self.recordedStatus(in: folder) == 128 + Int(SIGKILL))
        #expect(Self.ended(child, within: 10), "the supervised child outlived its killed parent")
    }

    @Test func aSignalToTheParentEndsTheCommandAsItWould() throws {
        let folder = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (shell, parent, child) = try Self.slowAnalysis(into: folder)
        defer { Self.reap(shell) }
        kill(parent, SIGTERM)
        #expect(Self.recordedStatus(in: folder) == 128 + Int(SIGTERM), "the parent did not end on SIGTERM")
        #expect(Self.ended(child, within: 10))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/results.json").path))
    }

    @Test func theCommandsStatusAndOutputPassThrough() throws {
        let scratch = try CLI.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let good = try CLI.run(["describe", Self.example])
        #expect(good.status == 0)
        #expect(good.stdout.contains("canonical layout v1: conforms"), "\(good.stdout)")
        // A file that opens and walks cleanly but breaks the layout fails after the fork, with its own status.
        let notCanonical = CLI.repository.appendingPathComponent("Tests/Fixtures/h5py/types.h5")
        let bad = try CLI.run(["analyze", notCanonical.path, "--quiet", "--out", scratch.appendingPathComponent("out").path])
        #expect(bad.status == 70, "\(bad.status) \(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
    }
}
