import AtomicityMetrics
import LinearAlgebra
import MetaSAEStore

/// A ReLU sparse autoencoder in SAELens orientation (no b_dec shift):
/// `z = relu(x · W_enc + b_enc)`, `x̂ = z · W_dec + b_dec`, trained on
/// `loss = ‖x̂ − x‖² / (rows·D) + λ · ‖z‖₁ / rows`. Decoder rows are kept at
/// unit norm so the L1 penalty cannot be dodged by shrinking z.
public struct SparseAutoencoder: Sendable {
    public var weights: SAEWeights
    public var l1Coefficient: Float

    /// Encoder init as `nn.Linear(D, F)`; decoder as its transpose, rows
    /// normalised (a common, stable start).
    public init(inputWidth: Int, latentWidth: Int, l1Coefficient: Float, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let bound = 1 / Float(inputWidth).squareRoot()
        let encoder = (0..<(inputWidth * latentWidth)).map { _ in generator.uniform(-bound, bound) }
        var decoder = [Float](repeating: 0, count: latentWidth * inputWidth)
        for input in 0..<inputWidth {
            for latent in 0..<latentWidth { decoder[latent * inputWidth + input] = encoder[input * latentWidth + latent] }
        }
        weights = SAEWeights(
            inputWidth: inputWidth, latentWidth: latentWidth, encoderWeight: encoder,
            encoderBias: [Float](repeating: 0, count: latentWidth), decoderWeight: decoder,
            decoderBias: [Float](repeating: 0, count: inputWidth))
        self.l1Coefficient = l1Coefficient
        normalizeDecoder()
    }

    public func encode(_ x: [Float], rows: Int) -> [Float] {
        weights.encode(x, rows: rows)
    }

    public func decode(_ z: [Float], rows: Int) -> [Float] {
        weights.decode(z, rows: rows)
    }

    /// The loss and gradients of W_enc, b_enc, W_dec, b_dec, in that order.
    public func lossAndGradients(_ x: [Float], rows: Int) -> (Float, [[Float]]) {
        let (inputs, latents) = (weights.inputWidth, weights.latentWidth)
        let pre = weights.preActivations(x, rows: rows)
        let z = weights.activate(pre, rows: rows)
        let reconstruction = decode(z, rows: rows)
        let scale = 2 / Float(rows * inputs)
        var reconstructionLoss: Double = 0
        var dOutput = [Float](repeating: 0, count: rows * inputs)
        for index in dOutput.indices {
            let error = reconstruction[index] - x[index]
            reconstructionLoss += Double(error * error)
            dOutput[index] = scale * error
        }
        let sparsityLoss = z.reduce(0.0) { $0 + Double($1) }
        let loss = Float(reconstructionLoss / Double(rows * inputs) + Double(l1Coefficient) * sparsityLoss / Double(rows))
        // Decoder: dW_dec[F × D] = zᵀ · dOutput; db_dec = Σ rows.
        var decoderGradient = [Float](repeating: 0, count: latents * inputs)
        BLAS.multiply(z, dOutput, into: &decoderGradient, m: latents, k: rows, n: inputs, transposeA: true)
        let decoderBiasGradient = Tensor.columnSums(dOutput, rows: rows, width: inputs)
        // dz = dOutput · W_decᵀ + λ/rows (z ≥ 0, so |z|' = 1 where active).
        var dz = [Float](repeating: 0, count: rows * latents)
        BLAS.multiply(dOutput, weights.decoderWeight, into: &dz, m: rows, k: inputs, n: latents, transposeB: true)
        let penalty = l1Coefficient / Float(rows)
        for index in dz.indices { dz[index] = z[index] > 0 ? dz[index] + penalty : 0 }
        var encoderGradient = [Float](repeating: 0, count: inputs * latents)
        BLAS.multiply(x, dz, into: &encoderGradient, m: inputs, k: rows, n: latents, transposeA: true)
        let encoderBiasGradient = Tensor.columnSums(dz, rows: rows, width: latents)
        return (loss, [encoderGradient, encoderBiasGradient, decoderGradient, decoderBiasGradient])
    }

    public mutating func apply(_ gradients: [[Float]], optimizer: inout Adam) {
        var parameters = [weights.encoderWeight, weights.encoderBias, weights.decoderWeight, weights.decoderBias]
        optimizer.update(&parameters, gradients: gradients)
        weights.encoderWeight = parameters[0]
        weights.encoderBias = parameters[1]
        weights.decoderWeight = parameters[2]
        weights.decoderBias = parameters[3]
        normalizeDecoder()
    }

    /// Turns an SAE trained on x/σ into the same SAE on x: both biases scale
    /// by σ (ReLU is positively homogeneous), so latents come out σ times larger.
    public mutating func rescaleInputs(by scale: Float) {
        weights.encoderBias = weights.encoderBias.map { $0 * scale }
        weights.decoderBias = weights.decoderBias.map { $0 * scale }
    }

    mutating func normalizeDecoder() {
        let inputs = weights.inputWidth
        for latent in 0..<weights.latentWidth {
            var norm: Float = 0
            for column in 0..<inputs { norm += weights.decoderWeight[latent * inputs + column] * weights.decoderWeight[latent * inputs + column] }
            norm = norm.squareRoot()
            guard norm > 0 else { continue }
            for column in 0..<inputs { weights.decoderWeight[latent * inputs + column] /= norm }
        }
    }
}

/// How well an SAE fits its data, per depth, for the training log.
public struct AutoencoderFit: Sendable, Codable, Equatable {
    /// Fraction of variance unexplained: Σ‖x − x̂‖² / Σ‖x − x̄‖².
    public var fractionOfVarianceUnexplained: Double
    /// Mean number of latents > 0 per example.
    public var meanL0: Double
    /// Latents never active on the data.
    public var deadLatents: Int
    public var latentWidth: Int

    /// `latents` are `sae`'s encoding of `data` (the cascade keeps them as
    /// the next depth's input, so they are not computed twice).
    public init(sae: SparseAutoencoder, data: [Float], latents encoded: [Float], rows: Int, blockRows: Int = 4_096) {
        let inputs = sae.weights.inputWidth
        let latents = sae.weights.latentWidth
        var mean = [Double](repeating: 0, count: inputs)
        for row in 0..<rows { for column in 0..<inputs { mean[column] += Double(data[row * inputs + column]) } }
        mean = mean.map { $0 / Double(max(rows, 1)) }
        var residual = 0.0
        var total = 0.0
        var active = 0
        var everActive = [Bool](repeating: false, count: latents)
        for start in stride(from: 0, to: rows, by: blockRows) {
            let count = min(blockRows, rows - start)
            let x = Array(data[(start * inputs)..<((start + count) * inputs)])
            let z = Array(encoded[(start * latents)..<((start + count) * latents)])
            let reconstruction = sae.decode(z, rows: count)
            for index in x.indices {
                let error = Double(reconstruction[index] - x[index])
                residual += error * error
                let centred = Double(x[index]) - mean[index % inputs]
                total += centred * centred
            }
            for (index, value) in z.enumerated() where value > 0 {
                active += 1
                everActive[index % latents] = true
            }
        }
        fractionOfVarianceUnexplained = total > 0 ? residual / total : 0
        meanL0 = Double(active) / Double(max(rows, 1))
        deadLatents = everActive.filter { !$0 }.count
        latentWidth = latents
    }
}
