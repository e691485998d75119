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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError.output(path: destination, "folder \(folder) does not exist")
        }
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.output(path: destination, "it is a directory")
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

    /// Removes temporaries for `destination` whose writing process is gone.
    public static func sweepStale(near destination: String) {
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent()
        let prefix = "." + url.lastPathComponent + marker
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ Int32($0) }) else { continue }
            // kill(pid, 0) fails with ESRCH when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(folder.appendingPathComponent(name).path)
            }
        }
    }
}

extension AtomicOutput {
    /// Writes a small file whole, atomically.
    public static func write(_ data: Data, to destination: String) throws {
        let output = try AtomicOutput(destination: destination)
        guard FileManager.default.createFile(atPath: output.temporaryPath, contents: data) else {
            throw StoreError.output(path: destination, "cannot create \(output.temporaryPath)")
        }
        try output.commit()
    }
}
