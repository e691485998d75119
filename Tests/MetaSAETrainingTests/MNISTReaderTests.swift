import CZlib
import Foundation
import TestSupport
import Testing
@testable import MetaSAETraining

/// The IDX reader against known facts of the real MNIST files (counted
/// independently with Python's gzip module and NumPy).
@Suite struct MNISTReaderTests {
    static let repository = TestSupport.repository
    static let folder = repository.appendingPathComponent("data/mnist").path

    @Test func bundledFilesHaveTheKnownCountsAndPixels() throws {
        let mnist = try MNIST(folder: Self.folder)
        #expect(mnist.train.count == 60_000)
        #expect(mnist.test.count == 10_000)
        var trainCounts = [Int](repeating: 0, count: 10)
        for label in mnist.train.labels { trainCounts[Int(label)] += 1 }
        #expect(trainCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        var testCounts = [Int](repeating: 0, count: 10)
        for label in mnist.test.labels { testCounts[Int(label)] += 1 }
        #expect(testCounts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(mnist.train.labels[0] == 5)
        #expect(mnist.train.pixels[14 * 28 + 14] == 240)
        #expect(mnist.train.pixels[5 * 28 + 12] == 3)
        #expect(mnist.train.pixels[0..<784].reduce(0) { $0 + Int($1) } == 27525)
    }

    @Test func rawUncompressedFilesReadTheSame() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let gz = try IDXFile(path: Self.folder + "/t10k-labels-idx1-ubyte.gz", expectedRank: 1)
        var raw = Data([0, 0, 8, 1, 0, 0, 0x27, 0x10])
        raw.append(contentsOf: gz.bytes)
        let path = folder.appendingPathComponent("labels-idx1-ubyte").path
        try raw.write(to: URL(fileURLWithPath: path))
        let file = try IDXFile(path: path, expectedRank: 1)
        #expect(file.dimensions == [10_000])
        #expect(file.bytes == gz.bytes)
    }

    /// A gzip file of two members (which libdeflate does not take whole)
    /// reads as zlib reads it; one whose data or size trailer is wrong is
    /// refused by name, as zlib refuses it.
    @Test func twoMembersReadAndDamageIsRefused() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/t10k-labels-idx1-ubyte.gz"))
        let labels = try IDXFile(path: Self.folder + "/t10k-labels-idx1-ubyte.gz", expectedRank: 1).bytes
        let raw = [0, 0, 8, 1, 0, 0, 0x27, 0x10] + labels
        // Two members, written by zlib's gzwrite: the header and 5 labels, then the rest.
        let members = try [raw[0..<13], raw[13...]].enumerated().map { index, part -> Data in
            let path = folder.appendingPathComponent("member\(index).gz").path
            let handle = try #require(gzopen(path, "wb"))
            #expect(Array(part).withUnsafeBytes { gzwrite(handle, $0.baseAddress, UInt32($0.count)) } == Int32(part.count))
            gzclose(handle)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let twoMembers = folder.appendingPathComponent("two-idx1-ubyte.gz").path
        try (members[0] + members[1]).write(to: URL(fileURLWithPath: twoMembers))
        #expect(try IDXFile(path: twoMembers, expectedRank: 1).bytes == labels)
        var damaged = original
        damaged[damaged.count / 2] ^= 0xff
        var oneMore = original  // the size trailer says one byte more than the data
        oneMore[oneMore.count - 4] &+= 1
        var huge = original
        huge.replaceSubrange((huge.count - 4)..., with: [0xff, 0xff, 0xff, 0x7f])
        for (name, bytes) in [("damaged", damaged), ("one-more", oneMore), ("huge", huge)] {
            let path = folder.appendingPathComponent(name + "-idx1-ubyte.gz").path
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: IDXFile.Failure.self) { try IDXFile(path: path, expectedRank: 1) }
            #expect(error?.description.contains(path) == true, "\(name): \(String(describing: error))")
        }
    }

    /// A folder is named as one; a gzip stream far longer than its header
    /// promises is refused after one byte too many, not read whole.
    @Test func foldersAndOverlongStreamsAreRefused() throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: IDXFile.Failure.self) { try IDXFile(path: folder.path, expectedRank: 1) }
        #expect(error?.description.contains("is a folder") == true, "\(String(describing: error))")
        // 3 labels promised, 64 MiB of zeros after them.
        let path = folder.appendingPathComponent("long-idx1-ubyte.gz").path
        let handle = try #require(gzopen(path, "wb"))
        let header: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3]
        #expect(gzwrite(handle, header, UInt32(header.count)) == Int32(header.count))
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<64 { #expect(gzwrite(handle, zeros, UInt32(zeros.count)) == Int32(zeros.count)) }
        gzclose(handle)
        let long = #expect(throws: IDXFile.Failure.self) { try IDXFile(path: path, expectedRank: 1) }
        #expect(long?.description.contains("header promises 3") == true && long?.description.contains("has 4 bytes") == true,
                "\(String(describing: long))")
    }

    @Test(arguments: [
        ([0x00, 0x00, 0x08, 0x03] as [UInt8], "rank 3, expected 1"),       // wrong rank
        ([0x12, 0x34, 0x08, 0x01], "magic number"),                         // bad magic
        ([0x00, 0x00, 0x0D, 0x01], "element type"),                         // float data
        ([0x00, 0x00, 0x08, 0x01, 0, 0, 0, 5, 1, 2], "promises 5"),         // truncated data
        ([0x00, 0x00, 0x08, 0x01, 0, 0, 0, 2, 1, 2, 3], "promises 2"),      // trailing bytes
        ([0x00, 0x00, 0x08], "magic number"),                               // truncated header
    ])
    func corruptedHeadersAreRejectedClearly(bytes: [UInt8], message: String) throws {
        let folder = try TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad-idx1-ubyte").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: IDXFile.Failure.self) { try IDXFile(path: path, expectedRank: 1) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.contains(path) == true)
    }

    /// Every pixel value standardised as the formula reads, from a slice
    /// that does not start at 0.
    @Test func normalizedPixelsAreTheFormula() {
        let pixels = (0..<600).map { UInt8(($0 * 7) % 256) }
        let normalized = MNIST.normalized(pixels[89..<600])
        let expected = pixels[89..<600].map { (Float($0) / 255 - 0.1307) / 0.3081 }
        #expect(normalized.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(Set(pixels[89..<600]).count == 256)
    }
}
