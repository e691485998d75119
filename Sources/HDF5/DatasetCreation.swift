import CHDF5

/// How to store a new dataset.
public struct DatasetOptions: Sendable {
    /// Chunk dimensions; required for compression or unlimited dimensions.
    public var chunkDims: [Int]?
    /// Maximum dimensions; `nil` entries are unlimited. Defaults to the shape.
    public var maxDims: [Int?]?
    /// Deflate level 1–9, or nil for none.
    public var gzipLevel: Int?
    /// Byte shuffle before compression (helps floats compress).
    public var shuffle: Bool

    public init(chunkDims: [Int]? = nil, maxDims: [Int?]? = nil, gzipLevel: Int? = nil, shuffle: Bool = false) {
        self.chunkDims = chunkDims
        self.maxDims = maxDims
        self.gzipLevel = gzipLevel
        self.shuffle = shuffle
    }

    /// Contiguous storage, no filters.
    public static var contiguous: DatasetOptions { DatasetOptions() }

    /// Row-block chunks for a 2-D `[rows, width]` dataset that grows by rows:
    /// about `targetChunkBytes` per chunk, each chunk holding whole rows, so a
    /// stream of row blocks reads whole chunks.
    public static func rowChunked(
        width: Int, elementSize: Int, targetChunkBytes: Int = 1 << 20,
        gzipLevel: Int? = nil, shuffle: Bool = false
    ) -> DatasetOptions {
        let rowBytes = max(1, width * elementSize)
        let rows = max(1, targetChunkBytes / rowBytes)
        return DatasetOptions(
            chunkDims: [rows, max(width, 1)], maxDims: [nil, width],
            gzipLevel: gzipLevel, shuffle: shuffle)
    }
}

extension Group {
    /// Creates a dataset whose file type is `T`'s native type.
    @discardableResult
    public func createDataset<T: HDF5Scalar>(
        _ name: String, of type: T.Type, shape dims: [Int], options: DatasetOptions = .contiguous
    ) throws -> Dataset {
        try createDataset(name, fileType: T.memoryType, shape: dims, options: options)
    }

    /// Creates a dataset with an explicit file datatype id (for example a
    /// big-endian standard type). The caller keeps ownership of `fileType`.
    @discardableResult
    public func createDataset(
        _ name: String, fileType: hid_t, shape dims: [Int], options: DatasetOptions = .contiguous
    ) throws -> Dataset {
        let operation = "create dataset"
        let objectPath = childPath(name)
        var maxDims = options.maxDims ?? dims.map { Optional($0) }
        if maxDims.count != dims.count { maxDims = dims.map { Optional($0) } }
        let space = try Shape(dims: dims, maxDims: maxDims).makeDataspace(operation: operation)
        let dcpl = try Handle.propertyList(try HDF5Call.id(operation) { H5Pcreate(chdf5_P_DATASET_CREATE()) })
        // No modification times in object headers: the same data gives the same bytes.
        try HDF5Call.status(operation) { H5Pset_obj_track_times(dcpl.id, false) }
        if let chunks = options.chunkDims {
            guard chunks.count == dims.count, chunks.allSatisfy({ $0 > 0 }) else {
                throw HDF5Error(.invalidArgument, operation: operation, file: file.path, object: objectPath,
                                detail: "chunk dims \(chunks) do not fit shape \(dims)")
            }
            var chunkSizes = chunks.map { hsize_t($0) }
            try HDF5Call.status(operation, file: file.path, object: objectPath) {
                H5Pset_chunk(dcpl.id, Int32(chunkSizes.count), &chunkSizes)
            }
            if options.shuffle {
                try HDF5Call.status(operation, file: file.path, object: objectPath) { H5Pset_shuffle(dcpl.id) }
            }
            if let level = options.gzipLevel {
                try HDF5Call.status(operation, file: file.path, object: objectPath) {
                    H5Pset_deflate(dcpl.id, UInt32(max(0, min(9, level))))
                }
            }
        } else if options.gzipLevel != nil || options.shuffle || maxDims != dims.map({ Optional($0) }) {
            throw HDF5Error(.invalidArgument, operation: operation, file: file.path, object: objectPath,
                            detail: "compression and growable dimensions need chunked storage")
        }
        let lcpl = try intermediateGroupsLinkList()
        let id = try HDF5Call.id(operation, file: file.path, object: objectPath) {
            H5Dcreate2(handle.id, name, fileType, space.id, lcpl.id, dcpl.id, chdf5_P_DEFAULT())
        }
        return Dataset(handle: try Handle(id, operation: operation, closer: H5Dclose), file: file, path: objectPath)
    }

    /// Creates a dataset and writes all of `values` into it.
    @discardableResult
    public func writeDataset<T: HDF5Scalar>(
        _ name: String, _ values: [T], shape dims: [Int], options: DatasetOptions = .contiguous
    ) throws -> Dataset {
        let dataset = try createDataset(name, of: T.self, shape: dims, options: options)
        try values.withUnsafeBufferPointer { buffer in
            try dataset.write(rows: 0..<(dims.first ?? 1), from: buffer)
        }
        return dataset
    }
}
