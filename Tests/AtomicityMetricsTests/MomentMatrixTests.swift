import Foundation
@testable import LinearAlgebra
import Testing
@testable import AtomicityMetrics
@testable import MetaSAEStore

/// The co-moment's storage: zeros until written, copied on write, and
/// recycled memory handed out zeroed; the pass's raw sums adopted in place
/// give the same co-moment as adding them into a separate matrix.
@Suite struct MomentMatrixTests {
    @Test func unwrittenMatrixReadsZeroAndAllocatesOnWrite() {
        var matrix = MomentMatrix(zeros: 6)
        #expect(!matrix.isAllocated && Array(matrix) == [0, 0, 0, 0, 0, 0])
        #expect(matrix.withUnsafeBufferPointer { Array($0) } == [0, 0, 0, 0, 0, 0])
        matrix.withUnsafeMutableBufferPointer { $0[2] = 5 }
        #expect(matrix.isAllocated && Array(matrix) == [0, 0, 5, 0, 0, 0])
    }

    @Test func copiesDoNotShareWrites() {
        let original = MomentMatrix([1, 2, 3] as [Double])
        var copy = original
        copy.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(Array(original) == [1, 2, 3] && Array(copy) == [9, 2, 3])
    }

    /// A freed large buffer's memory is reused for the next of its size,
    /// and zeroed; the oldest spare goes when the limit needs room. (A pool
    /// of the test's own, so no other test takes the block.)
    @Test func recycledMemoryComesBackZeroed() {
        let spares = SpareMemory(limit: 12 << 20)
        let count = 1 << 19  // 4 MiB
        var address: UInt = 0
        do {
            let first = ZeroedBuffer(count: count, spares: spares)
            first.pointer.update(repeating: 7, count: count)
            address = UInt(bitPattern: first.pointer)
        }
        #expect(spares.keptBytes == 4 << 20)
        let second = ZeroedBuffer(count: count, spares: spares)
        #expect(UInt(bitPattern: second.pointer) == address && spares.keptBytes == 0)
        #expect((0..<count).allSatisfy { second.pointer[$0] == 0 })
        // 4 + 8 MiB fill the 12 MiB limit; keeping 4 more makes the oldest go.
        var first: ZeroedBuffer? = ZeroedBuffer(count: count, spares: spares)
        var middle: ZeroedBuffer? = ZeroedBuffer(count: 2 * count, spares: spares)
        var last: ZeroedBuffer? = ZeroedBuffer(count: count, spares: spares)
        let lastAddress = UInt(bitPattern: last!.pointer)
        first = nil
        middle = nil
        last = nil
        #expect(first == nil && middle == nil && last == nil && spares.keptBytes == 12 << 20)
        let taken = spares.take(bytes: 4 << 20)
        #expect(taken.map { UInt(bitPattern: $0) } == lastAddress)
        #expect(spares.take(bytes: 4 << 20) == nil, "the oldest 4 MiB should have been released")
        free(taken)
        withExtendedLifetime(second) {}
    }

    /// Small buffers are plain zeroed memory, not 2 MiB blocks.
    @Test func smallBuffersAreZeroedToo() {
        let buffer = ZeroedBuffer(count: 81, spares: SpareMemory(limit: 0))
        #expect((0..<81).allSatisfy { buffer.pointer[$0] == 0 })
    }

    /// Σ (x − m)(x − m)ᵀ, literally, for the upper triangle.
    static func literalComoment(_ values: [Float], rows: Int, width: Int) -> [Double] {
        let x = values.map(Double.init)
        let mean = (0..<width).map { j in (0..<rows).reduce(0) { $0 + x[$1 * width + j] } / Double(rows) }
        var result = [Double](repeating: 0, count: width * width)
        for i in 0..<width {
            for j in i..<width {
                result[i * width + j] = (0..<rows).reduce(0) { $0 + (x[$1 * width + i] - mean[i]) * (x[$1 * width + j] - mean[j]) }
            }
        }
        return result
    }

    /// Sparse rows are summed in Float64 (1e-9); the dense kernel's Float32 Gram is good to about 1e-6.
    static func expectUpperTriangle(_ moments: MomentAccumulator, equals expected: [Double], _ context: String, relative: Double = 1e-9,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        let width = moments.width
        for i in 0..<width {
            for j in i..<width where !close(moments.comoment[i * width + j], expected[i * width + j], relative: relative, absolute: relative) {
                Issue.record("\(context) (\(i), \(j)): \(moments.comoment[i * width + j]) vs \(expected[i * width + j])",
                             sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Sparse rows alone (adopted in place), after dense rows (added into
    /// the co-moment), and a copy settled while the original still holds its
    /// pending sums (shared, so not adopted): all the literal co-moment.
    @Test func settlingInPlaceOrNotGivesTheLiteralComoment() throws {
        let (rows, width) = (120, 9)
        var generator = SeededGenerator(seed: 11)
        let values = (0..<(rows * width)).map { _ in generator.uniform(0, 1) < 0.2 ? generator.normal() + 2 : 0 }
        let labels = (0..<rows).map { Int32($0 % 10) }
        let expected = Self.literalComoment(values, rows: rows, width: width)
        func block(_ range: Range<Int>) -> CSRBlock {
            Array(values[(range.lowerBound * width)..<(range.upperBound * width)]).withUnsafeBufferPointer { CSRBlock(dense: $0, width: width) }
        }

        var sparse = MomentAccumulator(width: width)
        sparse.kernel = .sparse
        sparse.add(block(0..<60), labels: Array(labels[0..<60]))
        sparse.add(block(60..<rows), labels: Array(labels[60..<rows]))
        // The raw sums' address, not a reference: holding one would stop the adoption.
        let raw = try #require(sparse.pendingRaw.map { UInt(bitPattern: $0.pointer) })
        func address(_ moments: MomentAccumulator) -> UInt? { moments.comoment.buffer.map { UInt(bitPattern: $0.pointer) } }
        let copy = sparse.settled
        Self.expectUpperTriangle(copy, equals: expected, "copy settled first")
        #expect(address(copy) != raw, "a shared buffer must not be adopted")
        sparse.settle()
        Self.expectUpperTriangle(sparse, equals: expected, "sparse rows alone")
        #expect(address(sparse) == raw, "the raw sums were copied, not adopted")
        Self.expectUpperTriangle(copy, equals: expected, "copy after the original settled")

        var mixed = MomentAccumulator(width: width)
        mixed.kernel = .dense
        Array(values[0..<(50 * width)]).withUnsafeBufferPointer { mixed.add($0, labels: Array(labels[0..<50])) }
        mixed.kernel = .sparse
        mixed.add(block(50..<rows), labels: Array(labels[50..<rows]))
        mixed.settle()
        Self.expectUpperTriangle(mixed, equals: expected, "dense rows, then sparse", relative: 1e-6)
        #expect(mixed.count == rows && sparse.count == rows)
    }

    @Test func kernelComesFromTheEnvironment() throws {
        #expect(try MomentAccumulator.Kernel.configured(environment: [:]) == .auto)
        #expect(try MomentAccumulator.Kernel.configured(environment: ["METASAE_KERNEL": "dense"]) == .dense)
        #expect(try MomentAccumulator.Kernel.configured(environment: ["METASAE_KERNEL": "Sparse"]) == .sparse)
        #expect(throws: SettingsError.self) { try MomentAccumulator.Kernel.configured(environment: ["METASAE_KERNEL": "blas"]) }
    }
}
