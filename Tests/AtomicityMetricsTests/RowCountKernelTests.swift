import CVectorKernels
import Foundation
import LinearAlgebra
import MetaSAEStore
import Testing

/// The counting kernels over dense rows against literal loops over
/// Foundation's own predicates, on values that sit on every edge: NaN,
/// ±Inf, ±0, subnormals, ±threshold exactly and just beside it.
@Suite struct RowCountKernelTests {
    static let threshold: Float = 1e-5
    static let edges: [Float] = [.nan, -.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude,
                                 threshold, -threshold, threshold.nextUp, (-threshold).nextDown, threshold.nextDown, 1, -3.5,
                                 .greatestFiniteMagnitude, Float(bitPattern: 0x7fc0_0001)]

    /// `rows` × `width` values drawn from the edges and a uniform range.
    static func values(rows: Int, width: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(rows * width)).map { _ in
            Bool.random(using: &generator) ? edges.randomElement(using: &generator)! : Float.random(in: -2e-5...2e-5, using: &generator)
        }
    }

    @Test(arguments: [1, 3, 8, 17, 64, 257])
    func activeCountsMatchALiteralLoop(width: Int) {
        let rows = 13
        let values = Self.values(rows: rows, width: width, seed: UInt64(width))
        var expected = [UInt32](repeating: 2, count: width)
        var expectedTotal = 0
        for row in 0..<rows {
            for column in 0..<width where abs(values[row * width + column]) > Self.threshold {
                expected[column] += 1
                expectedTotal += 1
            }
        }
        var counts = [UInt32](repeating: 2, count: width)  // the kernel adds to what is there
        let total = metasae_count_active(values, Int64(rows), Int64(width), Self.threshold, &counts)
        #expect(counts == expected)
        #expect(Int(total) == expectedTotal)
    }

    @Test(arguments: [0, 1, 5, 16, 33, 1000])
    func nonFiniteAndNonZeroCountsMatchALiteralLoop(count: Int) {
        let values = Self.values(rows: 1, width: count, seed: 77 + UInt64(count))
        #expect(Int(metasae_count_nonfinite(values, Int64(count))) == values.filter { !$0.isFinite }.count)
        #expect(Int(metasae_count_nonzero(values, Int64(count))) == values.filter { $0 != 0 }.count)
    }

    /// The literal compression of `rows` rows: offsets, columns and value bits.
    static func literalCompression(_ values: [Float], rows: Int, width: Int) -> ([Int], [Int32], [UInt32]) {
        var offsets = [0]
        var indices: [Int32] = []
        var kept: [UInt32] = []
        for row in 0..<rows {
            for column in 0..<width where values[row * width + column] != 0 {
                indices.append(Int32(column))
                kept.append(values[row * width + column].bitPattern)
            }
            offsets.append(indices.count)
        }
        return (offsets, indices, kept)
    }

    /// Compressing rows keeps every value that is not 0 (NaN kept, −0 not),
    /// with its column, in order: as a literal loop does, through CSRBlock
    /// and through each kernel version, on widths around the AVX-512 kernels'
    /// sixteen lanes. The dispatched kernels write nothing past the entries
    /// but the one slot of room, the budget refuses a block over it.
    @Test(arguments: [1, 3, 8, 15, 16, 17, 40, 64, 257])
    func compressedRowsMatchALiteralLoop(width: Int) {
        let rows = 11
        let values = Self.values(rows: rows, width: width, seed: UInt64(100 + width))
        let (offsets, indices, kept) = Self.literalCompression(values, rows: rows, width: width)
        let block = values.withUnsafeBufferPointer { CSRBlock(dense: $0, width: width) }
        #expect(block.offsets == offsets && block.indices == indices)
        #expect(block.values.map(\.bitPattern) == kept)
        let total = offsets[rows]
        #expect(values.withUnsafeBufferPointer { CSRBlock(dense: $0, width: width, maxNonZeros: total) }?.indices == indices)
        #expect(values.withUnsafeBufferPointer { CSRBlock(dense: $0, width: width, maxNonZeros: total - 1) } == nil)
        let versions = [("baseline", metasae_count_nonzero_rows_baseline, metasae_compress_rows_baseline),
                        ("dispatched", metasae_count_nonzero_rows, metasae_compress_rows)]
        for (name, count, compress) in versions {
            var counted = [Int](repeating: 0, count: rows + 1)
            count(values, Int64(rows), Int64(width), &counted)
            #expect(counted == offsets, "\(name)")
            // Sentinels past the one slot of room show any write beyond it.
            let sentinel: Float = 12345
            var columns = [Int32](repeating: -7, count: total + 1 + 16)
            var stored = [Float](repeating: sentinel, count: total + 1 + 16)
            compress(values, Int64(rows), Int64(width), offsets, &columns, &stored)
            #expect(Array(columns[..<total]) == indices && stored[..<total].map(\.bitPattern) == kept, "\(name)")
            #expect(columns[(total + 1)...].allSatisfy { $0 == -7 } && stored[(total + 1)...].allSatisfy { $0 == sentinel }, "\(name)")
        }
    }
}
