import Foundation
import Testing
@testable import HDF5
import CHDF5

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
            _ = H5Dset_extent(dataset.handle.id, &dims)
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

    /// Compressed chunks and files open for writing take the library's path.
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
            #expect(zipped.rawLayout(Float.self, shape: try zipped.shape) == .library)
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
        do {
            _ = try dataset.readRows(0..<4096, as: Float.self)
            Issue.record("a truncated read should fail")
        } catch let error as HDF5Error {
            #expect(error.kind == .corrupt)
            #expect(error.description.contains("ends"), "\(error.description)")
        }
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
            let dataset = try File.open(path).root.dataset(name)
            #expect(try dataset.readRows(0..<rows, as: Float.self) == values, "\(name)")
            #expect(try dataset.readRows(7..<2999, as: Float.self) == Array(values[(7 * width)..<(2999 * width)]), "\(name)")
        }
    }
}
