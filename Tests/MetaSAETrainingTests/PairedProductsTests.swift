import Foundation
import LinearAlgebra
import Testing
@testable import MetaSAETraining

/// The classifier's products split by rows over two threads equal one
/// single-threaded product bit for bit, so its training does not depend
/// on how many threads OpenBLAS would have used. (OpenBLAS's own threads
/// change the rounding of long sums: a 784-long product on two of its
/// threads differs from the same on one.)
@Suite struct PairedProductsTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.normal() }
    }

    /// The classifier's shapes: forward, weight gradient and gradient into
    /// the input of a 256-row batch, the 96 rows that end an epoch, and
    /// the 2,000-row and 4,096-row blocks of the accuracy and the writer.
    @Test(arguments: [
        (256, 784, 256, false, true), (256, 256, 128, false, true), (256, 256, 784, true, false),
        (128, 256, 256, true, false), (256, 128, 256, false, false), (96, 784, 256, false, true),
        (256, 96, 784, true, false), (2_000, 784, 256, false, true), (4_096, 256, 128, false, true),
    ])
    func halvesEqualOneSingleThreadedProduct(shape: (m: Int, k: Int, n: Int, transposeA: Bool, transposeB: Bool)) {
        let (m, k, n) = (shape.m, shape.k, shape.n)
        let a = Self.values(m * k, seed: 1), b = Self.values(k * n, seed: 2)
        var whole = [Float](repeating: 0, count: m * n)
        BLAS.onCallingThreads {
            BLAS.multiply(a, b, into: &whole, m: m, k: k, n: n, transposeA: shape.transposeA, transposeB: shape.transposeB)
        }
        let paired = PairedProducts.product(a, b, m: m, k: k, n: n, transposeA: shape.transposeA, transposeB: shape.transposeB)
        let differing = zip(paired, whole).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(shape): \(differing) of \(m * n) entries differ")
    }

    /// Two classifier steps trained with OpenBLAS free to use every core and
    /// with it held to one thread give the same weights bit for bit.
    @Test func theClassifierTrainsAlikeWhateverOpenBLASsThreads() {
        let rows = 256
        let x = Self.values(rows * 784, seed: 3).map { abs($0) }
        let labels = (0..<rows).map { UInt8($0 % 10) }
        func trained() -> [[Float]] {
            var classifier = MLPClassifier(widths: [784, 256, 128, 10], seed: 4)
            var optimizer = Adam(learningRate: 1e-3)
            for _ in 0..<2 {
                let (_, gradients) = classifier.lossAndGradients(x, labels: labels, rows: rows)
                classifier.apply(gradients, optimizer: &optimizer)
            }
            return classifier.layers.flatMap { [$0.weight, $0.bias] } + [classifier.hiddenActivations(x, rows: rows, layer: 2)]
        }
        let free = trained()
        let single = BLAS.onCallingThreads { trained() }
        for (index, (a, b)) in zip(free, single).enumerated() {
            let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "tensor \(index): \(differing) of \(a.count) values differ")
        }
    }
}
