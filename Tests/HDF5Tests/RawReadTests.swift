import Foundation
import Testing
@testable import HDF5
import CHDF5
import CZlib

/// Reads that copy stored bytes with `pread` (Dataset+RawReads) must give
/// exactly what the library's own read gives, for every layout they accept,
/// and step aside for the ones they do not.
@Suite struct RawReadTests {
    static let width = 5
    static let all = (0..<(203 * width)).map { Float($0) * 0.5 - 7 }

    /// Rows `rows` of `all`, with fill values (0) past its 203 rows.
    static func expected(_ rows: Range<Int>) -> [Float] {
        rows.flatMap { row in row < 203 ? Array(all[(row * width)..<((row + 1) * width)]) : [Float](repeating: 0, count: width) }
    }

    static let ranges = [0..<203, 3..<200, 16..<48, 5..<21, 190..<240, 0..<240, 17..<18]

    /// Whole-row chunks, some never allocated, in a file with and without a
    /// user block (library addresses then start 512 bytes into the file).
    @Test(arguments: [0, 512])
    func chunkedReadsMatchTheLibrary(userBlock: Int) throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("chunked.h5").path
        do {
            let root = try File.create(path, userBlockBytes: userBlock).root
            let dataset = try root.createDataset("x", of: Float.self, shape: [0, Self.width],
                                                 options: DatasetOptions(chunkDims: [16, Self.width], maxDims: [nil, Self.width]))
            try dataset.append(Self.all)
            // Grow without writing: the new chunks are never allocated (fill values).
            var dims: [hsize_t] = [240, hsize_t(Self.width)]
            #expect(H5Dset_extent(dataset.handle.id, &dims) >= 0)
        }
        let dataset = try File.open(path).root.dataset("x")
        #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) == .chunked(chunkRows: 16, addressBias: userBlock))
        #expect(dataset.rawLayout(Double.self, shape: try dataset.shape) == .library)  // needs conversion
        for rows in Self.ranges {
            #expect(try dataset.readRows(rows, as: Float.self) == Self.expected(rows), "rows \(rows)")
            #expect(try dataset.readRows(rows, as: Double.self) == Self.expected(rows).map(Double.init), "rows \(rows)")
        }
        // The first raw read was checked against the library and kept.
        #expect(dataset.rawLayoutVerified.contains(Float.memoryType))
        #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) == .chunked(chunkRows: 16, addressBias: userBlock))
    }

    @Test(arguments: [0, 512])
    func contiguousReadsMatchTheLibrary(userBlock: Int) throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("contiguous.h5").path
        do {
            try File.create(path, userBlockBytes: userBlock).root.writeDataset("x", Self.all, shape: [203, Self.width])
        }
        let dataset = try File.open(path).root.dataset("x")
        guard case .contiguous = dataset.rawLayout(Float.self, shape: try dataset.shape) else {
            Issue.record("contiguous float data should be read raw")
            return
        }
        for rows in Self.ranges where rows.upperBound <= 203 {
            #expect(try dataset.readRows(rows, as: Float.self) == Self.expected(rows), "rows \(rows)")
        }
        #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) != .library)
    }

    /// Files open for writing and filters other than deflate and shuffle
    /// take the library's path; deflate and shuffle are undone here.
    @Test func filteredAndWritableDataStayWithTheLibrary() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("zipped.h5").path
        do {
            let root = try File.create(path).root
            try root.writeDataset("z", Self.all, shape: [203, Self.width],
                                  options: DatasetOptions(chunkDims: [16, Self.width], gzipLevel: 1))
            try root.writeDataset("x", Self.all, shape: [203, Self.width])
        }
        do {
            let zipped = try File.open(path).root.dataset("z")
            #expect(zipped.rawLayout(Float.self, shape: try zipped.shape) == .deflated(chunkRows: 16, filters: [1]))
            #expect(zipped.rawLayout(Double.self, shape: try zipped.shape) == .library)  // needs conversion
            #expect(try zipped.readRows(0..<203, as: Float.self) == Self.all)
        }
        let writable = try File.open(path, mode: .readWrite).root.dataset("x")
        #expect(writable.rawLayout(Float.self, shape: try writable.shape) == .library)
        #expect(try writable.readRows(0..<203, as: Float.self) == Self.all)
    }

    /// A file cut short inside raw data: a clear error, not garbage or a crash.
    @Test func truncatedDataIsReportedNotReturned() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("cut.h5").path
        let big = (0..<(4096 * 64)).map { Float($0) }
        do {
            try File.create(path).root.writeDataset("x", big, shape: [4096, 64])
        }
        let dataset = try File.open(path).root.dataset("x")
        guard case .contiguous(let offset) = dataset.rawLayout(Float.self, shape: try dataset.shape) else {
            Issue.record("expected contiguous storage")
            return
        }
        // Cut the file halfway through the data, behind the open file's back.
        #expect(truncate(path, off_t(offset + big.count * 2)) == 0)
        let error = #expect(throws: HDF5Error.self) { try dataset.readRows(0..<4096, as: Float.self) }
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains("ends") == true, "\(String(describing: error))")
    }

    /// Reads split over several threads land every byte in its place.
    @Test func piecesCoverBlocksLargerThanOnePiece() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wide.h5").path
        let (rows, width) = (3000, 257)  // 3 MB: several 1 MiB pieces, rows straddling them
        let values = (0..<(rows * width)).map { Float($0 % 9973) - Float($0 / 9973) }
        do {
            let root = try File.create(path).root
            try root.writeDataset("c", values, shape: [rows, width])
            try root.writeDataset("k", values, shape: [rows, width], options: DatasetOptions(chunkDims: [1500, width]))
        }
        for name in ["c", "k"] {
            for threads in [1, 2, 4] {
                let dataset = try File.open(path).root.dataset(name)
                dataset.readThreadCount = threads
                #expect(try dataset.readRows(0..<rows, as: Float.self) == values, "\(name), \(threads) threads")
                #expect(try dataset.readRows(7..<2999, as: Float.self) == Array(values[(7 * width)..<(2999 * width)]),
                        "\(name), \(threads) threads")
                #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) != .library, "\(name)")
            }
        }
    }

    /// Deflated chunks, with and without shuffle, several element sizes,
    /// never-written chunks and partial first and last chunks.
    @Test(arguments: [false, true])
    func deflatedReadsMatchTheLibrary(shuffle: Bool) throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("deflated.h5").path
        let width = Self.width
        let doubles = Self.all.map { Double($0) * 1.5 }
        let integers = (0..<Self.all.count).map { Int32($0 * 7919 % 65_537) - 30_000 }
        let options = DatasetOptions(chunkDims: [16, width], maxDims: [nil, width], gzipLevel: 6, shuffle: shuffle)
        do {
            let root = try File.create(path).root
            let floats = try root.createDataset("f", of: Float.self, shape: [0, width], options: options)
            try floats.append(Self.all)
            var dims: [hsize_t] = [240, hsize_t(width)]
            #expect(H5Dset_extent(floats.handle.id, &dims) >= 0)  // chunks past row 203 never written
            try root.createDataset("d", of: Double.self, shape: [0, width], options: options).append(doubles)
            try root.createDataset("i", of: Int32.self, shape: [0, width], options: options).append(integers)
        }
        let root = try File.open(path).root
        let floats = try root.dataset("f")
        let pipeline = shuffle ? [2, 1] : [1]
        #expect(floats.rawLayout(Float.self, shape: try floats.shape) == .deflated(chunkRows: 16, filters: pipeline))
        for threads in [1, 3] {
            floats.readThreadCount = threads
            for rows in Self.ranges {
                #expect(try floats.readRows(rows, as: Float.self) == Self.expected(rows), "rows \(rows), \(threads) threads")
            }
        }
        #expect(floats.rawLayoutVerified.contains(Float.memoryType))
        #expect(floats.rawLayout(Float.self, shape: try floats.shape) != .library)
        let (d, i) = (try root.dataset("d"), try root.dataset("i"))
        #expect(d.rawLayout(Double.self, shape: try d.shape) == .deflated(chunkRows: 16, filters: pipeline))
        #expect(i.rawLayout(Int32.self, shape: try i.shape) == .deflated(chunkRows: 16, filters: pipeline))
        for rows in [0..<203, 5..<21, 100..<101] {
            let slice = (rows.lowerBound * width)..<(rows.upperBound * width)
            #expect(try d.readRows(rows, as: Double.self) == Array(doubles[slice]), "rows \(rows)")
            #expect(try i.readRows(rows, as: Int32.self) == Array(integers[slice]), "rows \(rows)")
        }
        #expect(d.rawLayout(Double.self, shape: try d.shape) != .library)
        #expect(i.rawLayout(Int32.self, shape: try i.shape) != .library)
    }

    /// Chunks whose writer skipped a filter: deflate skipped (mask bit 1)
    /// leaves shuffled bytes to unshuffle only; shuffle skipped (bit 0)
    /// leaves deflated plain bytes to inflate only.
    @Test func chunksWithSkippedFiltersAreDecodedByTheirMask() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mask.h5").path
        let width = Self.width
        do {
            let root = try File.create(path).root
            let dataset = try root.createDataset("x", of: Float.self, shape: [48, width],
                                                 options: DatasetOptions(chunkDims: [16, width], gzipLevel: 4, shuffle: true))
            try Array(Self.all[0..<(16 * width)]).withUnsafeBufferPointer { try dataset.write(rows: 0..<16, from: $0) }
            // Chunk 1 by hand: shuffled bytes, deflate marked as skipped.
            let plain = Array(Self.all[(16 * width)..<(32 * width)])
            let bytes = plain.withUnsafeBytes { Array($0) }
            var shuffled = [UInt8](repeating: 0, count: bytes.count)
            let elements = plain.count
            for element in 0..<elements { for byte in 0..<4 { shuffled[byte * elements + element] = bytes[element * 4 + byte] } }
            var offset: [hsize_t] = [16, 0]
            var status = H5Dwrite_chunk(dataset.handle.id, chdf5_P_DEFAULT(), 0b10, &offset, shuffled.count, shuffled)
            #expect(status >= 0)
            // Chunk 2: deflated but not shuffled, shuffle marked as skipped.
            let third = Array(Self.all[(32 * width)..<(48 * width)]).withUnsafeBytes { Array($0) }
            var packed = [UInt8](repeating: 0, count: Int(compressBound(uLong(third.count))))
            var packedCount = uLongf(packed.count)
            #expect(compress2(&packed, &packedCount, third, uLong(third.count), 4) == Z_OK)
            offset = [32, 0]
            status = H5Dwrite_chunk(dataset.handle.id, chdf5_P_DEFAULT(), 0b01, &offset, Int(packedCount), packed)
            #expect(status >= 0)
        }
        let dataset = try File.open(path).root.dataset("x")
        #expect(try dataset.readRows(0..<48, as: Float.self) == Array(Self.all[0..<(48 * width)]))
        #expect(try dataset.readRows(10..<40, as: Float.self) == Array(Self.all[(10 * width)..<(40 * width)]))
        // Still decoded here: the first-read check against the library passed.
        #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) == .deflated(chunkRows: 16, filters: [2, 1]))
    }

    /// A chunk whose mask skipped deflate but whose stored bytes outrun a
    /// chunk: refused, and nothing written past the decoder's two scratch
    /// chunks (unshuffle once wrote the stored length into one chunk's slot).
    @Test func anOverlongUndeflatedChunkIsRefusedWithoutOverflow() {
        let chunkBytes = 64
        let decoder = ChunkDecoder(filters: [Dataset.shuffleFilter, Dataset.deflateFilter], chunkBytes: chunkBytes, elementSize: 4, rowBytes: 16)
        let chunk = Dataset.StoredChunkBytes(chunkStart: 0, wanted: 0..<4, bytes: [UInt8](repeating: 7, count: chunkBytes + 40), skipped: 0b10)
        // Two scratch chunks, then a sentinel region that must stay untouched.
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 3 * chunkBytes, alignment: 64)
        defer { scratch.deallocate() }
        scratch.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 3 * chunkBytes)
        let target = UnsafeMutableRawPointer.allocate(byteCount: chunkBytes, alignment: 64)
        defer { target.deallocate() }
        let problem = decoder.decode(chunk, scratch: scratch, into: target)
        #expect(problem?.contains("holds 104 bytes, not the chunk's 64") == true, "\(String(describing: problem))")
        let sentinel = UnsafeBufferPointer(start: (scratch + 2 * chunkBytes).assumingMemoryBound(to: UInt8.self), count: chunkBytes)
        #expect(sentinel.allSatisfy { $0 == 0xAB }, "the decoder wrote past its scratch")
        let scratchTail = UnsafeBufferPointer(start: scratch.assumingMemoryBound(to: UInt8.self), count: 2 * chunkBytes)
        #expect(scratchTail.allSatisfy { $0 == 0xAB }, "the decoder wrote before refusing")
    }

    /// Damaged compressed bytes: a clear error naming the chunk.
    @Test func damagedCompressedChunkIsReported() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("damaged.h5").path
        let width = 64
        let values = (0..<(64 * width)).map { Float($0 % 101) * 0.25 }
        do {
            try File.create(path).root.writeDataset("x", values, shape: [64, width],
                                                    options: DatasetOptions(chunkDims: [32, width], gzipLevel: 4))
        }
        // Overwrite the middle of the second chunk's compressed bytes.
        let chunk = try File.open(path).root.dataset("x").storedChunks()[1]
        #expect(chunk.offset == [32, 0])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: chunk.address + UInt64(chunk.storedBytes / 2))
        handle.write(Data(repeating: 0xA5, count: 16))
        try handle.close()
        let dataset = try File.open(path).root.dataset("x")
        let error = #expect(throws: HDF5Error.self) { try dataset.readRows(0..<64, as: Float.self) }
        #expect(error?.kind == .corrupt)
        #expect(error?.description.contains("row 32") == true, "\(String(describing: error))")
    }

    /// A contiguous dataset never written has no storage; behind a user
    /// block its reported address is not a real offset. Fill values, no error.
    @Test func unallocatedContiguousDataReadsAsFillValues() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("empty.h5").path
        do {
            _ = try File.create(path, userBlockBytes: 512).root.createDataset("x", of: Float.self, shape: [100, Self.width])
        }
        let dataset = try File.open(path).root.dataset("x")
        #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) == .library)
        #expect(try dataset.readRows(0..<100, as: Float.self) == [Float](repeating: 0, count: 100 * Self.width))
    }

    /// `H5Pset_chunk_opts(DONT_FILTER_PARTIAL_CHUNKS)` stores the partial
    /// last chunk unfiltered whatever its mask says: the library reads it.
    @Test func unfilteredPartialChunksStayWithTheLibrary() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("partial.h5").path
        do {
            let file = try File.create(path)
            let creation = H5Pcreate(chdf5_P_DATASET_CREATE())
            var chunk: [hsize_t] = [16, hsize_t(Self.width)]
            #expect(H5Pset_chunk(creation, 2, &chunk) >= 0)
            #expect(H5Pset_deflate(creation, 4) >= 0)
            #expect(H5Pset_chunk_opts(creation, UInt32(H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS)) >= 0)
            var dims: [hsize_t] = [203, hsize_t(Self.width)]
            let space = H5Screate_simple(2, &dims, nil)
            let dataset = H5Dcreate2(file.handle.id, "x", chdf5_T_NATIVE_FLOAT(), space, chdf5_P_DEFAULT(), creation, chdf5_P_DEFAULT())
            #expect(H5Dwrite(dataset, chdf5_T_NATIVE_FLOAT(), chdf5_S_ALL(), chdf5_S_ALL(), chdf5_P_DEFAULT(), Self.all) >= 0)
            H5Dclose(dataset)
            H5Sclose(space)
            H5Pclose(creation)
        }
        let dataset = try File.open(path).root.dataset("x")
        #expect(dataset.rawLayout(Float.self, shape: try dataset.shape) == .library)
        #expect(try dataset.readRows(0..<203, as: Float.self) == Self.all)
    }
}
