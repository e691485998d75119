import Foundation
import Testing
import TestSupport
@testable import AtomicityMetrics
@testable import MetaSAEStore
@testable import MetaSAETraining

/// Forward passes, losses and gradients of every architecture against
/// NumPy on fixed inputs (Tests/Fixtures/architectures/make_architecture_fixtures.py,
/// SAELens's definitions, its straight-through estimators included).
@Suite struct ArchitectureReferenceTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            var loss: Double?
            var k: Int?
            var codes: [Double]
            var grad_W_enc: [Double]?
            var grad_b_enc: [Double]?
            var grad_W_dec: [Double]?
            var grad_b_dec: [Double]?
            var dead: [Int]?
            var auxk_loss: Double?
            var min_positive: Double?
            var log_threshold: [Float]?
            var bandwidth: Float?
            var l0_coefficient: Float?
            var grad_log_threshold: [Double]?
        }
        var B: Int
        var D: Int
        var F: Int
        var x: [Float]
        var W_enc: [Float]
        var b_enc: [Float]
        var W_dec: [Float]
        var b_dec: [Float]
        var topk: Case
        var batchtopk: Case
        var jumprelu: Case
    }

    static let reference = try! JSONDecoder().decode(
        Reference.self, from: Data(contentsOf: TestSupport.fixtures.appendingPathComponent("architectures/architectures.json")))

    static func sae(_ objective: SAEObjective) -> SparseAutoencoder {
        let r = reference
        var sae = SparseAutoencoder(inputWidth: r.D, latentWidth: r.F, objective: objective, seed: 1)
        sae.weights.encoderWeight = r.W_enc
        sae.weights.encoderBias = r.b_enc
        sae.weights.decoderWeight = r.W_dec
        sae.weights.decoderBias = r.b_dec
        sae.started = true
        return sae
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], _ what: String, tolerance: Double = 2e-5) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)")
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            #expect(abs(Double(a) - e) <= tolerance * max(1, abs(e)), "\(what)[\(index)]: \(a) vs \(e)")
        }
    }

    static func expectGradients(_ gradients: [[Float]], _ reference: Reference.Case) {
        expectClose(gradients[0], reference.grad_W_enc!, "dW_enc")
        expectClose(gradients[1], reference.grad_b_enc!, "db_enc")
        expectClose(gradients[2], reference.grad_W_dec!, "dW_dec")
        expectClose(gradients[3], reference.grad_b_dec!, "db_dec")
    }

    @Test func topKWithAuxKMatchesNumPy() {
        let r = Self.reference
        var objective = SAEObjective(architecture: .topK)
        objective.k = r.topk.k!
        objective.auxKCoefficient = 1.0 / 32
        var sae = Self.sae(objective)
        for latent in r.topk.dead! { sae.rowsSinceFired[latent] = objective.deadWindowRows }
        Self.expectClose(sae.trainingCodes(sae.weights.preActivations(r.x, rows: r.B), rows: r.B), r.topk.codes, "codes")
        // Every product through compressed rows, AuxK's included, then every one through BLAS.
        for density in [1.0, -1.0] {
            let (loss, gradients, _) = sae.lossGradientsAndCodes(r.x, rows: r.B, sparseDensity: density)
            #expect(abs(Double(loss) - r.topk.loss!) <= 1e-5 * r.topk.loss!, "loss \(loss) vs \(r.topk.loss!)")
            Self.expectGradients(gradients, r.topk)
        }
        // Without dead latents there is no auxiliary term.
        let live = Self.sae(objective)
        #expect(abs(Double(live.lossAndGradients(r.x, rows: r.B).0) - (r.topk.loss! - r.topk.auxk_loss!)) <= 1e-5)
    }

    @Test func batchTopKKeepsKTimesBCodesOverTheBatch() {
        let r = Self.reference
        var objective = SAEObjective(architecture: .batchTopK)
        objective.k = r.batchtopk.k!
        var sae = Self.sae(objective)
        let codes = sae.trainingCodes(sae.weights.preActivations(r.x, rows: r.B), rows: r.B)
        Self.expectClose(codes, r.batchtopk.codes, "codes")
        #expect(codes.filter { $0 > 0 }.count == objective.k * r.B)
        sae.started = false
        sae.start(on: r.x, rows: r.B)
        #expect(abs(sae.batchThreshold - r.batchtopk.min_positive!) <= 1e-6, "the first batch sets the threshold")
        // Stored as JumpReLU with that threshold repeated.
        guard case .jumpReLU(let threshold) = sae.inferenceWeights.activation else {
            Issue.record("batchtopk is not stored as jumprelu")
            return
        }
        #expect(threshold.count == r.F && Set(threshold).count == 1)
    }

    @Test func jumpReLUAndItsStraightThroughGradientsMatchNumPy() {
        let r = Self.reference
        let j = r.jumprelu
        var objective = SAEObjective(architecture: .jumpReLU)
        objective.bandwidth = j.bandwidth!
        objective.l0Coefficient = j.l0_coefficient!
        var sae = Self.sae(objective)
        sae.logThreshold = j.log_threshold!
        sae.weights.activation = sae.trainingActivation
        Self.expectClose(sae.trainingCodes(sae.weights.preActivations(r.x, rows: r.B), rows: r.B), j.codes, "codes")
        let (loss, gradients) = sae.lossAndGradients(r.x, rows: r.B)
        #expect(abs(Double(loss) - j.loss!) <= 1e-5 * j.loss!, "loss \(loss) vs \(j.loss!)")
        Self.expectGradients(Array(gradients.prefix(4)), j)
        Self.expectClose(gradients[4], j.grad_log_threshold!, "d log θ", tolerance: 1e-4)
        #expect(gradients[4].contains { $0 != 0 }, "the window holds some pre-activations")
    }

    /// AuxK's choice against a sort of each row's dead latents, with k below,
    /// at and above the dead count (every dead latent chosen, nothing ranked).
    @Test func auxKChoiceIsTheSortedOrderOfTheDead() {
        var generator = SplitMix(seed: 11)
        for trial in 0..<200 {
            let latents = 1 + generator.below(48)
            let rows = 1 + generator.below(4)
            let dead = (0..<latents).map { _ in generator.below(3) == 0 }
            let deadLatents = (0..<latents).filter { dead[$0] }
            let k = 1 + generator.below(latents)
            let pre = (0..<(rows * latents)).map { _ in Float(generator.below(9)) - 4 }
            let block = SparseAutoencoder.auxiliaryChoice(k, of: pre, dead: deadLatents, latents: latents, rows: rows)
            var offsets = [0]
            var indices = [Int32]()
            var values = [Float]()
            for row in 0..<rows {
                let value = { (latent: Int) in pre[row * latents + latent] }
                let ranked = deadLatents.sorted { value($0) > value($1) || (value($0) == value($1) && $0 < $1) }
                for latent in ranked.prefix(k).sorted() {
                    indices.append(Int32(latent))
                    values.append(value(latent))
                }
                offsets.append(indices.count)
            }
            #expect(block == CSRBlock(width: latents, offsets: offsets, indices: indices, values: values),
                    "trial \(trial): k \(k), \(deadLatents.count) dead of \(latents)")
        }
    }

    /// Both selections (the scan for k ≤ 32, the k-th largest by key above) against a sort,
    /// over several rows at once, with ties and −∞ (AuxK's live latents) common.
    @Test func topKSelectionIsTheSortedOrder() {
        var generator = SplitMix(seed: 9)
        for trial in 0..<400 {
            let width = 1 + generator.below(trial < 200 ? 40 : 300)
            let k = 1 + generator.below(trial % 2 == 0 ? min(width, 40) : width)
            let rows = 1 + generator.below(3)
            // Few distinct values, so ties are common.
            let pre = (0..<(rows * width)).map { _ -> Float in
                let draw = generator.below(8)
                return draw == 7 ? -.infinity : Float(draw) - 3
            }
            var kept = [Int]()
            pre.withUnsafeBufferPointer { TopK.forEachKept(k, ofEachOf: rows, rowsOf: $0, width: width) { kept.append($0) } }
            var expected = Set<Int>()
            for row in 0..<rows {
                let values = Array(pre[(row * width)..<((row + 1) * width)])
                let ranked = (0..<width).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
                for column in ranked.prefix(k) { expected.insert(row * width + column) }
            }
            #expect(kept.count == expected.count && Set(kept) == expected, "trial \(trial): \(rows) rows of \(width), k \(k)")
            let codes = TopK.keep(k, ofEachOf: rows, rowsOf: pre, width: width)
            #expect(codes == pre.indices.map { expected.contains($0) ? max(0, pre[$0]) : 0 })
        }
    }

    /// Radix selection over rows as long as a batch's (BatchTopK selects
    /// k·B of B·F codes), with ties, ±0 and ±∞, against a sort; and with
    /// NaNs, which rank below every number.
    @Test(arguments: [1, 2, 700, 4_999, 5_000])
    func largeSelectionIsTheSortedOrder(k: Int) {
        var generator = SplitMix(seed: UInt64(k))
        let width = 5_000
        let pre = (0..<width).map { _ -> Float in
            switch generator.below(10) {
            case 0: return -0.0
            case 1: return 0
            case 2: return .infinity
            case 3: return -.infinity
            default: return Float(generator.below(600)) / 7 - 40
            }
        }
        var kept = [Int]()
        pre.withUnsafeBufferPointer { TopK.forEachKept(k, ofEachOf: 1, rowsOf: $0, width: width) { kept.append($0) } }
        let ranked = (0..<width).sorted { pre[$0] > pre[$1] || (pre[$0] == pre[$1] && $0 < $1) }
        #expect(kept.sorted() == ranked.prefix(k).sorted())

        // Every number outranks a NaN; among NaNs the lower column.
        let withNaN = pre.indices.map { $0 % 3 == 0 ? Float.nan : pre[$0] }
        var keptWithNaN = [Int]()
        withNaN.withUnsafeBufferPointer { TopK.forEachKept(k, ofEachOf: 1, rowsOf: $0, width: width) { keptWithNaN.append($0) } }
        let rank = { (value: Float) in value.isNaN ? -Float.greatestFiniteMagnitude : value }
        let rankedWithNaN = (0..<width).sorted {
            (withNaN[$0].isNaN ? 0 : 1, rank(withNaN[$0]), -$0) > (withNaN[$1].isNaN ? 0 : 1, rank(withNaN[$1]), -$1)
        }
        #expect(keptWithNaN.sorted() == rankedWithNaN.prefix(k).sorted())
    }
}
