import Testing
import AtomicityMetrics
import LinearAlgebra
@testable import MetaSAETraining

/// The decoder-row meta-SAE on planted data: 64 atoms, 256 unit-normed
/// composites of three of them. With k = 3 and 64 meta-latents it can
/// represent every composite exactly, so it explains nearly all their
/// variance; random unit vectors have no such structure.
@Suite struct DecoderRowMetaSAETests {
    static func planted(atoms: Int = 64, width: Int = 128, count: Int = 256) -> [[Double]] {
        let dictionary = Composition.randomUnitVectors(count: atoms, width: width, seed: 21)
        var generator = SeededGenerator(seed: 22)
        return (0..<count).map { _ in
            var picked = Set<Int>()
            while picked.count < 3 { picked.insert(Int(generator.next() % UInt64(atoms))) }
            var sum = [Double](repeating: 0, count: width)
            for atom in picked {
                let weight = Double(generator.uniform(0.5, 1.5))
                for k in 0..<width { sum[k] += weight * dictionary[atom][k] }
            }
            return sum
        }
    }

    @Test func plantedCompositesAreExplainedAndRandomOnesAreNot() throws {
        var meta = DecoderRowMetaSAE()
        meta.k = 3
        meta.epochs = 200
        let outcome = try #require(meta.fit(rows: Self.planted()))
        #expect(outcome.rows == 256 && outcome.width == 64)
        #expect(outcome.explained > 0.9, "planted \(outcome.explained)")
        #expect(outcome.random < outcome.explained - 0.3, "random \(outcome.random) vs planted \(outcome.explained)")
    }

    @Test func fewerThanTwoRowsGiveNothing() {
        #expect(DecoderRowMetaSAE().fit(rows: [[1, 0]]) == nil)
        #expect(DecoderRowMetaSAE().fit(rows: [[0, 0], [0, 0], [1, 1]]) == nil)
    }
}
