import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open HDF5 file.
///
/// Groups and datasets opened from it keep it alive. Inputs are opened
/// read-only; nothing here follows external links out of the file.
public final class File: @unchecked Sendable {
    public enum OpenMode: Sendable { case readOnly, readWrite }
    public enum CreateMode: Sendable {
        /// Replace an existing file.
        case truncate
        /// Fail if the file exists.
        case exclusive
    }

    let handle: Handle
    /// The path the file was opened with.
    public let path: String
    public let isWritable: Bool
    /// See File+RawDescriptor: nil until asked, then the descriptor or -1.
    var rawDescriptorState: Int32?

    private init(handle: Handle, path: String, isWritable: Bool) {
        self.handle = handle
        self.path = path
        self.isWritable = isWritable
    }

    deinit {
        if let descriptor = rawDescriptorState, descriptor >= 0 { closeDescriptor(descriptor) }
    }

    /// Opens an existing file. Missing paths, directories and non-HDF5 files
    /// are told apart before libhdf5 sees them, so the message says which.
    public static func open(_ path: String, mode: OpenMode = .readOnly) throws -> File {
        try checkInput(path)
        let signature = try HDF5Call.truth("open file", file: path, kind: .corrupt) {
            H5Fis_hdf5(path)
        }
        guard signature else {
            throw HDF5Error(.notHDF5, operation: "open file", file: path,
                            detail: "not an HDF5 file (no HDF5 signature found)")
        }
        let flags = HDF5Call.locked { mode == .readOnly ? chdf5_F_ACC_RDONLY() : chdf5_F_ACC_RDWR() }
        let id = try closedOnExec("open file", file: path, kind: mode == .readOnly ? .corrupt : .library) {
            H5Fopen(path, flags, chdf5_P_DEFAULT())
        }
        return File(handle: try Handle(id, operation: "open file", closer: H5Fclose),
                    path: path, isWritable: mode == .readWrite)
    }

    /// Creates a new file. `userBlockBytes` reserves a user block before the
    /// HDF5 data (a power of two ≥ 512, or 0).
    public static func create(_ path: String, mode: CreateMode = .exclusive, userBlockBytes: Int = 0) throws -> File {
        let flags = HDF5Call.locked { mode == .truncate ? chdf5_F_ACC_TRUNC() : chdf5_F_ACC_EXCL() }
        let fcpl = try Handle.propertyList(try HDF5Call.id("create file", file: path) {
            H5Pcreate(chdf5_P_FILE_CREATE())
        })
        if userBlockBytes > 0 {
            try HDF5Call.status("set user block", file: path) { H5Pset_userblock(fcpl.id, hsize_t(userBlockBytes)) }
        }
        let id = try closedOnExec("create file", file: path) {
            H5Fcreate(path, flags, fcpl.id, chdf5_P_DEFAULT())
        }
        return File(handle: try Handle(id, operation: "create file", closer: H5Fclose),
                    path: path, isWritable: true)
    }

    /// The root group.
    public var root: Group {
        get throws { try Group.open(in: self, at: "/", from: handle.id, name: "/") }
    }

    /// Writes everything buffered to disk.
    public func flush() throws {
        try HDF5Call.status("flush file", file: path) { H5Fflush(handle.id, H5F_SCOPE_GLOBAL) }
    }

    /// Closes the file id. Objects still open keep the file open until they go.
    public func close() { handle.close() }

    /// Size of the file on disk in bytes.
    public var fileSize: Int {
        get throws {
            var size: hsize_t = 0
            try HDF5Call.status("get file size", file: path) { H5Fget_filesize(handle.id, &size) }
            return Int(size)
        }
    }

    /// Refuses, without opening it, any input that is not a readable
    /// regular file: a missing path, a folder, a pipe or a device (opening a
    /// pipe would wait for a writer). Symlinks are followed.
    public static func checkInput(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw HDF5Error(.notFound, operation: "open file", file: path, detail: "no such file")
            }
            throw HDF5Error(.access, operation: "open file", file: path,
                            detail: String(cString: strerror(code)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR:
            throw HDF5Error(.isDirectory, operation: "open file", file: path, detail: "it is a directory")
        case S_IFIFO:
            throw HDF5Error(.notRegularFile, operation: "open file", file: path, detail: "it is a named pipe, not a regular file")
        case S_IFCHR, S_IFBLK:
            throw HDF5Error(.notRegularFile, operation: "open file", file: path, detail: "it is a device, not a regular file")
        default:
            throw HDF5Error(.notRegularFile, operation: "open file", file: path, detail: "it is not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw HDF5Error(.access, operation: "open file", file: path, detail: "permission denied")
        }
    }
}
