import CHDF5

extension Dataset {
    /// Rows per chunk along the first dimension (the whole dataset for
    /// contiguous storage). Streams align their row blocks to this.
    public var rowsPerChunk: Int {
        get throws {
            let layout = try storageLayout
            if let chunk = layout.chunkDims?.first, chunk > 0 { return chunk }
            return max(1, try rowCount)
        }
    }

    /// Chunk-aligned row blocks covering the dataset, each about
    /// `targetBytes` of `elementSize`-byte values but never splitting a chunk.
    public func rowBlocks(rows: Range<Int>? = nil, targetBytes: Int = 8 << 20, elementSize: Int = 4) throws -> [Range<Int>] {
        let selected = try rows ?? 0..<rowCount
        let width = max(1, try shape.rowWidth ?? 1)
        return Dataset.alignedBlocks(rows: selected, rowBytes: width * elementSize, chunkRows: try rowsPerChunk, targetBytes: targetBytes)
    }

    /// Blocks of `rows` of about `targetBytes`, each a whole number of
    /// `chunkRows`-row chunks and ending on a chunk boundary, so a stream
    /// decodes every chunk once. Only the first block may start mid-chunk.
    public static func alignedBlocks(rows: Range<Int>, rowBytes: Int, chunkRows: Int, targetBytes: Int) -> [Range<Int>] {
        guard !rows.isEmpty else { return [] }
        let chunk = max(1, chunkRows)
        let wanted = max(1, targetBytes / max(1, rowBytes))
        let blockRows = max(chunk, (wanted / chunk) * chunk)
        var ranges: [Range<Int>] = []
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(rows.upperBound, ((start + blockRows) / chunk) * chunk)
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// The chunks `rows` touches: where each starts and which of `rows` lie
    /// in it (all of the chunk's rows, or part of the first and last).
    static func chunkSlices(of rows: Range<Int>, chunkRows: Int) -> [(chunkStart: Int, rows: Range<Int>)] {
        var slices: [(chunkStart: Int, rows: Range<Int>)] = []
        var start = rows.lowerBound
        while start < rows.upperBound {
            let chunkStart = start / chunkRows * chunkRows
            let end = min(rows.upperBound, chunkStart + chunkRows)
            slices.append((chunkStart, start..<end))
            start = end
        }
        return slices
    }

    /// Splits `0..<rows` into consecutive blocks of `blockRows`.
    public static func blocks(rows: Int, blockRows: Int) -> [Range<Int>] {
        guard rows > 0 else { return [] }
        let step = max(1, blockRows)
        return stride(from: 0, to: rows, by: step).map { $0..<min(rows, $0 + step) }
    }

    /// One stored chunk: where it starts and how many bytes it occupies.
    public struct StoredChunk: Sendable, Equatable {
        public var offset: [Int]
        /// Where the stored bytes start in the file (libhdf5's address, which
        /// excludes any user block).
        public var address: UInt64
        public var storedBytes: Int
        /// Bit i set means filter i was skipped for this chunk.
        public var filterMask: UInt32
    }

    /// Every chunk actually allocated in the file, in storage-index order.
    public func storedChunks() throws -> [StoredChunk] {
        let layout = try storageLayout
        guard layout.kind == .chunked, let rank = layout.chunkDims?.count else { return [] }
        let operation = "list chunks of"
        let space = try Handle.dataspace(try HDF5Call.id(operation, file: file.path, object: path) {
            H5Dget_space(handle.id)
        })
        var count: hsize_t = 0
        try HDF5Call.status(operation, file: file.path, object: path) { H5Dget_num_chunks(handle.id, space.id, &count) }
        var chunks: [StoredChunk] = []
        chunks.reserveCapacity(Int(count))
        for index in 0..<count {
            var offset = [hsize_t](repeating: 0, count: rank)
            var mask: UInt32 = 0
            var address: haddr_t = 0
            var size: hsize_t = 0
            try HDF5Call.status(operation, file: file.path, object: path) {
                H5Dget_chunk_info(handle.id, space.id, index, &offset, &mask, &address, &size)
            }
            chunks.append(StoredChunk(offset: offset.map { Int($0) }, address: UInt64(address), storedBytes: Int(size), filterMask: mask))
        }
        return chunks
    }
}
