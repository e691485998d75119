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
