import CHDF5

/// A dataset in an open file.
///
/// Shape and datatype are queried when asked, because an extendable dataset
/// grows while a writer appends to it.
public final class Dataset: @unchecked Sendable {
    let handle: Handle
    public let file: File
    /// Absolute path of the dataset inside the file.
    public let path: String
    /// How rows of each memory type map to file bytes, and which of those
    /// maps a library read has confirmed (see Dataset+RawReads); touched
    /// only under the library lock, as a dataset may be read from two threads.
    var rawLayoutDecision: [hid_t: RawLayout] = [:]
    var rawLayoutVerified: Set<hid_t> = []
    /// How writes of each memory type compress their own chunks, if they
    /// can (see Dataset+Deflate); nil inside: the library writes.
    var deflatedWritingDecision: [hid_t: DeflatedWriting?] = [:]
    /// The creation properties, read once (see `storageLayout`).
    var storageLayoutCache: StorageLayout?
    /// Threads copying or inflating one read, or compressing one write
    /// (tests vary it; see `readThreads`).
    var readThreadCount = Dataset.readThreads

    init(handle: Handle, file: File, path: String) {
        self.handle = handle
        self.file = file
        self.path = path
    }

    /// Opens with an 8 MiB chunk cache: enough for a row of column-split
    /// chunks (the default 1 MiB thrashes on PyTorch's auto-chunked layouts),
    /// small enough that a stream's memory does not creep up with the number
    /// of chunks it has touched. Chunks fully read are evicted first (w0 = 1).
    static func open(in file: File, at path: String, from location: hid_t, name: String) throws -> Dataset {
        let dapl = try Handle.propertyList(try HDF5Call.id("open dataset") { H5Pcreate(chdf5_P_DATASET_ACCESS()) })
        try HDF5Call.status("open dataset") { H5Pset_chunk_cache(dapl.id, 1_021, 8 << 20, 1.0) }
        let id = try HDF5Call.id("open dataset", file: file.path, object: path) {
            H5Dopen2(location, name, dapl.id)
        }
        return Dataset(handle: try Handle(id, operation: "open dataset", closer: H5Dclose), file: file, path: path)
    }

    public var shape: Shape {
        get throws {
            let space = try Handle.dataspace(try HDF5Call.id("get dataspace of", file: file.path, object: path) {
                H5Dget_space(handle.id)
            })
            do {
                return try Shape.decode(space.id, operation: "read dataspace of")
            } catch let error as HDF5Error {
                throw error.located(file: file.path, object: path)
            }
        }
    }

    public var datatype: DatatypeInfo {
        get throws {
            let type = try Handle.datatype(try HDF5Call.id("get datatype of", file: file.path, object: path) {
                H5Dget_type(handle.id)
            })
            return DatatypeInfo.decode(type.id)
        }
    }

    /// Number of rows (the first dimension); 1 for a scalar dataset.
    public var rowCount: Int {
        get throws { try shape.dims.first ?? 1 }
    }

    /// Bytes allocated in the file for the data (after compression).
    public var storedBytes: Int {
        HDF5Call.locked { Int(H5Dget_storage_size(handle.id)) }
    }

    /// Closes the dataset now rather than at deinit.
    public func close() { handle.close() }

    /// Writes buffered data of this dataset to disk.
    public func flush() throws {
        try HDF5Call.status("flush", file: file.path, object: path) { H5Dflush(handle.id) }
    }
}
