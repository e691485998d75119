import CVectorKernels
import Foundation
import LinearAlgebra
import Testing
@testable import MetaSAETraining

/// The training step's element passes in C (CVectorKernels/training_passes.c)
/// against the literal loops they replace, on shapes that are no multiple of
/// any tile or vector width, with the awkward values (−0, NaN, ±∞, negatives).
@Suite struct TrainingPassKernelTests {
    static func awkward(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            switch index % 11 {
            case 0: return 0
            case 1: return -0.0
            case 2: return .nan
            case 3: return index % 2 == 0 ? .infinity : -.infinity
            case 4: return Float.leastNonzeroMagnitude
            default: return generator.normal()
            }
        }
    }

    @Test(arguments: [(1, 1), (7, 9), (8, 8), (16, 16), (17, 33), (40, 7), (256, 128)])
    func transposeMovesEveryValue(rows: Int, columns: Int) {
        let values = (0..<(rows * columns)).map { Float($0) }
        for (name, transpose) in [("dispatched", metasae_transpose), ("baseline", metasae_transpose_baseline)] {
            var out = [Float](repeating: -1, count: rows * columns)
            transpose(values, Int64(rows), Int64(columns), &out)
            for row in 0..<rows {
                for column in 0..<columns where out[column * rows + row] != values[row * columns + column] {
                    Issue.record("\(name): (\(row), \(column)) not moved")
                    return
                }
            }
        }
    }

    @Test(arguments: [(1, 1), (3, 17), (9, 40), (128, 256)])
    func positiveColumnsAsTheLiteralScan(rows: Int, width: Int) {
        let values = Self.awkward(rows * width, seed: UInt64(rows * 1000 + width))
        var expectedFired = [UInt8](repeating: 0, count: width)
        var expectedSmallest = Float.infinity
        var expectedPositives: Int64 = 0
        for row in 0..<rows {
            for column in 0..<width where values[row * width + column] > 0 {
                expectedFired[column] = 1
                expectedSmallest = min(expectedSmallest, values[row * width + column])
                expectedPositives += 1
            }
        }
        var fired = [UInt8](repeating: 0, count: width)
        var positives: Int64 = -1
        let smallest = metasae_positive_columns(values, Int64(rows), Int64(width), &fired, &positives)
        #expect(fired == expectedFired)
        #expect(smallest.bitPattern == expectedSmallest.bitPattern)
        #expect(positives == expectedPositives)
        // Columns already marked stay marked; nothing positive gives +∞.
        var marked = [UInt8](repeating: 1, count: width)
        let none = metasae_positive_columns([Float](repeating: -1, count: rows * width), Int64(rows), Int64(width), &marked, &positives)
        #expect(none == .infinity && marked.allSatisfy { $0 == 1 } && positives == 0)
    }

    @Test func reluIsSwiftsMaxOfZero() {
        let values = Self.awkward(1_003, seed: 5)
        var out = values
        metasae_relu_in_place(&out, Int64(out.count))
        #expect(out.map(\.bitPattern) == values.map { max(0, $0).bitPattern })
    }

    @Test func gateAsTheLiteralMap() {
        let gradient = Self.awkward(1_013, seed: 13)
        let gate = Self.awkward(1_013, seed: 14).reversed().map { $0 }
        let gated = Tensor.gated(gradient, by: gate)
        #expect(gated.map(\.bitPattern) == zip(gradient, gate).map { ($1 > 0 ? $0 : 0).bitPattern })
    }

    /// Each column summed in row order, as the literal loop (Float32, so the
    /// order shows in the last bits).
    @Test func columnSumsAsTheLiteralLoop() {
        var generator = SeededGenerator(seed: 15)
        let (rows, width) = (37, 29)
        let matrix = (0..<(rows * width)).map { _ in generator.normal() * 1e3 }
        var expected = [Float](repeating: 0, count: width)
        for row in 0..<rows { for column in 0..<width { expected[column] += matrix[row * width + column] } }
        #expect(Tensor.columnSums(matrix, rows: rows, width: width).map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// JumpReLU keeps a value above its column's threshold and above 0.
    @Test func jumpReLUAsTheLiteralLoop() {
        let (rows, width) = (7, 33)
        let values = Self.awkward(rows * width, seed: 16)
        let thresholds = Self.awkward(width, seed: 17)
        var expected = values
        for row in 0..<rows {
            for column in 0..<width {
                let value = values[row * width + column]
                if !(value > thresholds[column] && value > 0) { expected[row * width + column] = 0 }
            }
        }
        var out = values
        metasae_jump_relu_in_place(&out, Int64(rows), Int64(width), thresholds)
        #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func divideAsSwiftsDivision() {
        let values = Self.awkward(1_001, seed: 7)
        var out = [Float](repeating: 0, count: values.count)
        metasae_divide(values, Int64(values.count), 0.37, &out)
        #expect(out.map(\.bitPattern) == values.map { ($0 / 0.37).bitPattern })
    }

    /// Rows to unit length as the literal loop: each row's squares summed
    /// in column order, then each value divided; zero rows left alone.
    @Test(arguments: [(1, 5), (8, 16), (13, 37), (256, 128)])
    func unitRowsAsTheLiteralLoop(rows: Int, width: Int) {
        var generator = SeededGenerator(seed: UInt64(rows + width))
        var matrix = (0..<(rows * width)).map { _ in generator.normal() }
        for column in 0..<width { matrix[column] = 0 }  // row 0 all zero
        var expected = matrix
        for row in 0..<rows {
            var norm: Float = 0
            for column in 0..<width { norm += expected[row * width + column] * expected[row * width + column] }
            norm = norm.squareRoot()
            guard norm > 0 else { continue }
            for column in 0..<width { expected[row * width + column] /= norm }
        }
        metasae_unit_rows(&matrix, Int64(rows), Int64(width))
        #expect(matrix.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// Lane l sums columns l, l + 8, … below the last multiple of 8 and lane
    /// 0 the rest, row after row: the literal loop's sums bit for bit.
    @Test(arguments: [3, 8, 19])
    func fitLanesAsTheLiteralLoop(width: Int) {
        var generator = SeededGenerator(seed: 10)
        let rows = 23
        let x = (0..<(rows * width)).map { _ in generator.normal() }
        let reconstruction = (0..<(rows * width)).map { _ in generator.normal() }
        let mean = (0..<width).map { _ in Double(generator.normal()) }
        var expectedResiduals = [Double](repeating: 0, count: 8)
        var expectedTotals = [Double](repeating: 0, count: 8)
        for index in x.indices {
            let column = index % width
            let lane = column < width / 8 * 8 ? column % 8 : 0
            let error = Double(reconstruction[index] - x[index])
            expectedResiduals[lane] += error * error
            let centred = Double(x[index]) - mean[column]
            expectedTotals[lane] += centred * centred
        }
        var residuals = [Double](repeating: .nan, count: 8)  // overwritten
        var totals = [Double](repeating: .nan, count: 8)
        metasae_fit_lanes(x, reconstruction, mean, Int64(rows), Int64(width), &residuals, &totals)
        #expect(residuals == expectedResiduals && totals == expectedTotals)
    }

    @Test func columnSumsInFloat64AsTheLiteralLoop() {
        let values = Self.awkward(13 * 7, seed: 3).map { $0.isFinite ? $0 : 2.5 }
        var expected = [Double](repeating: 0.5, count: 7)
        for index in values.indices { expected[index % 7] += Double(values[index]) }
        var sums = [Double](repeating: 0.5, count: 7)  // added to
        metasae_column_sums_double(values, 13, 7, &sums)
        #expect(sums == expected)
    }

    @Test func addToRowsAsTheLiteralLoop() {
        let (rows, width) = (9, 37)
        let matrix = Self.awkward(rows * width, seed: 8)
        let bias = Self.awkward(width, seed: 9)
        var got = matrix
        metasae_add_to_rows(&got, Int64(rows), Int64(width), bias)
        let expected = matrix.indices.map { matrix[$0] + bias[$0 % width] }
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    /// Each product rounded before the sum, as Swift's expression: bit for bit.
    @Test func weightedSumAsTheLiteralExpression() {
        let mine = Self.awkward(1_029, seed: 4)
        let other = Self.awkward(1_029, seed: 5)
        let (a, b): (Float, Float) = (0.3, 0.7)
        var got = mine
        metasae_weighted_sum(&got, other, Int64(got.count), a, b)
        let expected = zip(mine, other).map { a * $0 + b * $1 }
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func scaledDifferenceAsTheLiteralLoop() {
        var generator = SeededGenerator(seed: 6)
        let count = 1_029
        let a = (0..<count).map { _ in generator.normal() * 3 }
        let b = (0..<count).map { _ in generator.normal() }
        var expectedSum = 0.0
        var expected = [Float](repeating: 0, count: count)
        for index in 0..<count {
            let difference = a[index] - b[index]
            expectedSum += Double(difference * difference)
            expected[index] = 0.25 * difference
        }
        var out = [Float](repeating: 0, count: count)
        let sum = metasae_scaled_difference(a, b, Int64(count), 0.25, &out)
        #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
        // The same squares summed in another order: equal to Float64 rounding.
        #expect(abs(sum - expectedSum) <= 1e-12 * expectedSum)
    }

    /// A tensor large enough to be updated in two halves on two threads
    /// comes out bit for bit as the literal update of the whole.
    @Test func halvedAdamUpdateIsTheWholeUpdate() {
        var generator = SeededGenerator(seed: 9)
        let count = Adam.halvedCount * 2 + 3
        var parameters = [(0..<count).map { _ in generator.normal() }]
        var expected = parameters[0]
        var (first, second) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        var adam = Adam(learningRate: 0.002)
        for step in 1...3 {
            let gradient = (0..<count).map { _ in generator.normal() }
            adam.update(&parameters, gradients: [gradient])
            AdamKernelTests.literalStep(&expected, &first, &second, gradient, step: step, learningRate: 0.002)
        }
        #expect(parameters[0].map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
