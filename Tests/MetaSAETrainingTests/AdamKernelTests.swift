import CVectorKernels
import Foundation
import LinearAlgebra
import Testing
@testable import MetaSAETraining

/// Adam's C kernel, dispatched (AVX2 where the CPU has it) and baseline,
/// rounds exactly as the literal scalar update does, step after step.
@Suite struct AdamKernelTests {
    /// Adam's update as the formula reads, one value at a time.
    static func literalStep(_ values: inout [Float], _ first: inout [Float], _ second: inout [Float], _ gradient: [Float],
                            step: Int, learningRate: Float) {
        let (beta1, beta2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-8)
        let correction1 = 1 - Float(pow(Double(beta1), Double(step)))
        let correction2 = 1 - Float(pow(Double(beta2), Double(step)))
        let stepSize = learningRate / correction1
        for index in values.indices {
            let g = gradient[index]
            first[index] = beta1 * first[index] + (1 - beta1) * g
            second[index] = beta2 * second[index] + (1 - beta2) * g * g
            values[index] -= stepSize * first[index] / ((second[index] / correction2).squareRoot() + epsilon)
        }
    }

    @Test(arguments: [false, true])
    func kernelMatchesTheLiteralUpdateBitForBit(baseline: Bool) {
        var generator = SeededGenerator(seed: 3)
        let count = 1_037  // not a multiple of any vector width
        var expected = (0..<count).map { _ in generator.normal() }
        var (first, second) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        var actual = expected
        var (m, v) = (first, second)
        for step in 1...25 {
            // Zeros, tiny and large gradients, both signs.
            let gradient = (0..<count).map { index -> Float in
                switch index % 5 {
                case 0: return 0
                case 1: return generator.normal() * 1e-20
                case 2: return generator.normal() * 1e6
                default: return generator.normal()
                }
            }
            Self.literalStep(&expected, &first, &second, gradient, step: step, learningRate: 0.01)
            let correction1 = 1 - Float(pow(Double(Float(0.9)), Double(step)))
            let correction2 = 1 - Float(pow(Double(Float(0.999)), Double(step)))
            let kernel = baseline ? metasae_adam_update_baseline : metasae_adam_update
            kernel(&actual, &m, &v, gradient, Int64(count), 0.9, 0.999, 1e-8, 0.01 / correction1, correction2)
        }
        #expect(actual.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(m.map(\.bitPattern) == first.map(\.bitPattern) && v.map(\.bitPattern) == second.map(\.bitPattern))
    }

    /// The optimizer itself: two tensors (one with a learning-rate scale,
    /// one empty), several steps, against the literal update.
    @Test func optimizerUpdatesEveryTensorAsTheLiteralStep() {
        var generator = SeededGenerator(seed: 8)
        var parameters: [[Float]] = [(0..<40).map { _ in generator.normal() }, [], (0..<9).map { _ in generator.normal() }]
        var expected = parameters
        var firsts = expected.map { [Float](repeating: 0, count: $0.count) }
        var seconds = firsts
        var adam = Adam(learningRate: 0.003)
        for step in 1...6 {
            let gradients = parameters.map { $0.map { _ in generator.normal() } }
            adam.update(&parameters, gradients: gradients, scales: [1, 1, 0.5])
            for tensor in expected.indices {
                Self.literalStep(&expected[tensor], &firsts[tensor], &seconds[tensor], gradients[tensor],
                                 step: step, learningRate: 0.003 * [1, 1, 0.5][tensor])
            }
        }
        #expect(parameters.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) })
    }
}
