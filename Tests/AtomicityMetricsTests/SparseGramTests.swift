import LinearAlgebra
import Testing
@testable import AtomicityMetrics
import MetaSAEStore

/// The threaded sparse Gram kernel against the literal Σ x xᵀ, on rows that
/// stress it: empty rows, rows with every feature active, single entries,
/// and sub-blocks small enough that one block is split many times.
@Suite struct SparseGramTests {
    /// The rows as a dense row-major array, and as the CSR block the kernel reads.
    static func rows(width: Int, count: Int, seed: UInt64) -> (dense: [Float], block: CSRBlock) {
        var generator = SeededGenerator(seed: seed)
        var dense = [Float](repeating: 0, count: width * count)
        for row in 0..<count {
            switch row % 7 {
            case 0: continue  // empty row
            case 1: for column in 0..<width { dense[row * width + column] = generator.normal() }  // every feature
            case 2: dense[row * width + Int(generator.next() % UInt64(width))] = generator.normal()  // one entry
            default:
                for column in 0..<width where generator.uniform(0, 1) < 0.1 { dense[row * width + column] = generator.normal() * 2 + 1 }
            }
        }
        return (dense, dense.withUnsafeBufferPointer { CSRBlock(dense: $0, width: width) })
    }

    @Test(arguments: [(1, 1_000_000), (2, 37), (3, 200), (5, 1)])
    func matchesLiteralOuterProducts(workers: Int, subBlockEntries: Int) {
        let width = 53
        let count = 90
        let (dense, block) = Self.rows(width: width, count: count, seed: UInt64(workers))
        // The literal upper triangle of Σ x xᵀ, from the dense rows.
        var expected = [Double](repeating: 0, count: width * width)
        for row in 0..<count {
            for i in 0..<width {
                for j in i..<width {
                    expected[i * width + j] += Double(dense[row * width + i]) * Double(dense[row * width + j])
                }
            }
        }
        let kernel = SparseGram(width: width, workers: workers, subBlockEntries: subBlockEntries)
        var matrix = [Double](repeating: 0, count: width * width)
        // Twice through the same scratch: buffers reused across blocks must start clean.
        matrix.withUnsafeMutableBufferPointer { kernel.accumulate(block, into: $0.baseAddress!) }
        matrix.withUnsafeMutableBufferPointer { kernel.accumulate(block, into: $0.baseAddress!) }
        for i in 0..<width {
            for j in i..<width {
                let want = 2 * expected[i * width + j]
                #expect(abs(matrix[i * width + j] - want) <= 1e-12 * max(1, abs(want)), "(\(i), \(j))")
            }
            // The lower triangle is never written.
            for j in 0..<i where matrix[i * width + j] != 0 { Issue.record("lower triangle written at (\(i), \(j))") }
        }
    }

    /// Each column's sums are formed by one worker in row order, whatever the
    /// worker count, so results do not depend on the machine's cores.
    @Test func workerCountDoesNotChangeABit() {
        let width = 61
        let block = Self.rows(width: width, count: 150, seed: 9).block
        func gram(workers: Int) -> [Double] {
            var matrix = [Double](repeating: 0, count: width * width)
            let kernel = SparseGram(width: width, workers: workers, subBlockEntries: 300)
            matrix.withUnsafeMutableBufferPointer { kernel.accumulate(block, into: $0.baseAddress!) }
            return matrix
        }
        let single = gram(workers: 1)
        #expect(single.contains { $0 != 0 })
        for workers in [2, 4, 7] { #expect(gram(workers: workers) == single, "\(workers) workers") }
    }

    @Test func emptyBlockAddsNothing() {
        let kernel = SparseGram(width: 8, workers: 2)
        var matrix = [Double](repeating: 0, count: 64)
        let block = CSRBlock(width: 8, offsets: [0, 0, 0], indices: [], values: [])
        matrix.withUnsafeMutableBufferPointer { kernel.accumulate(block, into: $0.baseAddress!) }
        #expect(matrix.allSatisfy { $0 == 0 })
    }
}
