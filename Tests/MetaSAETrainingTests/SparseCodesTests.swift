import CVectorKernels
import Foundation
import LinearAlgebra
import Testing
@testable import MetaSAETraining

/// The training step's compressed-row products against OpenBLAS on the
/// same matrices, and the step's gradients when few codes fire against
/// central finite differences.
@Suite struct SparseCodesTests {
    static func close(_ a: [Float], _ b: [Float], _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, "\(context): sizes", sourceLocation: sourceLocation)
        let scale = b.reduce(Float(0)) { max($0, abs($1)) }
        let worst = zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(worst <= 1e-5 * max(scale, 1), "\(context): off by \(worst) (scale \(scale))", sourceLocation: sourceLocation)
    }

    @Test func productsMatchBLAS() throws {
        var generator = SeededGenerator(seed: 4)
        let (rows, latents, width) = (37, 29, 19)
        // 12% non-zero, both signs (TopK codes need not be positive).
        let z = (0..<(rows * latents)).map { _ in generator.uniform(0, 1) < 0.12 ? generator.normal() : 0 }
        let w = (0..<(latents * width)).map { _ in generator.normal() }
        let a = (0..<(rows * width)).map { _ in generator.normal() }
        let codes = try #require(SparseCodes(z, rows: rows, width: latents))

        var times = [Float](repeating: 0.5, count: rows * width)
        codes.times(w, width: width, into: &times)
        var expected = [Float](repeating: 0.5, count: rows * width)
        BLAS.multiply(z, w, into: &expected, m: rows, k: latents, n: width, beta: 1)
        Self.close(times, expected, "z · W")

        var transposed = [Float](repeating: 0, count: latents * width)
        codes.transposeTimes(a, width: width, into: &transposed)
        var expectedTransposed = [Float](repeating: 0, count: latents * width)
        BLAS.multiply(z, a, into: &expectedTransposed, m: latents, k: rows, n: width, transposeA: true)
        Self.close(transposed, expectedTransposed, "zᵀ · A")

        var full = [Float](repeating: 0, count: rows * latents)
        BLAS.multiply(a, w, into: &full, m: rows, k: width, n: latents, transposeB: true)
        var expectedDots = [Float](repeating: 0, count: codes.block.nonZeros)
        codes.forEachEntry { index, entry in expectedDots[entry] = full[index] }
        Self.close(codes.rowDots(a, w, width: width), expectedDots, "A · Wᵀ at the entries")
    }

    @Test func denseBatchesTakeBLAS() {
        let z = [Float](repeating: 1, count: 4 * 10)
        #expect(SparseCodes(z, rows: 4, width: 10) == nil)
        var few = [Float](repeating: 0, count: 4 * 10)
        few[3] = 2
        #expect(SparseCodes(few, rows: 4, width: 10) != nil)
    }

    /// The whole step through compressed rows (every product, whatever the
    /// density) against the step through BLAS alone, for each architecture
    /// (AuxK on, so dead latents' products are in it too), when few codes
    /// fire and when most do.
    @Test(arguments: [SAEArchitecture.reluL1, .topK, .batchTopK, .jumpReLU], [-0.35, 0.2] as [Float])
    func compressedRowStepMatchesTheBLASStep(architecture: SAEArchitecture, bias: Float) {
        var generator = SeededGenerator(seed: 21)
        let (rows, inputs, latents) = (16, 12, 40)
        let x = (0..<(rows * inputs)).map { _ in abs(generator.normal()) }
        var objective = SAEObjective(architecture: architecture)
        objective.k = 3
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: latents, objective: objective, seed: 5)
        sae.weights.encoderBias = sae.weights.encoderBias.map { _ in bias }
        sae.weights.decoderBias = sae.weights.decoderBias.map { _ in generator.normal() * 0.1 }
        if architecture == .jumpReLU { sae.logThreshold = sae.logThreshold.map { _ in log(0.05) } }
        // Half the latents dead, so AuxK has work.
        sae.rowsSinceFired = (0..<latents).map { $0 % 2 == 0 ? objective.deadWindowRows : 0 }
        sae.weights.activation = sae.trainingActivation
        let (sparseLoss, sparse, sparseCodes) = sae.lossGradientsAndCodes(x, rows: rows, sparseDensity: 1)
        let (denseLoss, dense, denseCodes) = sae.lossGradientsAndCodes(x, rows: rows, sparseDensity: -1)
        #expect(sparseCodes == denseCodes && sparseCodes.contains { $0 != 0 })
        #expect(abs(sparseLoss - denseLoss) <= 1e-6 * max(1, abs(denseLoss)))
        #expect(sparse.count == dense.count)
        for (index, (a, b)) in zip(sparse, dense).enumerated() { Self.close(a, b, "\(architecture) bias \(bias) gradient \(index)") }
    }

    /// With a negative encoder bias few ReLU latents fire, so every product
    /// of the step goes through compressed rows: its gradients match central
    /// finite differences (ReLU-L1's loss is smooth where no code sits at 0).
    @Test func sparseStepGradientsMatchFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 21)
        let (rows, inputs, latents) = (16, 12, 40)
        let x = (0..<(rows * inputs)).map { _ in abs(generator.normal()) }
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: latents, l1Coefficient: 0.05, seed: 5)
        sae.weights.encoderBias = sae.weights.encoderBias.map { _ in -0.6 }
        let (_, gradients, codes) = sae.lossGradientsAndCodes(x, rows: rows)
        let fired = codes.filter { $0 != 0 }.count
        #expect(fired > 0 && Double(fired) <= SparseCodes.densityThreshold * Double(rows * latents), "\(fired) codes fired")
        for trial in 0..<4 {
            let direction = gradients.map { $0.map { _ in generator.normal() } }
            let (numeric, analytic) = GradientCheckTests.autoencoderCheck(sae, x, rows: rows, gradients: gradients, direction: direction)
            #expect(abs(numeric - analytic) <= 2e-2 * max(1, abs(analytic)), "trial \(trial): \(numeric) vs \(analytic)")
        }
    }
}

extension SparseCodesTests {
    /// A batch in which no code fires takes the compressed-row step too:
    /// nothing to multiply, and the same (bias-only) gradients as BLAS.
    @Test func aBatchWithNoFiredCodeMatchesTheBLASStep() {
        var generator = SeededGenerator(seed: 2)
        let (rows, inputs, latents) = (8, 6, 20)
        let x = (0..<(rows * inputs)).map { _ in abs(generator.normal()) }
        var sae = SparseAutoencoder(inputWidth: inputs, latentWidth: latents, l1Coefficient: 0.05, seed: 4)
        sae.weights.encoderBias = sae.weights.encoderBias.map { _ in -10 }
        let (sparseLoss, sparse, codes) = sae.lossGradientsAndCodes(x, rows: rows, sparseDensity: 1)
        let (denseLoss, dense, _) = sae.lossGradientsAndCodes(x, rows: rows, sparseDensity: -1)
        #expect(codes.allSatisfy { $0 == 0 } && sparseLoss == denseLoss)
        for (index, (a, b)) in zip(sparse, dense).enumerated() { Self.close(a, b, "gradient \(index)") }
        #expect(sparse[3].contains { $0 != 0 }, "the decoder bias still learns")
    }

    /// Values gathered at the codes' positions are the dense array's own
    /// compression when its non-zeros lie there: zeros (and −0) dropped,
    /// NaN kept, column order within each row.
    @Test func gatheringIsTheCompressionOfValuesWithinTheCodes() throws {
        var generator = SeededGenerator(seed: 12)
        let (rows, latents) = (21, 33)
        let z = (0..<(rows * latents)).map { _ in generator.uniform(0, 1) < 0.1 ? generator.uniform(0.1, 2) : 0 }
        let codes = try #require(SparseCodes(z, rows: rows, width: latents))
        var inside = [Float](repeating: 0, count: rows * latents)
        var count = 0
        codes.forEachEntry { index, _ in
            count += 1
            inside[index] = [generator.normal(), 0, -0.0, .nan][count % 4]
        }
        let gathered = codes.gathering(inside).block
        let expected = try #require(SparseCodes(inside, rows: rows, width: latents, threshold: 1)).block
        #expect(gathered.offsets == expected.offsets && gathered.indices == expected.indices)
        #expect(gathered.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
        #expect(gathered.values.contains { $0.isNaN } && gathered.nonZeros < codes.block.nonZeros)
    }
}

/// The compressed-row kernels against literal loops over the entries, bit
/// for bit: each output summed from its starting value in storage order (row
/// order for the transposed product), multiply-adds fused in the AVX2
/// versions and not in the baseline ones, whatever tiles or groups the
/// kernels use. Rows hold 0 to 9 entries (groups of four and what remains),
/// widths lie around the tiles of 8 and 64.
@Suite struct SparseKernelOrderTests {
    static func multiplyAdd(_ sum: Float, _ a: Float, _ b: Float, fused: Bool) -> Float {
        fused ? sum.addingProduct(a, b) : sum + a * b
    }

    static func block(rows: Int, latents: Int, seed: UInt64) -> (offsets: [Int], indices: [Int32], values: [Float]) {
        var generator = SeededGenerator(seed: seed)
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        for row in 0..<rows {
            // Latent 5 never fires: the transposed product skips a latent with no entries.
            let chosen = (0..<latents).filter { generator.uniform(0, 1) < Float(row % 10) / Float(latents) + 0.02 && $0 != 5 }
            indices += chosen.map(Int32.init)
            values += chosen.map { _ in generator.normal() }
            offsets.append(indices.count)
        }
        return (offsets, indices, values)
    }

    @Test(arguments: [1, 7, 8, 9, 64, 73, 130])
    func kernelsSumInStorageOrder(width: Int) {
        let (rows, latents) = (23, 11)
        let (offsets, indices, values) = Self.block(rows: rows, latents: latents, seed: UInt64(width))
        var generator = SeededGenerator(seed: 99)
        let w = (0..<(latents * width)).map { _ in generator.normal() }
        let a = (0..<(rows * width)).map { _ in generator.normal() }
        let startTimes = (0..<(rows * width)).map { _ in generator.normal() }
        let startTransposed = (0..<(latents * width)).map { _ in generator.normal() }
        var versions = [(false, metasae_csr_times_dense_baseline, metasae_csr_transpose_times_dense_baseline, metasae_csr_row_dots_baseline)]
        if metasae_vector_kernels_use_avx2() != 0 {
            versions.append((true, metasae_csr_times_dense, metasae_csr_transpose_times_dense, metasae_csr_row_dots))
        }
        for (fused, times, transposeTimes, rowDots) in versions {
            var expectedTimes = startTimes, expectedTransposed = startTransposed
            var expectedDots = [Float](repeating: 0, count: indices.count)
            for row in 0..<rows {
                for entry in offsets[row]..<offsets[row + 1] {
                    let latent = Int(indices[entry])
                    for column in 0..<width {
                        expectedTimes[row * width + column] = Self.multiplyAdd(expectedTimes[row * width + column], values[entry], w[latent * width + column], fused: fused)
                        expectedTransposed[latent * width + column] = Self.multiplyAdd(expectedTransposed[latent * width + column], values[entry], a[row * width + column], fused: fused)
                    }
                    var lanes = [Float](repeating: 0, count: 8)
                    let vectorColumns = width / 8 * 8
                    for column in 0..<vectorColumns {
                        lanes[column % 8] = Self.multiplyAdd(lanes[column % 8], a[row * width + column], w[latent * width + column], fused: fused)
                    }
                    var total: Float = 0
                    for lane in lanes { total += lane }
                    for column in vectorColumns..<width {
                        total = Self.multiplyAdd(total, a[row * width + column], w[latent * width + column], fused: fused)
                    }
                    expectedDots[entry] = total
                }
            }
            var gotTimes = startTimes, gotTransposed = startTransposed
            var gotDots = [Float](repeating: .nan, count: indices.count)
            times(offsets, indices, values, Int64(rows), w, Int64(width), &gotTimes)
            transposeTimes(offsets, indices, values, Int64(rows), a, Int64(width), &gotTransposed, Int64(latents))
            rowDots(offsets, indices, Int64(rows), a, w, Int64(width), &gotDots)
            let bits = { (values: [Float]) in values.map(\.bitPattern) }
            #expect(bits(gotTimes) == bits(expectedTimes), "times, fused \(fused)")
            #expect(bits(gotTransposed) == bits(expectedTransposed), "transpose times, fused \(fused)")
            #expect(bits(gotDots) == bits(expectedDots), "row dots, fused \(fused)")
        }
    }
}
