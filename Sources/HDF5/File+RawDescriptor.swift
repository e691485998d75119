import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension File {
    /// A descriptor of the file's bytes for reads that bypass the library
    /// (`Dataset+RawReads`), or nil when that would not be safe: the file
    /// must be open read-only (so no unflushed data lives in the library's
    /// caches) through the default POSIX driver (so library addresses are
    /// offsets in one file). A duplicate of the library's own descriptor,
    /// so it names the very file the library opened; `pread` leaves the
    /// shared offset alone.
    var rawDescriptor: Int32? {
        HDF5Call.locked {
            if let known = rawDescriptorState { return known >= 0 ? known : nil }
            let descriptor = Self.duplicateDescriptor(handle.id)
            rawDescriptorState = descriptor ?? -1
            return descriptor
        }
    }

    private static func duplicateDescriptor(_ file: hid_t) -> Int32? {
        var intent: UInt32 = 0
        guard H5Fget_intent(file, &intent) >= 0, intent == chdf5_F_ACC_RDONLY(),
              let library = libraryDescriptor(file) else { return nil }
        // Close-on-exec, so child processes (the probe, MPI helpers) do not inherit it.
        let descriptor = fcntl(library, F_DUPFD_CLOEXEC, 0)
        return descriptor >= 0 ? descriptor : nil
    }

    /// Runs `body`, which starts a child process, while no file lies between
    /// libhdf5's open and its close-on-exec mark (`closedOnExec` does both
    /// under one hold of the library's lock, which this takes too): the child
    /// inherits no HDF5 descriptor, nor the file lock that goes with it.
    public static func startingChildProcess<R>(_ body: () throws -> R) rethrows -> R {
        try HDF5Call.locked(body)
    }

    /// libhdf5 opens files without O_CLOEXEC, and its file lock (flock)
    /// belongs to the open descriptor: a child started meanwhile (the
    /// crash-isolating probe, a test's `Process`) would hold the lock until it
    /// ended, and this process could not reopen a file it had just closed.
    /// Opens or creates a file with `call` (as `HDF5Call.id`) and marks the
    /// library's own descriptor of it close-on-exec, under one hold of the lock.
    static func closedOnExec(_ operation: String, file path: String, kind: HDF5Error.Kind = .library,
                             _ call: () -> hid_t) throws -> hid_t {
        try HDF5Call.locked {
            let file = try HDF5Call.id(operation, file: path, kind: kind, call)
            if let descriptor = libraryDescriptor(file) {
                let flags = fcntl(descriptor, F_GETFD)
                if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
            }
            return file
        }
    }

    /// The descriptor libhdf5 itself reads `file` through, when it is open
    /// with the default POSIX driver (other drivers hand back other things).
    /// Call under the library's lock.
    private static func libraryDescriptor(_ file: hid_t) -> Int32? {
        let access = H5Fget_access_plist(file)
        guard access >= 0 else { return nil }
        defer { H5Pclose(access) }
        guard H5Pget_driver(access) == chdf5_FD_SEC2() else { return nil }
        var handle: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(file, access, &handle) >= 0, let handle else { return nil }
        return handle.load(as: Int32.self)
    }
}

/// The C library's `close` (inside `File`, the name is the method).
func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
