import Foundation
import Testing
@testable import HDF5

@Suite struct RoundTripTests {
    @Test func numericTypesRoundTripThroughNativeTypes() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("types.h5").path
        do {
            let root = try File.create(path).root
            try root.writeDataset("u8", [UInt8](0..<12), shape: [4, 3])
            try root.writeDataset("i16", (0..<12).map { Int16($0 - 6) }, shape: [4, 3])
            try root.writeDataset("u32", (0..<12).map { UInt32($0 * 1000) }, shape: [4, 3])
            try root.writeDataset("i64", (0..<12).map { Int64($0) * -123_456_789_012 }, shape: [4, 3])
            try root.writeDataset("f16", (0..<12).map { Float16(Float($0) * 0.25 - 1) }, shape: [4, 3])
            try root.writeDataset("f64", (0..<12).map { Double($0) / 3 }, shape: [4, 3])
        }
        let root = try File.open(path).root
        #expect(try root.dataset("u8").readAll(as: Int64.self) == (0..<12).map { Int64($0) })
        #expect(try root.dataset("i16").readAll(as: Int32.self) == (0..<12).map { Int32($0 - 6) })
        #expect(try root.dataset("u32").readAll(as: UInt64.self) == (0..<12).map { UInt64($0 * 1000) })
        #expect(try root.dataset("i64").readAll(as: Int64.self) == (0..<12).map { Int64($0) * -123_456_789_012 })
        #expect(try root.dataset("f16").datatype.numpyCode == "<f2")
        #expect(try root.dataset("f16").readAll(as: Float.self) == (0..<12).map { Float($0) * 0.25 - 1 })
        #expect(try root.dataset("f64").readAll(as: Double.self) == (0..<12).map { Double($0) / 3 })
    }

    @Test func chunkedGzipShuffleDatasetGrowsByRowBlocks() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("grow.h5").path
        let width = 7
        let all = (0..<(1000 * width)).map { Float($0 % 97) * 0.5 }
        do {
            let root = try File.create(path).root
            let dataset = try root.createDataset(
                "acts", of: Float.self, shape: [0, width],
                options: DatasetOptions(chunkDims: [64, width], maxDims: [nil, width], gzipLevel: 4, shuffle: true))
            for block in Dataset.blocks(rows: 1000, blockRows: 300) {
                try dataset.append(Array(all[(block.lowerBound * width)..<(block.upperBound * width)]))
            }
        }
        let dataset = try File.open(path).root.dataset("acts")
        #expect(try dataset.shape.dims == [1000, width])
        #expect(try dataset.shape.maxDims == [nil, width])
        let layout = try dataset.storageLayout
        #expect(layout.chunkDims == [64, width])
        #expect(layout.filters.map(\.id) == [2, 1])
        #expect(dataset.storedBytes < 1000 * width * 4)
        #expect(try dataset.storedChunks().count == 16)  // ceil(1000 / 64)
        #expect(try dataset.readAll(as: Float.self) == all)

        // A caller's buffer, an unaligned block.
        var buffer = [Float](repeating: .nan, count: 5 * width)
        try buffer.withUnsafeMutableBufferPointer { try dataset.read(rows: 61..<66, into: $0) }
        #expect(buffer == Array(all[(61 * width)..<(66 * width)]))

        // Streaming visits every row once, in order, on chunk boundaries.
        var seen: [Float] = []
        var starts: [Int] = []
        try dataset.forEachRowBlock(as: Float.self, targetBytes: 100 * width * 4) { rows, values in
            starts.append(rows.lowerBound)
            seen.append(contentsOf: values)
        }
        #expect(seen == all)
        #expect(starts.allSatisfy { $0 % 64 == 0 })
    }

    @Test func wrongBufferSizeAndRowsOutOfRangeAreRefused() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = try File.create(folder.appendingPathComponent("x.h5").path).root
        let dataset = try root.writeDataset("x", [Float](repeating: 1, count: 20), shape: [10, 2])
        var small = [Float](repeating: 0, count: 3)
        let error = #expect(throws: HDF5Error.self) {
            try small.withUnsafeMutableBufferPointer { try dataset.read(rows: 0..<2, into: $0) }
        }
        #expect(error?.kind == .invalidArgument)
        #expect(throws: HDF5Error.self) { try dataset.readRows(5..<11, as: Float.self) }
    }

    @Test func attributesRoundTrip() throws {
        let folder = try TestPaths.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("attrs.h5").path
        do {
            let root = try File.create(path).root
            try root.setAttribute("name", "ρ — unicode")
            try root.setAttribute("count", Int64(-5))
            try root.setAttribute("rate", 0.001)
            try root.setAttribute("dims", [Int64(3), 4])
            try root.setAttribute("name", "replaced")
        }
        let root = try File.open(path).root
        #expect(try root.attribute("name") == .string("replaced"))
        #expect(try root.attribute("count") == .integer(-5))
        #expect(try root.attribute("rate") == .double(0.001))
        #expect(try root.attribute("dims") == .integers([3, 4]))
        #expect(try root.attributeNames() == ["count", "dims", "name", "rate"])
    }

    @Test func describeWalksEveryObjectOnce() throws {
        let file = try File.open(TestPaths.h5pyFixtures.appendingPathComponent("names.h5").path)
        let objects = try file.describeObjects()
        let paths = objects.map(\.path)
        #expect(Set(paths).count == paths.count)
        #expect(paths.contains("/a/b/c/data"))
        #expect(objects.first { $0.path == "/external" }?.kind == .externalLink)
        #expect(objects.first { $0.path == "/link_to_data" }?.target == "/a/b/c/data")
    }
}
