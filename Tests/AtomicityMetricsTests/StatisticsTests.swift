import Foundation
import LinearAlgebra
import Testing
@testable import AtomicityMetrics

/// Values from scipy 1.17 (`2 * stats.t.sf(|t|, df)`, `stats.spearmanr`).
@Suite struct StatisticsTests {
    @Test(arguments: [
        (2.0, 3.0, 0.13932596855884305), (0.5, 1.0, 0.7048327646991335),
        (-1.3, 7.0, 0.23476783539237725), (4.2, 20.0, 0.0004407181631222406), (0.0, 5.0, 1.0),
    ])
    func studentTMatchesScipy(t: Double, degrees: Double, expected: Double) {
        #expect(close(StudentT.twoSidedP(t: t, degrees: degrees), expected, relative: 1e-10, absolute: 1e-14))
    }

    @Test func spearmanMatchesScipy() {
        let plain = SpearmanTest(depths: [1, 2, 3, 4, 5, 6], values: [3, 1, 2, 6, 5, 4])
        #expect(close(plain.rho, 0.6, relative: 1e-12))
        #expect(close(plain.pValue, 0.208, relative: 1e-10))
        let tied = SpearmanTest(depths: [1, 2, 3, 4, 5, 6], values: [1, 2, 2, 4, 4, 6])
        #expect(close(tied.rho, 0.9710083124552245, relative: 1e-12))
        #expect(close(tied.pValue, 0.001248592903197677, relative: 1e-9))
    }

    @Test func exactPermutationPValueCountsOrderings() {
        // Perfectly monotone, n = 5: only the identity and its reverse reach |ρ| = 1.
        let monotone = SpearmanTest(depths: [1, 2, 3, 4, 5], values: [0.1, 0.2, 0.3, 0.4, 0.5])
        #expect(monotone.rho == 1)
        #expect(monotone.pValue == 0)  // scipy's t approximation
        #expect(close(monotone.pExact, 2.0 / 120, relative: 1e-12))
        #expect(close(monotone.smallestPossibleP, 2.0 / 120, relative: 1e-12))
        // n = 4: the smallest two-sided exact p is 1/12.
        #expect(close(SpearmanTest(depths: [1, 2, 3, 4], values: [1, 2, 3, 4]).pExact, 1.0 / 12, relative: 1e-12))
        // A constant metric has no trend.
        #expect(SpearmanTest(depths: [1, 2, 3], values: [2, 2, 2]).rho.isNaN)
    }

    /// 2/n! for any number of depths: an Int factorial overflowed at n = 21.
    @Test(arguments: [2, 5, 9, 20, 21, 25, 60, 170, 171, 1_000])
    func theExactFloorHoldsForAnyNumberOfDepths(n: Int) {
        // The same product, term by term, in Double (0 once it underflows).
        var floor = 2.0
        for k in 1...n { floor /= Double(k) }
        let computed = SpearmanTest.smallestPossibleP(n: n)
        #expect(computed.isFinite && computed >= 0)
        #expect(close(computed, min(1, floor), relative: 1e-9, absolute: 1e-300), "n = \(n): \(computed) vs \(floor)")
    }

    @Test func manyDepthsGetASampledPThatIsNeverZero() {
        let n = 25
        let test = SpearmanTest(depths: (1...n).map(Double.init), values: (1...n).map { Double($0 * $0) }, samples: 2_000)
        #expect(test.rho == 1 && !test.exact)
        // Nothing reaches |ρ| = 1 among 2000 shuffles; scipy's permutation_test gives (0 + 1) / (2000 + 1).
        #expect(close(test.pExact, 1.0 / 2_001, relative: 1e-12))
    }

    @Test func averageRanksHandleTies() {
        #expect(averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
    }
}

@Suite struct MomentAccumulatorTests {
    /// Merged Float32 blocks against a two-pass Float64 covariance.
    @Test func mergedBlocksMatchTwoPassCovariance() {
        var generator = SeededGenerator(seed: 3)
        let (rows, width) = (1_000, 6)
        // An offset of 1000 makes one-pass float32 formulas fail badly.
        let data = (0..<(rows * width)).map { index in 1_000 + generator.normal() * Float(1 + index % width) }
        let labels = (0..<rows).map { Int32($0 % 10) }
        var merged = MomentAccumulator(width: width)
        var start = 0
        for size in [1, 7, 100, 300, 592] {
            var part = MomentAccumulator(width: width)
            data[(start * width)..<((start + size) * width)].withUnsafeBufferPointer {
                part.add($0, labels: Array(labels[start..<(start + size)]))
            }
            merged.merge(part)
            start += size
        }
        #expect(merged.count == rows)
        let values = data.map(Double.init)
        for i in 0..<width {
            let meanI = stride(from: i, to: values.count, by: width).map { values[$0] }.reduce(0, +) / Double(rows)
            #expect(close(merged.mean[i], meanI, relative: 1e-12))
            for j in i..<width {
                let meanJ = stride(from: j, to: values.count, by: width).map { values[$0] }.reduce(0, +) / Double(rows)
                var comoment = 0.0
                for row in 0..<rows { comoment += (values[row * width + i] - meanI) * (values[row * width + j] - meanJ) }
                #expect(close(merged.comoment[i * width + j], comoment, relative: 1e-5, absolute: 1e-3 * Double(rows)))
            }
        }
        #expect(merged.classCounts == [Int](repeating: 100, count: 10))
    }
}
