import Foundation
import LinearAlgebra
import Testing
@testable import MetaSAETraining

/// The training log's fit (FVU, mean L0, dead latents), measured over row
/// blocks on two threads, against a literal Float64 computation from the
/// SAE's own forward pass, with one block and with many.
@Suite struct AutoencoderFitTests {
    @Test(arguments: [4_096, 5, 1])
    func fitMatchesTheLiteralSums(blockRows: Int) {
        var generator = SeededGenerator(seed: 31)
        let (rows, inputs, latents) = (23, 9, 14)
        let x = (0..<(rows * inputs)).map { _ in generator.normal() }
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: latents, l1Coefficient: 0.01, seed: 3)
        sae.weights.encoderBias = sae.weights.encoderBias.enumerated().map { $0.offset == 2 ? -50 : -0.3 }
        let z = sae.encode(x, rows: rows)
        let reconstruction = sae.decode(z, rows: rows)
        var mean = [Double](repeating: 0, count: inputs)
        for index in x.indices { mean[index % inputs] += Double(x[index]) / Double(rows) }
        var (residual, total) = (0.0, 0.0)
        for index in x.indices {
            residual += pow(Double(reconstruction[index]) - Double(x[index]), 2)
            total += pow(Double(x[index]) - mean[index % inputs], 2)
        }
        let active = z.filter { abs($0) > 1e-5 }.count
        let dead = (0..<latents).filter { latent in (0..<rows).allSatisfy { abs(z[$0 * latents + latent]) <= 1e-5 } }.count

        let fit = AutoencoderFit(sae: sae, data: x, latents: z, rows: rows, blockRows: blockRows)
        #expect(abs(fit.fractionOfVarianceUnexplained - residual / total) <= 1e-5 * (residual / total))
        #expect(fit.meanL0 == Double(active) / Double(rows))
        #expect(fit.deadLatents == dead && dead >= 1, "latent 2 never fires")
        #expect(fit.latentWidth == latents)
    }
}

/// The cascade writes x/σ and then the codes over a dead buffer: the result
/// is what a fresh array gets, in the very storage given (nothing faulted
/// in), longer storage cut to length, shorter storage replaced.
@Suite struct RecycledBufferTests {
    @Test func codesAndScaledInputsAreWrittenOverTheGivenStorage() {
        var generator = SeededGenerator(seed: 2)
        let (rows, inputs, latents) = (4, 6, 9)
        let x = (0..<(rows * inputs)).map { _ in generator.normal() }
        let sae = SparseAutoencoder(inputWidth: inputs, latentWidth: latents, l1Coefficient: 0.01, seed: 1)
        let expected = sae.encode(x, rows: rows)
        // Finite and huge, so a value the product failed to write would survive the ReLU.
        let storage = [Float](repeating: 1e30, count: rows * latents + 5)
        let address = storage.withUnsafeBufferPointer { $0.baseAddress }
        let codes = sae.encode(x, rows: rows, reusing: consume storage)
        #expect(codes == expected && codes.contains { $0 != 0 })
        #expect(codes.withUnsafeBufferPointer { $0.baseAddress } == address)

        let scaled = [Float](repeating: .nan, count: x.count)
        let scaledAddress = scaled.withUnsafeBufferPointer { $0.baseAddress }
        let divided = CascadeTrainer.divide(x, by: 3, reusing: consume scaled)
        #expect(divided == x.map { $0 / 3 })
        #expect(divided.withUnsafeBufferPointer { $0.baseAddress } == scaledAddress)
        #expect(CascadeTrainer.divide(x, by: 3, reusing: [1, 2]) == x.map { $0 / 3 })
    }
}
