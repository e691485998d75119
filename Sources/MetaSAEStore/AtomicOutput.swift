import Foundation

/// A file written under a temporary name in the destination's folder and
/// renamed into place only when complete.
///
/// An interrupted writer therefore never leaves a half-written file under
/// the final name, and an earlier file of that name stays intact until the
/// rename replaces it atomically. Temporaries left by killed processes are
/// swept on the next successful commit.
public final class AtomicOutput: @unchecked Sendable {
    /// Where the finished file goes.
    public let destination: String
    /// Where it is written meanwhile.
    public let temporaryPath: String
    private var finished = false

    static let marker = ".metasae-tmp-"

    public init(destination: String) throws {
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        try Self.inputs.refuseAliasing([destination])
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError.output(path: destination, "folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.output(path: destination, "it is a directory")
        }
        guard access(folder, W_OK) == 0 else {
            throw StoreError.output(path: destination, "folder \(folder) is not writable (\(String(cString: strerror(errno))))")
        }
        self.destination = destination
        let name = "\(url.lastPathComponent)\(Self.marker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.temporaryPath = url.deletingLastPathComponent().appendingPathComponent("." + name).path
    }

    /// Moves the finished temporary over the destination.
    public func commit() throws {
        guard !finished else { return }
        DebugHooks.beforeCommit()
        guard rename(temporaryPath, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw StoreError.output(path: destination, reason)
        }
        finished = true
        Self.sweepStale(near: destination)
    }

    /// Deletes the temporary; the destination is untouched.
    public func abandon() {
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
    }

    deinit { abandon() }

    /// The files this process reads: no output may replace one of them.
    public static let inputs = ProtectedInputs()

    /// Removes temporaries for `destination` whose writing process is gone.
    public static func sweepStale(near destination: String) {
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent()
        let prefix = "." + url.lastPathComponent + marker
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }) else { continue }
            if hasEnded(pid) { unlink(folder.appendingPathComponent(name).path) }
        }
    }

    /// Whether process `pid` can write no more: gone (kill(pid, 0) fails with
    /// ESRCH), or a zombie (a killed command's supervised child waits as one
    /// until something reaps it).
    static func hasEnded(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        // The state follows the command name, which ends at the last ')'.
        return stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}

extension AtomicOutput {
    /// Writes a small file whole, atomically. Plain POSIX calls: the
    /// temporary is already a private name, so Foundation's own atomic
    /// write (a second temporary and rename) would be work done twice.
    public static func write(_ data: Data, to destination: String) throws {
        let output = try AtomicOutput(destination: destination)
        let descriptor = open(output.temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw cannotCreate(destination) }
        var failure = data.withUnsafeBytes { writeWhole(descriptor, $0) }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        guard failure == 0 else {
            output.abandon()
            throw StoreError.output(path: destination, String(cString: strerror(failure)))
        }
        try output.commit()
    }

    /// The temporary beside `destination` could not be made: said in plain
    /// words, without the temporary's name or the library's internals.
    static func cannotCreate(_ destination: String) -> StoreError {
        StoreError.output(path: destination, "cannot create a file in \(URL(fileURLWithPath: destination).deletingLastPathComponent().path)")
    }
}

/// Paths a process reads, compared with every output it is about to write
/// by device and inode, and by resolved path for outputs not yet made, so
/// no spelling or symlink lets an output replace an input.
public final class ProtectedInputs: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    public func protect(_ path: String) {
        lock.lock()
        paths.append(path)
        lock.unlock()
    }

    /// The protected input `destination` would overwrite, if any.
    public func aliased(by destination: String) -> String? {
        lock.lock()
        let inputs = paths
        lock.unlock()
        return inputs.first { Self.same(destination, $0) }
    }

    /// Refuses (64) any of `destinations` that would overwrite a protected input.
    public func refuseAliasing(_ destinations: [String]) throws {
        for destination in destinations {
            if let input = aliased(by: destination) { throw StoreError.outputIsInput(path: destination, input: input) }
        }
    }

    static func same(_ output: String, _ input: String) -> Bool {
        var inputInfo = stat()
        guard stat(input, &inputInfo) == 0 else { return false }
        var outputInfo = stat()
        if stat(output, &outputInfo) == 0 {
            return outputInfo.st_dev == inputInfo.st_dev && outputInfo.st_ino == inputInfo.st_ino
        }
        // Not there yet: where it would be made, after resolving its folder.
        let url = URL(fileURLWithPath: output)
        guard let folder = resolved(url.deletingLastPathComponent().path), let target = resolved(input) else { return false }
        return (folder as NSString).appendingPathComponent(url.lastPathComponent) == target
    }

    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
