import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads that copy stored bytes straight from the file with `pread`, for
/// data kept exactly as the memory type: no filters, no conversion, rows
/// whole in each chunk (or contiguous storage). The library is asked only
/// where each chunk lives; the copies then run outside its lock, spread over
/// `readThreads` threads. A warm-cache read is a memory copy, and one core
/// copies at about the speed of `cat`; two copy nearly twice as fast
/// (BENCHMARKS.md). Deflated chunks take a sibling path (Dataset+Inflate).
extension Dataset {
    /// How this dataset's rows map to file bytes for one memory type.
    enum RawLayout: Equatable {
        /// Read through the library (filters, conversion, odd layouts).
        case library
        /// One run of rows starting at this file offset.
        case contiguous(fileOffset: Int)
        /// Whole-row chunks of this many rows, each looked up when read;
        /// the library's chunk addresses plus `addressBias` are file offsets.
        case chunked(chunkRows: Int, addressBias: Int)
        /// Whole-row chunks compressed by deflate (and perhaps shuffle):
        /// the library hands over each chunk's stored bytes and the filters
        /// are undone here, on several threads (Dataset+Inflate).
        case deflated(chunkRows: Int, filters: [Int])
    }

    /// Threads copying one read's bytes: `METASAE_READ_THREADS`, or one per
    /// core up to 4 (more rarely helps a memory copy).
    public static let readThreads: Int = {
        if let text = getenv("METASAE_READ_THREADS"), let value = requestedReadThreads(String(cString: text)) { return value }
        return max(1, min(4, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// The count `METASAE_READ_THREADS=text` asks for (at most 16), or nil
    /// when it is not a whole number from 1 (the commands refuse it).
    public static func requestedReadThreads(_ text: String) -> Int? {
        Int(text).flatMap { $0 > 0 ? min($0, 16) : nil }
    }

    /// The smallest piece a read is split into for the threads: below
    /// this, waking a thread costs more than it saves.
    static let rawPieceBytes = 1 << 20

    /// The raw layout for memory type `T`, decided once per type.
    func rawLayout<T: HDF5Scalar>(_ type: T.Type, shape: Shape) -> RawLayout {
        let memoryType = T.memoryType
        if let known = HDF5Call.locked({ rawLayoutDecision[memoryType] }) { return known }
        var decision = RawLayout.library
        if shape.rank >= 1, shape.rowWidth != nil, !file.isWritable, let layout = try? storageLayout,
           layout.externalFileCount == 0, storesExactly(memoryType) {
            // Whole-row chunks of a sane size (HDF5 caps a chunk at 4 GiB; a
            // damaged layout message may not).
            let chunks = Self.wholeRowChunks(layout, shape: shape, elementSize: MemoryLayout<T>.stride)
            switch layout.kind {
            case .chunked where layout.filters.isEmpty && file.rawDescriptor != nil:
                if let chunks, chunks.bytes <= 1 << 32, let bias = chunkAddressBias(T.self, shape: shape, chunkRows: chunks.rows) {
                    decision = .chunked(chunkRows: chunks.rows, addressBias: bias)
                }
            case .chunked:
                if let chunks, chunks.bytes <= Self.maximumInflatedChunkBytes,
                   let filters = Self.deflatePipeline(layout, elementSize: MemoryLayout<T>.stride) {
                    decision = .deflated(chunkRows: chunks.rows, filters: filters)
                }
            case .contiguous where layout.filters.isEmpty:
                if let offset = contiguousOffset(rowBytes: shape.rowWidth! * MemoryLayout<T>.stride, rows: shape.dims[0]) {
                    decision = .contiguous(fileOffset: offset)
                }
            default:
                break
            }
        }
        HDF5Call.locked { rawLayoutDecision[memoryType] = decision }
        return decision
    }

    /// Where contiguous storage starts, if every row is allocated inside
    /// the file: an unallocated dataset (fill values) has no address, and
    /// behind a user block its "address" would be a small number.
    private func contiguousOffset(rowBytes: Int, rows: Int) -> Int? {
        guard let descriptor = file.rawDescriptor else { return nil }
        let (needed, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow else { return nil }
        let (offset, allocated, stored) = HDF5Call.locked { () -> (haddr_t, Bool, hsize_t) in
            var status = H5D_SPACE_STATUS_ERROR
            let allocated = H5Dget_space_status(handle.id, &status) >= 0 && status == H5D_SPACE_STATUS_ALLOCATED
            let result = (H5Dget_offset(handle.id), allocated, H5Dget_storage_size(handle.id))
            _ = H5Eclear2(chdf5_E_DEFAULT())
            return result
        }
        var info = stat()
        guard allocated, offset != chdf5_HADDR_UNDEF(), offset < UInt64(Int.max / 4), stored >= hsize_t(needed),
              fstat(descriptor, &info) == 0, Int(offset) + needed <= Int(info.st_size) else { return nil }
        return Int(offset)
    }

    /// Where the chunk at `coordinate` starts, as the library counts, if it
    /// is stored unfiltered with exactly `bytes` bytes; nil if not (never
    /// written chunks hold fill values and are read through the library).
    func storedChunkAddress(at coordinate: inout [hsize_t], bytes: Int) -> Int? {
        var mask: UInt32 = 0
        var address: haddr_t = 0
        var size: hsize_t = 0
        let found = HDF5Call.locked { () -> Bool in
            let status = H5Dget_chunk_info_by_coord(handle.id, &coordinate, &mask, &address, &size)
            if status < 0 { _ = H5Eclear2(chdf5_E_DEFAULT()) }
            return status >= 0
        }
        guard found, mask == 0, address != chdf5_HADDR_UNDEF(), address < UInt64(Int.max / 4), size == hsize_t(bytes) else { return nil }
        return Int(address)
    }

    /// What to add to the library's chunk addresses to get file offsets.
    /// Behind a user block, libhdf5 1.10 reports addresses relative to the
    /// HDF5 data and 1.14 absolute ones, so with a user block the first
    /// chunk decides: exactly one of the two readings must equal the
    /// library's read of it. Nil (read through the library) when that
    /// cannot be settled.
    private func chunkAddressBias<T: HDF5Scalar>(_ type: T.Type, shape: Shape, chunkRows: Int) -> Int? {
        let userBlock = HDF5Call.locked { () -> Int in
            let creation = H5Fget_create_plist(file.handle.id)
            guard creation >= 0 else { return -1 }
            defer { H5Pclose(creation) }
            var size: hsize_t = 0
            return H5Pget_userblock(creation, &size) >= 0 && size < hsize_t(Int.max / 4) ? Int(size) : -1
        }
        guard userBlock > 0 else { return userBlock == 0 ? 0 : nil }
        guard let width = shape.rowWidth, let descriptor = file.rawDescriptor else { return nil }
        let rows = min(chunkRows, shape.dims[0])
        let rowBytes = width * MemoryLayout<T>.stride
        var coordinate = [hsize_t](repeating: 0, count: shape.rank)
        guard rows > 0, let address = storedChunkAddress(at: &coordinate, bytes: chunkRows * rowBytes) else { return nil }
        var expected = [T](unsafeUninitializedCapacity: rows * width) { _, count in count = rows * width }
        guard (try? expected.withUnsafeMutableBufferPointer({
            try readSelection(rows: 0..<rows, shape: shape, into: $0, operation: "read the first chunk of")
        })) != nil else { return nil }
        var candidate = [UInt8](repeating: 0, count: rows * rowBytes)
        let matching = [0, userBlock].filter { bias in
            let count = candidate.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(address + bias)) }
            return count == candidate.count && expected.withUnsafeBytes { $0.elementsEqual(candidate) }
        }
        return matching.count == 1 ? matching[0] : nil
    }

    /// One run of bytes to copy: from `source` in the file to `destination`
    /// bytes into the caller's buffer.
    struct RawSpan {
        var destination: Int
        var source: Int
        var bytes: Int
    }

    /// Reads `rows` raw where the layout allows and through the library for
    /// chunks that are not stored as expected (unallocated ones hold fill
    /// values). Returns false when the dataset does not qualify at all.
    func readRaw<T: HDF5Scalar>(rows: Range<Int>, shape: Shape, into buffer: UnsafeMutableBufferPointer<T>,
                                operation: String) throws -> Bool {
        let layout = rawLayout(T.self, shape: shape)
        guard let width = shape.rowWidth else { return false }
        let rowBytes = width * MemoryLayout<T>.stride
        let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
        // The rows this path fills itself (the first run of them is checked
        // below), and the ones left to the library.
        var firstFilled: Range<Int>?
        var libraryRows: [Range<Int>] = []
        switch layout {
        case .library:
            return false
        case .deflated(let chunkRows, let filters):
            (firstFilled, libraryRows) = try inflate(rows: rows, rank: shape.rank, rowBytes: rowBytes, elementSize: MemoryLayout<T>.stride,
                                                     chunkRows: chunkRows, filters: filters, into: raw, operation: operation)
        case .contiguous(let fileOffset):
            let (skip, overflow) = rows.lowerBound.multipliedReportingOverflow(by: rowBytes)
            guard let descriptor = file.rawDescriptor, !overflow, skip < Int.max / 4 else { return false }
            let span = RawSpan(destination: 0, source: fileOffset + skip, bytes: rows.count * rowBytes)
            try Self.copy([span], from: descriptor, into: raw, threads: readThreadCount, operation: operation, file: file.path, object: path)
            firstFilled = rows
        case .chunked(let chunkRows, let bias):
            guard let descriptor = file.rawDescriptor else { return false }
            var spans: [RawSpan] = []
            var coordinate = [hsize_t](repeating: 0, count: shape.rank)
            for (chunkStart, wanted) in Self.chunkSlices(of: rows, chunkRows: chunkRows) {
                coordinate[0] = hsize_t(chunkStart)
                if let address = storedChunkAddress(at: &coordinate, bytes: chunkRows * rowBytes) {
                    spans.append(RawSpan(destination: (wanted.lowerBound - rows.lowerBound) * rowBytes,
                                         source: address + bias + (wanted.lowerBound - chunkStart) * rowBytes,
                                         bytes: wanted.count * rowBytes))
                    if firstFilled == nil { firstFilled = wanted }
                } else {
                    libraryRows.append(wanted)
                }
            }
            try Self.copy(spans, from: descriptor, into: raw, threads: readThreadCount, operation: operation, file: file.path, object: path)
        }
        for range in libraryRows {
            let from = (range.lowerBound - rows.lowerBound) * width
            try readSelection(rows: range, shape: shape, into: UnsafeMutableBufferPointer(rebasing: buffer[from..<(from + range.count * width)]),
                              operation: operation)
        }
        // Once per dataset and type, the library reads a few of the same
        // rows: if they differ (an address convention or filter this code
        // does not know), the dataset goes back to library reads. A read
        // that raced with a failed check re-reads through the library too.
        let (current, verified) = HDF5Call.locked { (rawLayoutDecision[T.memoryType], rawLayoutVerified.contains(T.memoryType)) }
        if current != layout {
            try readSelection(rows: rows, shape: shape, into: buffer, operation: operation)
        } else if let filled = firstFilled, !verified {
            let check = filled.lowerBound..<min(filled.upperBound, filled.lowerBound + 16)
            var expected = [T](unsafeUninitializedCapacity: check.count * width) { _, count in count = check.count * width }
            try expected.withUnsafeMutableBufferPointer {
                try readSelection(rows: check, shape: shape, into: $0, operation: operation)
            }
            let offset = (check.lowerBound - rows.lowerBound) * rowBytes
            let (same, informative) = expected.withUnsafeBytes {
                (memcmp($0.baseAddress!, raw + offset, $0.count) == 0, $0.contains { $0 != 0 })
            }
            if !same {
                HDF5Call.locked { rawLayoutDecision[T.memoryType] = .library }
                try readSelection(rows: rows, shape: shape, into: buffer, operation: operation)
            } else if informative {
                // All-zero rows would match a wrong offset too: check again next read.
                HDF5Call.locked { _ = rawLayoutVerified.insert(T.memoryType) }
            }
        }
        return true
    }

    /// Copies the spans on `threads` threads, in pieces of about an
    /// equal share each.
    static func copy(_ spans: [RawSpan], from descriptor: Int32, into buffer: UnsafeMutableRawPointer, threads: Int,
                     operation: String, file: String, object: String) throws {
        // Chunks written one after another sit back to back in the file:
        // one run each, then an equal share per thread, so each thread
        // makes few large reads.
        var runs: [RawSpan] = []
        for span in spans where span.bytes > 0 {
            if let last = runs.last, last.destination + last.bytes == span.destination, last.source + last.bytes == span.source {
                runs[runs.count - 1].bytes += span.bytes
            } else {
                runs.append(span)
            }
        }
        let total = runs.reduce(0) { $0 + $1.bytes }
        let share = max(rawPieceBytes, (total + threads - 1) / max(1, threads))
        var pieces: [RawSpan] = []
        for run in runs {
            var done = 0
            while done < run.bytes {
                let bytes = min(share, run.bytes - done)
                pieces.append(RawSpan(destination: run.destination + done, source: run.source + done, bytes: bytes))
                done += bytes
            }
        }
        // A short read means the file ends early: offset and errno 0.
        let failure = ParallelWork.firstFailure(count: pieces.count, workers: threads) { index, _ -> (offset: Int, code: Int32)? in
            let piece = pieces[index]
            var done = 0
            while done < piece.bytes {
                let count = pread(descriptor, buffer + piece.destination + done, piece.bytes - done, off_t(piece.source + done))
                if count > 0 {
                    done += count
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return (piece.source + done, count < 0 ? errno : 0)
                }
            }
            return nil
        }
        if let failure {
            throw HDF5Error(failure.code == 0 ? .corrupt : .access, operation: operation, file: file, object: object,
                            detail: failure.code == 0
                                ? "the file ends at byte \(failure.offset), inside the data it says is stored there (truncated?)"
                                : "reading byte \(failure.offset) failed: \(String(cString: strerror(failure.code)))")
        }
    }
}
