import CVectorKernels
import LinearAlgebra
import Testing

/// The C kernels behind FVU₀ of compressed rows and the cross-moments,
/// both versions (baseline and, where the CPU has it, AVX2/FMA), against
/// literal Float64 loops, for widths on and off their tiles.
@Suite struct VectorKernelTests {
    typealias RowError = (UnsafePointer<Float>, UnsafePointer<Float>, Int64, UnsafePointer<Int32>, UnsafePointer<Float>, Int64,
                          UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Double
    typealias Axpy = (UnsafeMutablePointer<Double>, UnsafePointer<Double>, Double, Int64) -> Void

    static var rowErrors: [(String, RowError)] {
        [("baseline", metasae_sparse_row_error_baseline)] + (metasae_vector_kernels_use_avx2() != 0 ? [("dispatched", metasae_sparse_row_error)] : [])
    }
    static var axpys: [(String, Axpy)] {
        [("baseline", metasae_axpy_baseline)] + (metasae_vector_kernels_use_avx2() != 0 ? [("dispatched", metasae_axpy)] : [])
    }

    @Test(arguments: [1, 7, 8, 9, 16, 19, 24, 33, 40, 71])
    func rowErrorMatchesALiteralLoop(width: Int) {
        var generator = SeededGenerator(seed: UInt64(width))
        let rows = 11
        let linear = (0..<(rows * width)).map { _ in Float.random(in: -1...1, using: &generator) }
        let offset = (0..<width).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
        let target = (0..<width).map { _ in Float.random(in: -2...2, using: &generator) }
        let indices: [Int32] = [0, 3, 4, 10]
        let values: [Float] = [0.5, -1.25, 2, 0.75]
        var expected = [Double](repeating: 0, count: width)
        for column in 0..<width {
            expected[column] = Double(offset[column])
            for (index, value) in zip(indices, values) { expected[column] += Double(value) * Double(linear[Int(index) * width + column]) }
        }
        let expectedError = zip(expected, target).map { ($0 - Double($1)) * ($0 - Double($1)) }.reduce(0, +)
        for (name, kernel) in Self.rowErrors {
            var estimate = [Float](repeating: .nan, count: width)
            let error = kernel(linear, offset, Int64(width), indices, values, Int64(indices.count), target, &estimate)
            #expect(abs(error - expectedError) <= 1e-5 * max(1, expectedError), "\(name)")
            for column in 0..<width { #expect(abs(Double(estimate[column]) - expected[column]) <= 1e-5, "\(name)") }
        }
    }

    @Test func aRowWithNoEntriesIsTheOffset() {
        let offset: [Float] = Array(repeating: 0.5, count: 10)
        let target: [Float] = Array(repeating: 0, count: 10)
        for (name, kernel) in Self.rowErrors {
            var estimate = [Float](repeating: 0, count: 10)
            #expect(kernel(offset, offset, 10, [], [], 0, target, &estimate) == 2.5, "\(name)")
            #expect(estimate == offset, "\(name)")
        }
    }

    @Test(arguments: [0, 1, 3, 4, 5, 17, 256])
    func axpyMatchesALiteralLoop(count: Int) {
        let x = (0..<count).map { Double($0) * 0.25 - 3 }
        let start = (0..<count).map { Double($0 % 7) }
        for (name, axpy) in Self.axpys {
            var y = start
            axpy(&y, x, -1.5, Int64(count))
            #expect(y == zip(start, x).map { $0 + -1.5 * $1 }, "\(name)")
        }
    }
}
