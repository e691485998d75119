import Testing
@testable import AtomicityMetrics

/// The register-tiled kernel behind FVU₀ of compressed rows against a
/// literal Float64 loop, for widths on and off its eight-column tiles.
@Suite struct SparseEstimateTests {
    @Test(arguments: [1, 7, 8, 9, 16, 19, 24, 33])
    func matchesALiteralLoop(width: Int) {
        var generator = SystemRandomNumberGenerator()
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
        var estimate = [Float](repeating: .nan, count: width)
        let error = linear.withUnsafeBufferPointer { linear in
            offset.withUnsafeBufferPointer { offset in
                estimate.withUnsafeMutableBufferPointer { estimate in
                    SparseEstimate(linear: linear.baseAddress!, offset: offset.baseAddress!, width: width)
                        .squaredError(indices: indices, values: values, count: indices.count, target: target, estimate: estimate.baseAddress!)
                }
            }
        }
        #expect(abs(error - expectedError) <= 1e-5 * max(1, expectedError))
        for column in 0..<width { #expect(abs(Double(estimate[column]) - expected[column]) <= 1e-5) }
    }

    @Test func aRowWithNoEntriesIsTheOffset() {
        let offset: [Float] = Array(repeating: 0.5, count: 10)
        let target: [Float] = Array(repeating: 0, count: 10)
        var estimate = [Float](repeating: 0, count: 10)
        let error = offset.withUnsafeBufferPointer { offset in
            estimate.withUnsafeMutableBufferPointer { estimate in
                SparseEstimate(linear: offset.baseAddress!, offset: offset.baseAddress!, width: 10)
                    .squaredError(indices: [], values: [], count: 0, target: target, estimate: estimate.baseAddress!)
            }
        }
        #expect(error == 2.5)
        #expect(estimate == offset)
    }
}
