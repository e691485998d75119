import CFloatEnvironment
import Foundation
import LinearAlgebra
import Testing
@testable import MetaSAETraining

/// The training step computes a batch as two halves on two threads. Every
/// term of the loss is a mean over rows, so the halves weighted by their
/// rows must give the whole batch's loss and gradients, to rounding, and
/// the halves' code activity merged must be the whole batch's.
@Suite struct HalvedStepTests {
    @Test(arguments: [SAEArchitecture.reluL1, .topK, .batchTopK, .jumpReLU], [16, 17])
    func halvesMakeTheWholeBatch(architecture: SAEArchitecture, rows: Int) {
        var generator = SeededGenerator(seed: 31)
        let (inputs, latents) = (12, 40)
        let x = (0..<(rows * inputs)).map { _ in abs(generator.normal()) }
        var objective = SAEObjective(architecture: architecture)
        objective.k = 3
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: latents, objective: objective, seed: 7)
        sae.weights.decoderBias = sae.weights.decoderBias.map { _ in generator.normal() * 0.1 }
        if architecture == .jumpReLU { sae.logThreshold = sae.logThreshold.map { _ in log(0.05) } }
        // A third of the latents dead, so AuxK's mean is in it too.
        sae.rowsSinceFired = (0..<latents).map { $0 % 3 == 0 ? objective.deadWindowRows : 0 }
        sae.weights.activation = sae.trainingActivation
        let (wholeLoss, whole, wholeCodes) = sae.lossGradientsAndCodes(x, rows: rows)
        let (halvesLoss, halves, activity) = sae.lossGradientsAndActivityInHalves(x, rows: rows)
        #expect(wholeLoss > 0 && abs(halvesLoss - wholeLoss) <= Float(1e-6) * wholeLoss, "\(halvesLoss) vs \(wholeLoss)")
        #expect(halves.count == whole.count)
        for (index, (a, b)) in zip(halves, whole).enumerated() {
            SparseCodesTests.close(a, b, "\(architecture), \(rows) rows, gradient \(index)")
        }
        // Counted literally from the whole batch's codes.
        let positive = wholeCodes.filter { $0 > 0 }
        let fired = (0..<latents).map { latent in (0..<rows).contains { wholeCodes[$0 * latents + latent] > 0 } ? UInt8(1) : 0 }
        #expect(!positive.isEmpty && activity.positives == Int64(positive.count) && activity.fired == fired)
        #expect(abs(activity.smallest - positive.min()!) <= 1e-6 * max(1, positive.min()!))
    }

    /// The control word is per thread: each half runs under the caller's
    /// (training flushes denormals), whichever thread takes it.
    @Test func halvesRunUnderTheCallersFloatEnvironment() {
        // The worker thread made before the flush, so it does not inherit it.
        SideBySide.run({}, {})
        let previous = metasae_flush_denormals()
        defer { metasae_restore_float_environment(previous) }
        let callers = metasae_float_environment()
        let caller = pthread_self()
        var apart = 0
        // Until 20 second halves ran on the worker (other suites' training, run at the same time, may hold it).
        let deadline = Date().addingTimeInterval(60)
        while apart < 20 && Date() < deadline {
            let (first, second) = BatchHalves.run([Float](repeating: 0, count: 8), rows: 4, width: 2) { _, _ in
                (metasae_float_environment(), pthread_equal(pthread_self(), caller) == 0)
            }
            if second.1 { apart += 1 } else { usleep(200) }
            #expect(first.0 == callers && second.0 == callers, "\(first.0), \(second.0) vs the caller's \(callers)")
        }
        #expect(apart == 20, "the second half never ran on the worker")
    }
}

/// Merging two halves' activity is the whole batch's, exactly: an or of the
/// fired latents, a sum of positives, the smaller smallest (none: +infinity).
@Suite struct CodeActivityTests {
    @Test func mergedHalvesAreTheWholeBatch() {
        let width = 5
        let top: [Float] = [0, 2, 0, -1, 0, 0, 0.5, 0, 0, 0]
        let bottom: [Float] = [3, 0, 0, .nan, 0, 0, 0, 0, 0, 0]
        var merged = CodeActivity(top, rows: 2, width: width)
        merged.merge(CodeActivity(bottom, rows: 2, width: width))
        #expect(merged == CodeActivity(top + bottom, rows: 4, width: width))
        #expect(merged.fired == [1, 1, 0, 0, 0] && merged.positives == 3 && merged.smallest == 0.5)
        let none = CodeActivity([Float](repeating: -1, count: width), rows: 1, width: width)
        #expect(none.positives == 0 && none.smallest == .infinity && none.fired.allSatisfy { $0 == 0 })
    }
}
