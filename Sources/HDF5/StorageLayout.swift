import CHDF5

/// How a dataset is stored: layout, chunking and the filter pipeline.
public struct StorageLayout: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case contiguous, chunked, compact, virtual, unknown }

    public struct Filter: Sendable, Equatable, Codable {
        /// HDF5's registered filter id (1 = deflate, 2 = shuffle, 32000 = lzf, …).
        public var id: Int
        /// The name stored with the filter, or our name for known ids.
        public var name: String
        /// The filter's client values (for deflate: the level).
        public var parameters: [UInt32]
        /// Whether this build of libhdf5 can decode it.
        public var isAvailable: Bool
    }

    public var kind: Kind
    /// Chunk dimensions, for chunked datasets.
    public var chunkDims: [Int]?
    /// The pipeline in the order the writer applies it; a filter the
    /// library cannot describe stands as "unreadable" (id -1), so positions
    /// match the bits of a chunk's filter mask.
    public var filters: [Filter]
    /// Number of external raw-data files; we refuse to read such datasets.
    public var externalFileCount: Int
    /// Partial edge chunks stored unfiltered (`H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS`).
    public var partialChunksUnfiltered = false

    /// A short description: `gzip(4)`, `shuffle`, `lzf (unavailable)`.
    public var filterSummary: String {
        filters.map { filter in
            var text = filter.name
            if filter.id == 1, let level = filter.parameters.first { text = "gzip(\(level))" }
            if !filter.isAvailable { text += " (filter not available)" }
            return text
        }.joined(separator: ", ")
    }
}

extension Dataset {
    /// Creation properties never change once a dataset exists, so they are
    /// read from the library once per opened dataset (reads consult them
    /// for every block).
    public var storageLayout: StorageLayout {
        get throws {
            if let known = HDF5Call.locked({ storageLayoutCache }) { return known }
            let layout = try readStorageLayout()
            HDF5Call.locked { storageLayoutCache = layout }
            return layout
        }
    }

    private func readStorageLayout() throws -> StorageLayout {
        let operation = "read storage layout of"
        let dcpl = try Handle.propertyList(try HDF5Call.id(operation, file: file.path, object: path) {
            H5Dget_create_plist(handle.id)
        })
        return try HDF5Call.locked { () throws -> StorageLayout in
            let kind: StorageLayout.Kind
            switch H5Pget_layout(dcpl.id) {
            case H5D_CONTIGUOUS: kind = .contiguous
            case H5D_CHUNKED: kind = .chunked
            case H5D_COMPACT: kind = .compact
            case H5D_VIRTUAL: kind = .virtual
            default: kind = .unknown
            }
            var chunkDims: [Int]?
            if kind == .chunked {
                var dims = [hsize_t](repeating: 0, count: 32)
                let rank = H5Pget_chunk(dcpl.id, 32, &dims)
                if rank > 0 { chunkDims = dims.prefix(Int(rank)).map { Int(clamping: $0) } }
            }
            var filters: [StorageLayout.Filter] = []
            let count = max(0, Int(H5Pget_nfilters(dcpl.id)))
            for index in 0..<count {
                var flags: UInt32 = 0
                var valueCount = 16
                var values = [UInt32](repeating: 0, count: 16)
                var name = [CChar](repeating: 0, count: 256)
                var config: UInt32 = 0
                let id = H5Pget_filter2(dcpl.id, UInt32(index), &flags, &valueCount, &values, name.count, &name, &config)
                if id < 0 {
                    _ = H5Eclear2(chdf5_E_DEFAULT())
                    filters.append(StorageLayout.Filter(id: -1, name: "unreadable filter", parameters: [], isAvailable: false))
                    continue
                }
                let stored = String(nulTerminated: name)
                filters.append(StorageLayout.Filter(
                    id: Int(id),
                    name: Self.knownFilterNames[Int(id)] ?? (stored.isEmpty ? "filter \(id)" : stored),
                    parameters: Array(values.prefix(min(valueCount, 16))),
                    isAvailable: H5Zfilter_avail(id) > 0))
            }
            let external = max(0, Int(H5Pget_external_count(dcpl.id)))
            var options: UInt32 = 0
            let partial = kind == .chunked && !filters.isEmpty
                && (H5Pget_chunk_opts(dcpl.id, &options) < 0 || options & UInt32(H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS) != 0)
            _ = H5Eclear2(chdf5_E_DEFAULT())
            return StorageLayout(kind: kind, chunkDims: chunkDims, filters: filters, externalFileCount: external,
                                 partialChunksUnfiltered: partial)
        }
    }

    static let knownFilterNames: [Int: String] = [
        1: "gzip", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset",
        32000: "lzf", 32001: "blosc", 32004: "lz4", 32008: "bitshuffle", 32015: "zstd",
    ]
}
