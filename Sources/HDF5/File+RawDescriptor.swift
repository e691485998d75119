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
        guard H5Fget_intent(file, &intent) >= 0, intent == chdf5_F_ACC_RDONLY() else { return nil }
        let access = H5Fget_access_plist(file)
        guard access >= 0 else { return nil }
        defer { H5Pclose(access) }
        guard H5Pget_driver(access) == chdf5_FD_SEC2() else { return nil }
        var handle: UnsafeMutableRawPointer?
        guard H5Fget_vfd_handle(file, access, &handle) >= 0, let handle else { return nil }
        // Close-on-exec, so child processes (the probe, MPI helpers) do not inherit it.
        let descriptor = fcntl(handle.load(as: Int32.self), F_DUPFD_CLOEXEC, 0)
        return descriptor >= 0 ? descriptor : nil
    }
}

/// The C library's `close` (inside `File`, the name is the method).
func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
