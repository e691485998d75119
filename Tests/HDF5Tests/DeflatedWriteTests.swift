import Foundation
import Testing
@testable import HDF5
import CHDF5
import CZlib

/// Writes that compress their own chunks (Dataset+Deflate) must store what
/// the library's filters would: zlib (not libdeflate) and a literal
/// byte-plane loop undo them here, and the library's own read gives back
/// every value written, whichever rows went which way.
@Suite struct DeflatedWriteTests {
    static let width = 5

    /// Rows `rows` of a pattern with negative, fractional and repeated values.
    static func values<T: HDF5Scalar>(_ rows: Range<Int>, _ make: (Int) -> T) -> [T] {
        (rows.lowerBound * width..<rows.upperBound * width).map(make)
    }

    static func float(_ index: Int) -> Float { Float(index % 97) * 0.37 - 11 }

    /// The library's read, through its own zlib filter.
    static func libraryRows<T: HDF5Scalar>(_ dataset: Dataset, _ rows: Range<Int>, as type: T.Type) throws -> [T] {
        var values = [T](unsafeUninitializedCapacity: rows.count * width) { $1 = rows.count * width }
        try values.withUnsafeMutableBufferPointer {
            try dataset.readSelection(rows: rows, shape: try dataset.shape, into: $0, operation: "read")
        }
        return values
    }

    /// Appends of aligned and unaligned sizes (chunks filled whole, filled
    /// to the dataset's end, and filled in part on both sides of earlier
    /// rows), then the rows read back through the library.
    @Test(arguments: [false, true])
    func everyValueReadsBackThroughTheLibrary(shuffle: Bool) throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("written.h5").path
        let pieces = [16, 40, 3, 13, 64, 7, 1, 31]
        let total = pieces.reduce(0, +)
        let options = DatasetOptions(chunkDims: [16, Self.width], maxDims: [nil, Self.width], gzipLevel: 4, shuffle: shuffle)
        do {
            let root = try File.create(path).root
            let datasets = (
                try root.createDataset("f", of: Float.self, shape: [0, Self.width], options: options),
                try root.createDataset("d", of: Double.self, shape: [0, Self.width], options: options),
                try root.createDataset("i", of: Int64.self, shape: [0, Self.width], options: options),
                try root.createDataset("u", of: UInt8.self, shape: [0, Self.width], options: options))
            #expect(datasets.0.deflatedWriting(Float.self, shape: try datasets.0.shape)
                    == Dataset.DeflatedWriting(chunkRows: 16, rowWidth: Self.width, shuffle: shuffle, level: 4))
            var start = 0
            for count in pieces {
                let rows = start..<(start + count)
                try datasets.0.append(Self.values(rows, Self.float))
                try datasets.1.append(Self.values(rows) { Double(Self.float($0)) * 1e-300 })
                try datasets.2.append(Self.values(rows) { Int64($0 * 7919) - 1_000_000_007 })
                try datasets.3.append(Self.values(rows) { UInt8(truncatingIfNeeded: $0 * 31) })
                start += count
            }
        }
        let root = try File.open(path).root
        let all = 0..<total
        #expect(try Self.libraryRows(try root.dataset("f"), all, as: Float.self) == Self.values(all, Self.float))
        #expect(try Self.libraryRows(try root.dataset("d"), all, as: Double.self) == Self.values(all) { Double(Self.float($0)) * 1e-300 })
        #expect(try Self.libraryRows(try root.dataset("i"), all, as: Int64.self) == Self.values(all) { Int64($0 * 7919) - 1_000_000_007 })
        #expect(try Self.libraryRows(try root.dataset("u"), all, as: UInt8.self) == Self.values(all) { UInt8(truncatingIfNeeded: $0 * 31) })
        #expect(try root.dataset("f").readRows(all, as: Float.self) == Self.values(all, Self.float))
    }

    /// A chunk written whole holds one zlib stream of the chunk's bytes in
    /// byte planes, but not zlib's own (so this write made it).
    @Test func aWholeChunkIsAZlibStreamOfItsShuffledBytes() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("chunk.h5").path
        // Varied values (a linear congruential sequence), so two compressors' streams differ.
        let rows = 0..<256
        var state: UInt32 = 12_345
        let values = Self.values(rows) { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / 65_536 - 128
        }
        do {
            let root = try File.create(path).root
            try root.createDataset("x", of: Float.self, shape: [0, Self.width],
                                   options: DatasetOptions(chunkDims: [256, Self.width], maxDims: [nil, Self.width], gzipLevel: 6, shuffle: true))
                .append(values)
        }
        let dataset = try File.open(path).root.dataset("x")
        let chunks = try dataset.storedChunks()
        #expect(chunks.count == 1 && chunks[0].filterMask == 0)
        var stored = [UInt8](repeating: 0, count: chunks[0].storedBytes)
        var offset: [hsize_t] = [0, 0]
        var mask: UInt32 = 0
        #expect(H5Dread_chunk(dataset.handle.id, chdf5_P_DEFAULT(), &offset, &mask, &stored) >= 0)
        let bytes = values.withUnsafeBytes { Array($0) }
        var planes = [UInt8](repeating: 0, count: bytes.count)
        for element in 0..<values.count { for byte in 0..<4 { planes[byte * values.count + element] = bytes[element * 4 + byte] } }
        var inflated = [UInt8](repeating: 0, count: bytes.count + 1)
        var inflatedCount = uLongf(inflated.count)
        #expect(uncompress(&inflated, &inflatedCount, stored, uLong(stored.count)) == Z_OK)
        #expect(Array(inflated[0..<Int(inflatedCount)]) == planes)
        var zlibs = [UInt8](repeating: 0, count: Int(compressBound(uLong(planes.count))))
        var zlibCount = uLongf(zlibs.count)
        #expect(compress2(&zlibs, &zlibCount, planes, uLong(planes.count), 6) == Z_OK)
        #expect(Array(zlibs[0..<Int(zlibCount)]) != stored)
    }

    /// A partial end chunk is padded with the fill value (zero): rows the
    /// dataset grows over without writing read as zeros, and a later write
    /// into the same chunk keeps the rows before it.
    @Test func aPartialEndChunkIsPaddedWithZerosAndMergedLater() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("partial.h5").path
        do {
            let root = try File.create(path).root
            let options = DatasetOptions(chunkDims: [16, Self.width], maxDims: [nil, Self.width], gzipLevel: 1, shuffle: true)
            let grown = try root.createDataset("grown", of: Float.self, shape: [0, Self.width], options: options)
            try grown.append(Self.values(0..<10, Self.float))
            var dims: [hsize_t] = [16, hsize_t(Self.width)]
            #expect(H5Dset_extent(grown.handle.id, &dims) >= 0)
            let merged = try root.createDataset("merged", of: Float.self, shape: [0, Self.width], options: options)
            try merged.append(Self.values(0..<10, Self.float))
            try merged.append(Self.values(10..<13, Self.float))
            try Self.values(0..<4) { -Self.float($0) }.withUnsafeBufferPointer { try merged.write(rows: 0..<4, from: $0) }
        }
        let root = try File.open(path).root
        #expect(try Self.libraryRows(try root.dataset("grown"), 0..<16, as: Float.self)
                == Self.values(0..<10, Self.float) + [Float](repeating: 0, count: 6 * Self.width))
        #expect(try Self.libraryRows(try root.dataset("merged"), 0..<13, as: Float.self)
                == Self.values(0..<4) { -Self.float($0) } + Self.values(4..<13, Self.float))
    }

    /// The file's bytes do not depend on how many threads compress.
    @Test func theFileIsTheSameWhateverTheThreads() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try [1, 2, 3].map { threads -> Data in
            let path = folder.appendingPathComponent("threads\(threads).h5").path
            do {
                let root = try File.create(path).root
                let dataset = try root.createDataset("x", of: Float.self, shape: [0, Self.width],
                                                     options: DatasetOptions(chunkDims: [8, Self.width], maxDims: [nil, Self.width], gzipLevel: 1, shuffle: true))
                dataset.readThreadCount = threads
                try dataset.append(Self.values(0..<150, Self.float))
                try dataset.append(Self.values(150..<301, Self.float))
            }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        #expect(files[0] == files[1] && files[1] == files[2])
    }

    /// Rows that grew wider than the chunks (an unlimited second
    /// dimension extended) go back to the library.
    @Test func rowsWiderThanTheChunksGoToTheLibrary() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wider.h5").path
        do {
            let root = try File.create(path).root
            let dataset = try root.createDataset("x", of: Float.self, shape: [0, 5],
                                                 options: DatasetOptions(chunkDims: [16, 5], maxDims: [nil, nil], gzipLevel: 4, shuffle: true))
            try dataset.append(Self.values(0..<16, Self.float))
            var dims: [hsize_t] = [16, 7]
            #expect(H5Dset_extent(dataset.handle.id, &dims) >= 0)
            try dataset.append((0..<(16 * 7)).map { Float($0) - 50 })
        }
        let dataset = try File.open(path).root.dataset("x")
        var values = [Float](repeating: .nan, count: 32 * 7)
        try values.withUnsafeMutableBufferPointer {
            try dataset.readSelection(rows: 0..<32, shape: try dataset.shape, into: $0, operation: "read")
        }
        let first: [Float] = (0..<16).flatMap { (row: Int) -> [Float] in Self.values(row..<(row + 1), Self.float) + [0, 0] }
        #expect(Array(values[0..<(16 * 7)]) == first)
        let second: [Float] = (0..<(16 * 7)).map { Float($0) - 50 }
        #expect(Array(values[(16 * 7)...]) == second)
    }

    /// Everything the encoder does not reproduce stays with the library.
    @Test func otherStorageIsLeftToTheLibrary() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = try File.create(folder.appendingPathComponent("other.h5").path).root
        let growing = DatasetOptions(chunkDims: [16, Self.width], maxDims: [nil, Self.width], gzipLevel: 4)
        let float32 = try root.createDataset("float32", of: Float.self, shape: [0, Self.width], options: growing)
        #expect(float32.deflatedWriting(Double.self, shape: try float32.shape) == nil)  // needs conversion
        let plain = try root.createDataset("plain", of: Float.self, shape: [0, Self.width],
                                           options: DatasetOptions(chunkDims: [16, Self.width], maxDims: [nil, Self.width]))
        #expect(plain.deflatedWriting(Float.self, shape: try plain.shape) == nil)
        let split = try root.createDataset("split", of: Float.self, shape: [0, Self.width],
                                           options: DatasetOptions(chunkDims: [16, 2], maxDims: [nil, Self.width], gzipLevel: 4))
        #expect(split.deflatedWriting(Float.self, shape: try split.shape) == nil)  // rows split across chunks
        let levelZero = try root.createDataset("level0", of: Float.self, shape: [0, Self.width],
                                               options: DatasetOptions(chunkDims: [16, Self.width], maxDims: [nil, Self.width], gzipLevel: 0))
        #expect(levelZero.deflatedWriting(Float.self, shape: try levelZero.shape) == nil)
        #expect(try Self.createAndCheck(root, "filled") { H5Pset_fill_value($0, chdf5_T_NATIVE_FLOAT(), [Float(2.5)]) } == nil)
        #expect(try Self.createAndCheck(root, "fletcher") { H5Pset_fletcher32($0) } == nil)
        #expect(try Self.createAndCheck(root, "unfilteredEdges") { H5Pset_chunk_opts($0, UInt32(H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS)) } == nil)
        #expect(try Self.createAndCheck(root, "control") { _ in 0 } == Dataset.DeflatedWriting(chunkRows: 16, rowWidth: Self.width, shuffle: false, level: 4))
    }

    /// A deflated float dataset whose creation list `adjust` changed, and the plan for it.
    static func createAndCheck(_ root: Group, _ name: String, _ adjust: (hid_t) -> herr_t) throws -> Dataset.DeflatedWriting? {
        let dcpl = H5Pcreate(chdf5_P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        var chunk: [hsize_t] = [16, hsize_t(width)]
        var dims: [hsize_t] = [0, hsize_t(width)]
        var maxDims: [hsize_t] = [chdf5_S_UNLIMITED(), hsize_t(width)]
        #expect(H5Pset_chunk(dcpl, 2, &chunk) >= 0 && H5Pset_deflate(dcpl, 4) >= 0 && adjust(dcpl) >= 0)
        let space = H5Screate_simple(2, &dims, &maxDims)
        defer { H5Sclose(space) }
        let id = H5Dcreate2(root.handle.id, name, chdf5_T_NATIVE_FLOAT(), space, chdf5_P_DEFAULT(), dcpl, chdf5_P_DEFAULT())
        #expect(id >= 0)
        let dataset = Dataset(handle: try Handle(id, operation: "create", closer: H5Dclose), file: root.file, path: "/" + name)
        let plan = dataset.deflatedWriting(Float.self, shape: try dataset.shape)
        try dataset.append(Self.values(0..<20, Self.float))
        #expect(try Self.libraryRows(dataset, 0..<20, as: Float.self) == Self.values(0..<20, Self.float))
        return plan
    }
}
