import CProcessControl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Crash isolation at the cost of a fork. At a command's first input
/// file, a single-threaded process forks: the child does the command's
/// work, and the parent only watches it. Before the child lets libhdf5 parse
/// a file it tells the parent so (`walking`); if the child then dies on a
/// signal or outlives the time limit, the parent prints one line naming the
/// file ("corrupt or unsupported HDF5 file") and exits 68. Otherwise the
/// parent exits as the child did, with its status or on its signal, so the
/// split is invisible: output streams are shared, signals sent to the parent
/// reach the child, and the child dies with the parent.
enum Supervision {
    /// The child's end of the channel to the parent; -1 outside a supervised child.
    nonisolated(unsafe) static var channel: Int32 = -1
    nonisolated(unsafe) static var child: pid_t = 0

    static var isSupervised: Bool { channel >= 0 }

    /// Whether forking is safe: on Linux, with no thread but this one
    /// (a fork copies one thread, and locks other threads held stay held).
    static var canFork: Bool {
        #if os(Linux)
        return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) == 1
        #else
        return false
        #endif
    }

    /// Forks. Returns in the child, which is from then on supervised;
    /// the parent never returns. Returns false if the fork failed.
    static func start(timeout: TimeInterval) -> Bool {
        #if os(Linux)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return false }
        // Neither end may reach the programs the child runs (rsvg-convert): the channel must close when the child ends.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        fflush(nil)
        let parent = getpid()
        let pid = fork()
        if pid < 0 {
            close(ends[0]); close(ends[1])
            return false
        }
        if pid == 0 {
            close(ends[0])
            channel = ends[1]
            // Die with the parent (a user's kill -9 of metasae must stop the work).
            _ = metasae_die_with_parent()
            if getppid() != parent { _exit(137) }
            return true
        }
        close(ends[1])
        child = pid
        watch(ends[0], timeout: timeout)
        #else
        return false
        #endif
    }

    /// Tells the parent that `body` parses `path`, so a crash or hang in it is the file's.
    static func walking<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        send("B" + path)
        defer { send("E") }
        return try body()
    }

    /// One message: a NUL ends it (the one byte no path holds).
    static func send(_ message: String) {
        Terminal.put(message + "\u{0}", to: channel)
    }

    /// The parent's side: follow the child's walks until its channel closes, then end as it ended.
    static func watch(_ descriptor: Int32, timeout: TimeInterval) -> Never {
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            Glibc.signal(signal) { received in kill(Supervision.child, received) }
        }
        let walk = follow(descriptor, timeout: timeout)
        finish(reap(), walking: walk)
    }

    /// Reads the child's messages until its channel closes; returns the
    /// file it was walking then, if any. A walk past the time limit kills
    /// the child and ends the command here.
    static func follow(_ descriptor: Int32, timeout: TimeInterval) -> String? {
        var walk: (path: String, deadline: Date)?
        var pending = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let wait = walk.map { Int32(max(0, min(Double(Int32.max), $0.deadline.timeIntervalSinceNow * 1000)).rounded(.up)) } ?? -1
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&watched, 1, wait)
            if ready < 0 { if errno == EINTR { continue } else { return walk?.path } }
            if ready == 0, let path = walk?.path {
                kill(child, SIGKILL)
                _ = reap()
                end(.corrupt, "\(path): corrupt or unsupported HDF5 file (libhdf5 did not finish reading its metadata within \(Int(timeout)) s)")
            }
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 { if errno == EINTR { continue } else { return walk?.path } }
            if count == 0 { return walk?.path }
            pending += chunk[0..<count]
            while let end = pending.firstIndex(of: 0) {
                let message = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                walk = message.hasPrefix("B") ? (String(message.dropFirst()), Date().addingTimeInterval(timeout)) : nil
            }
        }
    }

    /// Ends the parent as the child ended: its exit status, one line for a
    /// crash while walking `path`, or else the same signal.
    static func finish(_ status: Int32, walking path: String?) -> Never {
        if (status & 0x7f) == 0 { _exit((status >> 8) & 0xff) }
        let signal = status & 0x7f
        // Only a crash is the file's: a signal a user sent (through the parent or not) ends the command as it would.
        if let path, CrashSignals.all.contains(signal) {
            end(.corrupt, "\(path): corrupt or unsupported HDF5 file (libhdf5 crashed reading it: signal \(signal))")
        }
        // Die the way the child died, for the shell (the child dumped any core).
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(ResourceLimits.core, &none)
        Glibc.signal(signal, SIG_DFL)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, signal)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        kill(getpid(), signal)
        _exit(128 + signal)
    }

    /// The child's wait status.
    static func reap() -> Int32 {
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    static func end(_ status: ExitStatus, _ message: String) -> Never {
        Terminal.error("metasae: " + message)
        _exit(status.rawValue)
    }
}
