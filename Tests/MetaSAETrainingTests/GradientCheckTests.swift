import Testing
import LinearAlgebra
@testable import MetaSAETraining

/// Analytic gradients against central finite differences along random
/// directions: (L(θ + εd) − L(θ − εd)) / 2ε ≈ ∇L · d.
@Suite struct GradientCheckTests {
    static func directional(_ gradients: [[Float]], _ direction: [[Float]]) -> Double {
        zip(gradients, direction).reduce(0.0) { total, pair in
            total + zip(pair.0, pair.1).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    static func randomDirection(like tensors: [[Float]], generator: inout SeededGenerator) -> [[Float]] {
        tensors.map { $0.map { _ in generator.normal() } }
    }

    @Test func classifierCrossEntropy() {
        var generator = SeededGenerator(seed: 11)
        let rows = 6
        let x = (0..<(rows * 12)).map { _ in generator.normal() }
        let labels: [UInt8] = [0, 1, 2, 3, 4, 1]
        let model = MLPClassifier(widths: [12, 9, 7, 5], seed: 5)
        let (_, gradients) = model.lossAndGradients(x, labels: labels, rows: rows)
        let flat = gradients.flatMap { [$0.weight, $0.bias] }
        for trial in 0..<4 {
            let direction = Self.randomDirection(like: flat, generator: &generator)
            let epsilon: Float = 1e-3
            func loss(_ sign: Float) -> Double {
                var moved = model
                for index in moved.layers.indices {
                    moved.layers[index].weight = zip(moved.layers[index].weight, direction[2 * index]).map { $0 + sign * epsilon * $1 }
                    moved.layers[index].bias = zip(moved.layers[index].bias, direction[2 * index + 1]).map { $0 + sign * epsilon * $1 }
                }
                return Double(moved.lossAndGradients(x, labels: labels, rows: rows).0)
            }
            let numeric = (loss(1) - loss(-1)) / (2 * Double(epsilon))
            let analytic = Self.directional(flat, direction)
            #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(analytic)), "trial \(trial): \(numeric) vs \(analytic)")
        }
    }

    @Test func sparseAutoencoderLoss() {
        var generator = SeededGenerator(seed: 12)
        let rows = 8
        let inputs = 6
        let x = (0..<(rows * inputs)).map { _ in abs(generator.normal()) }
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: 10, l1Coefficient: 0.05, seed: 3)
        sae.weights.encoderBias = sae.weights.encoderBias.map { _ in 0.2 }  // most latents active
        sae.weights.decoderBias = sae.weights.decoderBias.map { _ in generator.normal() * 0.1 }
        let (_, gradients) = sae.lossAndGradients(x, rows: rows)
        for trial in 0..<4 {
            let direction = Self.randomDirection(like: gradients, generator: &generator)
            let (numeric, analytic) = Self.autoencoderCheck(sae, x, rows: rows, gradients: gradients, direction: direction)
            #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(analytic)), "trial \(trial): \(numeric) vs \(analytic)")
        }
    }

    /// The central finite difference of an SAE's loss along `direction`
    /// (over its four tensors), beside the analytic ∇L · d.
    static func autoencoderCheck(_ sae: SparseAutoencoder, _ x: [Float], rows: Int, gradients: [[Float]],
                                 direction: [[Float]]) -> (numeric: Double, analytic: Double) {
        let epsilon: Float = 1e-3
        func loss(_ sign: Float) -> Double {
            var moved = sae
            moved.weights.encoderWeight = zip(moved.weights.encoderWeight, direction[0]).map { $0 + sign * epsilon * $1 }
            moved.weights.encoderBias = zip(moved.weights.encoderBias, direction[1]).map { $0 + sign * epsilon * $1 }
            moved.weights.decoderWeight = zip(moved.weights.decoderWeight, direction[2]).map { $0 + sign * epsilon * $1 }
            moved.weights.decoderBias = zip(moved.weights.decoderBias, direction[3]).map { $0 + sign * epsilon * $1 }
            return Double(moved.lossAndGradients(x, rows: rows).0)
        }
        return ((loss(1) - loss(-1)) / (2 * Double(epsilon)), directional(Array(gradients[0..<4]), direction))
    }

    @Test func rescalingInputsGivesTheSameAutoencoderOnRawData() {
        var generator = SeededGenerator(seed: 13)
        let x = (0..<(5 * 4)).map { _ in abs(generator.normal()) * 3 }
        var sae = SparseAutoencoder(inputWidth: 4, latentWidth: 6, l1Coefficient: 0.01, seed: 4)
        sae.weights.encoderBias = (0..<6).map { _ in generator.normal() * 0.1 }
        sae.weights.decoderBias = (0..<4).map { _ in generator.normal() * 0.1 }
        let scale: Float = 2.5
        let onScaled = sae.decode(sae.encode(x.map { $0 / scale }, rows: 5), rows: 5).map { $0 * scale }
        var raw = sae
        raw.rescaleInputs(by: scale)
        let onRaw = raw.decode(raw.encode(x, rows: 5), rows: 5)
        for (a, b) in zip(onScaled, onRaw) { #expect(abs(a - b) <= 1e-4 * max(1, abs(a))) }
    }
}
