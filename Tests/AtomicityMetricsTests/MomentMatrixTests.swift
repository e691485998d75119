import Foundation
import LinearAlgebra
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

    /// A freed buffer's memory is reused for the next of its size, and
    /// zeroed. (An odd size no other test allocates, so the reuse is ours.)
    @Test func recycledMemoryComesBackZeroed() {
        let count = (3 << 18) + 5
        var address: UInt = 0
        do {
            let first = HugePageBuffer(count: count)
            first.pointer.update(repeating: 7, count: count)
            address = UInt(bitPattern: first.pointer)
        }
        let second = HugePageBuffer(count: count)
        #expect(UInt(bitPattern: second.pointer) == address)
        #expect((0..<count).allSatisfy { second.pointer[$0] == 0 })
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
    @Test func settlingInPlaceOrNotGivesTheLiteralComoment() {
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
        let copy = sparse.settled
        Self.expectUpperTriangle(copy, equals: expected, "copy settled first")
        sparse.settle()
        Self.expectUpperTriangle(sparse, equals: expected, "sparse rows alone")
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
