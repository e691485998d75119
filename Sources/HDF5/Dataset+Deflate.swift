import CDeflate
import CHDF5
import CZlib

/// Writes of gzip-compressed chunks that compress on several threads.
///
/// Inside the library every chunk is compressed by zlib under its global
/// lock, one at a time (a trained file's 66 MB take 0.44 s). Where a write
/// fills whole chunks of a dataset stored as deflate (or shuffle and
/// deflate) whole-row chunks of the memory type, those chunks are shuffled
/// and compressed here by libdeflate, outside the lock, on
/// `readThreadCount` threads, then handed to the library in row order
/// (`H5Dwrite_chunk`), so the file's bytes do not depend on thread timing.
/// A chunk the write fills only in part goes through the library, which
/// merges it with what is stored. Any zlib reader inflates the result.
extension Dataset {
    /// How a write of one memory type can compress its own chunks.
    struct DeflatedWriting: Equatable {
        var chunkRows: Int
        /// Values a row, as decided: a dataset whose other dimensions have
        /// grown since no longer holds whole rows in a chunk.
        var rowWidth: Int
        var shuffle: Bool
        /// The dataset's deflate level (1–9).
        var level: Int32
    }

    /// Chunks larger than this stay with the library: each worker holds
    /// three (two scratch, one compressed).
    static let maximumDeflatedChunkBytes = 16 << 20

    /// The plan for memory type `T`, decided once per type: nil (the
    /// library writes) unless chunks hold whole rows of exactly `T` in at
    /// most 16 MiB, the pipeline is one the raw reads undo (Dataset+ChunkRules)
    /// with deflate at level 1–9, and the fill value is the default zero (a
    /// partial end chunk is padded with it, as the library pads it).
    func deflatedWriting<T: HDF5Scalar>(_ type: T.Type, shape: Shape) -> DeflatedWriting? {
        let memoryType = T.memoryType
        if let known = HDF5Call.locked({ deflatedWritingDecision[memoryType] }) { return known }
        var decision: DeflatedWriting?
        if shape.rank >= 1, let width = shape.rowWidth, width > 0, let layout = try? storageLayout, layout.kind == .chunked,
           let chunks = Self.wholeRowChunks(layout, shape: shape, elementSize: MemoryLayout<T>.stride),
           chunks.bytes <= Self.maximumDeflatedChunkBytes,
           let filters = Self.deflatePipeline(layout, elementSize: MemoryLayout<T>.stride),
           let level = layout.filters.last?.parameters.first, (1...9).contains(level),
           storesExactly(memoryType), fillsWithZero {
            decision = DeflatedWriting(chunkRows: chunks.rows, rowWidth: width, shuffle: filters.count == 2, level: Int32(level))
        }
        HDF5Call.locked { deflatedWritingDecision[memoryType] = .some(decision) }
        return decision
    }

    /// Whether the fill value is the library's default (zero).
    private var fillsWithZero: Bool {
        HDF5Call.locked { () -> Bool in
            defer { _ = H5Eclear2(chdf5_E_DEFAULT()) }
            let creation = H5Dget_create_plist(handle.id)
            guard creation >= 0 else { return false }
            defer { H5Pclose(creation) }
            var fill = H5D_FILL_VALUE_ERROR
            return H5Pfill_value_defined(creation, &fill) >= 0 && fill == H5D_FILL_VALUE_DEFAULT
        }
    }

    /// Writes the chunks of `rows` this write fills (all of a chunk, or
    /// from its first row to the dataset's last) and returns the rows left
    /// for the library.
    func writeDeflated<T: HDF5Scalar>(rows: Range<Int>, shape: Shape, plan: DeflatedWriting,
                                      from buffer: UnsafeBufferPointer<T>, operation: String) throws -> [Range<Int>] {
        guard let width = shape.rowWidth, width == plan.rowWidth else { return [rows] }
        let rowCount = shape.dims[0]
        var owned: [(chunkStart: Int, rows: Range<Int>)] = []
        var library: [Range<Int>] = []
        for slice in Self.chunkSlices(of: rows, chunkRows: plan.chunkRows) {
            let fills = slice.rows.lowerBound == slice.chunkStart
                && (slice.rows.count == plan.chunkRows || slice.rows.upperBound == rowCount)
            if fills { owned.append(slice) } else { library.append(slice.rows) }
        }
        guard !owned.isEmpty else { return library }
        let encoder = ChunkEncoder(chunkRows: plan.chunkRows, rowBytes: width * MemoryLayout<T>.stride,
                                   elementSize: MemoryLayout<T>.stride, shuffle: plan.shuffle, level: plan.level)
        // One round compresses a chunk per worker, then writes them in order.
        let workers = min(max(1, readThreadCount), owned.count)
        guard let compressors = encoder.compressors(workers) else {
            throw HDF5Error(.library, operation: operation, file: file.path, object: path, detail: "no memory for a compressor")
        }
        defer { compressors.forEach { libdeflate_free_compressor($0) } }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: workers * 2 * encoder.chunkBytes, alignment: 64)
        defer { scratch.deallocate() }
        let output = UnsafeMutableRawPointer.allocate(byteCount: workers * encoder.bound, alignment: 64)
        defer { output.deallocate() }
        let source = UnsafeRawPointer(buffer.baseAddress!)
        for round in stride(from: 0, to: owned.count, by: workers) {
            let slices = owned[round..<min(owned.count, round + workers)]
            var sizes = [Int](repeating: 0, count: slices.count)
            sizes.withUnsafeMutableBufferPointer { sizes in
                _ = ParallelWork.firstFailure(count: slices.count, workers: workers) { item, worker -> Never? in
                    let slice = slices[round + item]
                    sizes[item] = encoder.encode(source + (slice.rows.lowerBound - rows.lowerBound) * encoder.rowBytes,
                                                 rows: slice.rows.count, compressor: compressors[worker],
                                                 scratch: scratch + worker * 2 * encoder.chunkBytes, into: output + item * encoder.bound)
                    return nil
                }
            }
            var coordinate = [hsize_t](repeating: 0, count: shape.rank)
            for (item, slice) in slices.enumerated() {
                // A stream that would outgrow zlib's bound (libdeflate then returns 0) is left to the library.
                guard sizes[item] > 0 else { library.append(slice.rows); continue }
                coordinate[0] = hsize_t(slice.chunkStart)
                try HDF5Call.status(operation, file: file.path, object: path) {
                    H5Dwrite_chunk(handle.id, chdf5_P_DEFAULT(), 0, &coordinate, sizes[item], output + item * encoder.bound)
                }
            }
        }
        return library
    }
}

/// Builds one chunk's stored bytes as HDF5's shuffle and deflate filters
/// would: the chunk's rows padded with zeros to a whole chunk, its bytes
/// shuffled (byte b of every element together), then one zlib stream.
struct ChunkEncoder {
    let chunkRows: Int
    let rowBytes: Int
    let elementSize: Int
    let shuffle: Bool
    let level: Int32

    var chunkBytes: Int { chunkRows * rowBytes }
    /// Room for one compressed chunk: zlib's bound, which HDF5's own filter allows.
    var bound: Int { Int(compressBound(uLong(chunkBytes))) }

    func compressors(_ count: Int) -> [OpaquePointer]? {
        let made = (0..<count).compactMap { _ in libdeflate_alloc_compressor(level) }
        guard made.count == count else {
            made.forEach { libdeflate_free_compressor($0) }
            return nil
        }
        return made
    }

    /// Encodes `rows` rows at `source` into `target` (room for `bound`
    /// bytes); `scratch` holds two chunks. Returns the stored size, or 0 if
    /// the stream would not fit.
    func encode(_ source: UnsafeRawPointer, rows: Int, compressor: OpaquePointer, scratch: UnsafeMutableRawPointer,
                into target: UnsafeMutableRawPointer) -> Int {
        var chunk = source
        if rows < chunkRows {
            scratch.copyMemory(from: source, byteCount: rows * rowBytes)
            (scratch + rows * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: chunkBytes - rows * rowBytes)
            chunk = UnsafeRawPointer(scratch)
        }
        if shuffle {
            ShuffleFilter.shuffle(chunk, count: chunkBytes, elementSize: elementSize, into: scratch + chunkBytes)
            chunk = UnsafeRawPointer(scratch + chunkBytes)
        }
        return libdeflate_zlib_compress(compressor, chunk, chunkBytes, target, bound)
    }
}
