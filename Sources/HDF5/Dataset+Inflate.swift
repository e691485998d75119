import CDeflate
import CHDF5
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads of gzip-compressed chunks that decompress on several threads.
///
/// Inside the library, chunks are inflated one at a time under its global
/// lock, about 100 MB/s on one core. Here the library only hands over each
/// chunk's stored bytes (`H5Dread_chunk`, under the lock); deflate and
/// shuffle, the filters h5py and PyTorch exports use, are undone outside it,
/// one chunk per thread at a time, deflate by libdeflate (whole buffers of
/// known size, two to three times zlib's speed).
extension Dataset {
    /// HDF5's registered ids of the filters undone here.
    static let deflateFilter = 1
    static let shuffleFilter = 2

    /// Chunks larger than this stay with the library (each thread holds two).
    static let maximumInflatedChunkBytes = 64 << 20

    /// Whether a filter pipeline (in the order the writer applied it) is
    /// deflate, or shuffle and deflate, which is all this path undoes.
    static func canInflate(_ filters: [Int]) -> Bool {
        filters == [deflateFilter] || filters == [shuffleFilter, deflateFilter]
    }

    /// One stored chunk and the rows of it the caller wants.
    struct StoredChunkBytes {
        var chunkStart: Int
        var wanted: Range<Int>
        var bytes: [UInt8]
        /// Bit i set: filter i of the pipeline was skipped for this chunk.
        var skipped: UInt32
    }

    /// Fills `rows` of `buffer` from compressed whole-row chunks. Returns the
    /// first run of rows filled here and the rows left to the library
    /// (chunks never written, which hold fill values).
    func inflate(rows: Range<Int>, rank: Int, rowBytes: Int, elementSize: Int, chunkRows: Int, filters: [Int],
                 into buffer: UnsafeMutableRawPointer, operation: String) throws -> (filled: Range<Int>?, library: [Range<Int>]) {
        let chunkBytes = chunkRows * rowBytes
        // A stored chunk larger than zlib's worst case (HDF5 compresses with zlib) is damage.
        let largestStored = Int(compressBound(uLong(chunkBytes))) + 64
        var chunks: [StoredChunkBytes] = []
        var library: [Range<Int>] = []
        var coordinate = [hsize_t](repeating: 0, count: rank)
        for (chunkStart, wanted) in Self.chunkSlices(of: rows, chunkRows: chunkRows) {
            coordinate[0] = hsize_t(chunkStart)
            let stored = try HDF5Call.locked { () throws -> StoredChunkBytes? in
                var size: hsize_t = 0
                guard H5Dget_chunk_storage_size(handle.id, &coordinate, &size) >= 0, size > 0 else {
                    _ = H5Eclear2(chdf5_E_DEFAULT())
                    return nil
                }
                guard size <= hsize_t(largestStored) else {
                    throw HDF5Error(.corrupt, operation: operation, file: file.path, object: path,
                                    detail: "the compressed chunk starting at row \(chunkStart) stores \(size) bytes, more than deflate makes of a \(chunkBytes)-byte chunk")
                }
                var chunk = StoredChunkBytes(chunkStart: chunkStart, wanted: wanted,
                                             bytes: [UInt8](unsafeUninitializedCapacity: Int(size)) { $1 = Int(size) }, skipped: 0)
                let status = chunk.bytes.withUnsafeMutableBytes {
                    H5Dread_chunk(handle.id, chdf5_P_DEFAULT(), &coordinate, &chunk.skipped, $0.baseAddress!)
                }
                if status < 0 {
                    _ = H5Eclear2(chdf5_E_DEFAULT())
                    return nil
                }
                return chunk
            }
            if let stored { chunks.append(stored) } else { library.append(wanted) }
        }
        let decoder = ChunkDecoder(filters: filters, chunkBytes: chunkBytes, elementSize: elementSize, rowBytes: rowBytes)
        let workers = min(max(1, readThreadCount), chunks.count)
        // Two scratch chunks per worker: a filter reads one and writes the other.
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(1, workers * 2 * chunkBytes), alignment: 64)
        defer { scratch.deallocate() }
        let failure = ParallelWork.firstFailure(count: chunks.count, workers: workers) { index, worker -> (row: Int, problem: String)? in
            let chunk = chunks[index]
            let target = buffer + (chunk.wanted.lowerBound - rows.lowerBound) * rowBytes
            return decoder.decode(chunk, scratch: scratch + worker * 2 * chunkBytes, into: target).map { (chunk.chunkStart, $0) }
        }
        if let failure {
            throw HDF5Error(.corrupt, operation: operation, file: file.path, object: path,
                            detail: "the compressed chunk starting at row \(failure.row) \(failure.problem)")
        }
        return (chunks.first?.wanted, library)
    }
}

/// Undoes a deflate / shuffle pipeline for chunks of one dataset.
struct ChunkDecoder {
    let filters: [Int]
    let chunkBytes: Int
    let elementSize: Int
    let rowBytes: Int

    /// Undoes the pipeline, last filter first (skipping those the chunk's
    /// mask marks), then copies the wanted rows to `target`. `scratch`
    /// holds two chunks. Returns what went wrong, or nil.
    func decode(_ chunk: Dataset.StoredChunkBytes, scratch: UnsafeMutableRawPointer, into target: UnsafeMutableRawPointer) -> String? {
        chunk.bytes.withUnsafeBytes { stored -> String? in
            var current = UnsafeRawPointer(stored.baseAddress!)
            var length = stored.count
            var output = scratch
            for position in filters.indices.reversed() where chunk.skipped & (1 << UInt32(position)) == 0 {
                switch filters[position] {
                case Dataset.deflateFilter:
                    switch Self.inflate(current, count: length, into: output, capacity: chunkBytes) {
                    case .success(let produced): length = produced
                    case .failure(let problem): return problem.description
                    }
                case Dataset.shuffleFilter:
                    // A chunk whose mask skipped deflate hands its stored length
                    // here: only a whole chunk fits the scratch slot.
                    guard length == chunkBytes else { return "holds \(length) bytes, not the chunk's \(chunkBytes)" }
                    ShuffleFilter.unshuffle(current, count: length, elementSize: elementSize, into: output)
                default:
                    return "uses filter \(filters[position]), which this reader does not undo"
                }
                current = UnsafeRawPointer(output)
                output = output == scratch ? scratch + chunkBytes : scratch
            }
            guard length == chunkBytes else { return "holds \(length) bytes, not the chunk's \(chunkBytes)" }
            let from = (chunk.wanted.lowerBound - chunk.chunkStart) * rowBytes
            target.copyMemory(from: current + from, byteCount: chunk.wanted.count * rowBytes)
            return nil
        }
    }

    /// What inflating one chunk's zlib stream can find wrong.
    enum InflateProblem: Error, CustomStringConvertible {
        case overflows(capacity: Int)
        case corrupt
        case noMemory

        var description: String {
            switch self {
            case .overflows(let capacity): "inflates to more than a chunk's \(capacity) bytes"
            case .corrupt: "does not inflate (not a valid zlib stream)"
            case .noMemory: "could not be inflated (no memory for a decompressor)"
            }
        }
    }

    /// Inflates a zlib stream (HDF5's deflate filter writes one per chunk)
    /// into at most `capacity` bytes with libdeflate; bytes after the
    /// stream's end are ignored, as zlib's `uncompress` and HDF5's own
    /// filter ignore them.
    static func inflate(_ source: UnsafeRawPointer, count: Int, into target: UnsafeMutableRawPointer, capacity: Int) -> Result<Int, InflateProblem> {
        guard let decompressor = libdeflate_alloc_decompressor() else { return .failure(.noMemory) }
        defer { libdeflate_free_decompressor(decompressor) }
        var produced = 0
        switch libdeflate_zlib_decompress(decompressor, source, count, target, capacity, &produced) {
        case LIBDEFLATE_SUCCESS: return .success(produced)
        case LIBDEFLATE_INSUFFICIENT_SPACE: return .failure(.overflows(capacity: capacity))
        default: return .failure(.corrupt)
        }
    }
}
