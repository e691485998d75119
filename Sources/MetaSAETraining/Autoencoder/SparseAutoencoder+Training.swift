import AtomicityMetrics
import CVectorKernels
import Foundation
import LinearAlgebra
import MetaSAEStore

/// One training step of a `SparseAutoencoder`: the loss of its architecture
/// and its gradients (straight-through for JumpReLU), then the update of
/// the state the step keeps (dead latents, batchtopk's threshold).
extension SparseAutoencoder {
    /// The loss and gradients of W_enc, b_enc, W_dec, b_dec, and for
    /// jumprelu log θ, in that order.
    public func lossAndGradients(_ x: [Float], rows: Int) -> (Float, [[Float]]) {
        let (loss, gradients, _) = lossGradientsAndCodes(x, rows: rows)
        return (loss, gradients)
    }

    /// The loss, the gradients, and the batch's codes (which the step's
    /// bookkeeping reads, so the forward pass runs once). Products with codes
    /// (and pre-activation gradients) at most `sparseDensity` non-zero go
    /// through compressed rows, others through BLAS. `forward`, when given,
    /// holds these rows' pre-activations and codes (BatchTopK's, chosen over
    /// a whole batch of which they are half).
    func lossGradientsAndCodes(_ x: [Float], rows: Int, sparseDensity: Double = SparseCodes.densityThreshold,
                               forward: (pre: [Float], codes: [Float])? = nil) -> (Float, [[Float]], [Float]) {
        let (inputs, latents) = (weights.inputWidth, weights.latentWidth)
        let pre = forward?.pre ?? weights.preActivations(x, rows: rows)
        let z = forward?.codes ?? trainingCodes(pre, rows: rows)
        // Few codes fire once training is under way: the products with z
        // (and with dPre, below) then skip the zeros.
        let sparse = SparseCodes(z, rows: rows, width: latents, threshold: sparseDensity)
        let reconstruction = decode(z, rows: rows, sparse: sparse)
        let scale = 2 / Float(rows * inputs)
        var squaredError = 0.0
        let dOutput = [Float].written(count: rows * inputs) { dOutput in
            squaredError = metasae_scaled_difference(reconstruction, x, Int64(rows * inputs), scale, dOutput.baseAddress)
        }
        var loss = squaredError / Double(rows * inputs)
        // Decoder: dW_dec[F × D] = zᵀ · dOutput; db_dec = Σ rows; dz = dOutput · W_decᵀ.
        var decoderGradient: [Float]
        if let sparse {
            decoderGradient = [Float](repeating: 0, count: latents * inputs)
            sparse.transposeTimes(dOutput, width: inputs, into: &decoderGradient)
        } else {
            decoderGradient = BLAS.product(z, dOutput, m: latents, k: rows, n: inputs, transposeA: true)
        }
        let decoderBiasGradient = Tensor.columnSums(dOutput, rows: rows, width: inputs)
        // Through the activation: codes that fired pass their gradient on.
        // JumpReLU's threshold gradient reads dz near the threshold, fired or not.
        var dz: [Float] = []
        var dPre: [Float]
        if let sparse, objective.architecture != .jumpReLU {
            dPre = [Float](repeating: 0, count: rows * latents)
            let dots = sparse.rowDots(dOutput, weights.decoderWeight, width: inputs)
            dPre.withUnsafeMutableBufferPointer { dPre in
                sparse.forEachEntry { index, entry in if z[index] > 0 { dPre[index] = dots[entry] } }
            }
        } else {
            dz = BLAS.product(dOutput, weights.decoderWeight, m: rows, k: inputs, n: latents, transposeB: true)
            dPre = Tensor.gated(dz, by: z)
        }
        var thresholdGradient: [Float]?
        // Whether dPre is non-zero only where the compressed codes are (AuxK's dead latents may lie elsewhere).
        var preGradientWithinCodes = sparse != nil && objective.architecture != .jumpReLU
        switch objective.architecture {
        case .reluL1:
            // Over the stored codes alone when sparse: the same sum (zeros add nothing) and the same entries.
            let penalty = objective.l1Coefficient / Float(rows)
            if let sparse {
                loss += Double(objective.l1Coefficient) * sparse.block.values.reduce(0.0) { $0 + Double($1) } / Double(rows)
                dPre.withUnsafeMutableBufferPointer { dPre in
                    sparse.forEachEntry { index, _ in if z[index] > 0 { dPre[index] += penalty } }
                }
            } else {
                loss += Double(objective.l1Coefficient) * z.reduce(0.0) { $0 + Double($1) } / Double(rows)
                dPre.withUnsafeMutableBufferPointer { dPre in
                    for index in dPre.indices where z[index] > 0 { dPre[index] += penalty }
                }
            }
        case .topK, .batchTopK:
            if objective.auxK, let auxiliary = auxiliaryLoss(x, pre: pre, reconstruction: reconstruction, rows: rows,
                                                               sparseDensity: sparseDensity, decoderGradient: &decoderGradient,
                                                               preGradient: &dPre) {
                loss += auxiliary
                preGradientWithinCodes = false
            }
        case .jumpReLU:
            let (l0Loss, gradient) = jumpThresholdTerms(pre: pre, dz: dz, rows: rows)
            loss += l0Loss
            thresholdGradient = gradient
        }
        // dPre compressed from the codes' rows (its non-zeros lie there) or, else, from all of it.
        let compressedPreGradient = preGradientWithinCodes ? sparse?.gathering(dPre)
            : SparseCodes(dPre, rows: rows, width: latents, threshold: sparseDensity)
        let encoderGradient = Self.encoderGradient(x, dPre, compressed: compressedPreGradient, rows: rows, inputs: inputs, latents: latents)
        let encoderBiasGradient = Tensor.columnSums(dPre, rows: rows, width: latents)
        let gradients = [encoderGradient, encoderBiasGradient, decoderGradient, decoderBiasGradient]
        return (Float(loss), gradients + (thresholdGradient.map { [$0] } ?? []), z)
    }

    /// dW_enc [D × F] = xᵀ · dPre: through `compressed`, dPre's compressed
    /// rows, when given (as dPreᵀ · x, [F × D], then transposed), else BLAS.
    static func encoderGradient(_ x: [Float], _ dPre: [Float], compressed: SparseCodes?, rows: Int, inputs: Int, latents: Int) -> [Float] {
        guard let sparse = compressed else { return BLAS.product(x, dPre, m: inputs, k: rows, n: latents, transposeA: true) }
        var transposed = [Float](repeating: 0, count: latents * inputs)
        sparse.transposeTimes(x, width: inputs, into: &transposed)
        return [Float].written(count: inputs * latents) { metasae_transpose(transposed, Int64(latents), Int64(inputs), $0.baseAddress) }
    }

    /// AuxK: the k_aux largest pre-activations of dead latents (not ReLU'd,
    /// as SAELens) reconstruct the residual through W_dec alone; adds its
    /// gradients and returns its loss, nil (nothing added) when no latent
    /// is dead. Few dead latents make the chosen codes sparse: their
    /// products then go through compressed rows.
    func auxiliaryLoss(_ x: [Float], pre: [Float], reconstruction: [Float], rows: Int, sparseDensity: Double,
                       decoderGradient: inout [Float], preGradient: inout [Float]) -> Double? {
        let (inputs, latents) = (weights.inputWidth, weights.latentWidth)
        let dead = deadMask
        let deadLatents = dead.indices.filter { dead[$0] }
        let half = max(1, inputs / 2)
        guard !deadLatents.isEmpty else { return nil }
        let kAux = min(half, deadLatents.count)
        let weight = objective.auxKCoefficient * min(Float(deadLatents.count) / Float(half), 1)
        let chosen = SparseCodes(block: Self.auxiliaryChoice(kAux, of: pre, dead: deadLatents, latents: latents, rows: rows))
        let sparse = Double(chosen.block.nonZeros) <= sparseDensity * Double(rows * latents)
        var auxCodes: [Float] = []
        var estimate = [Float](repeating: 0, count: rows * inputs)
        if sparse {
            chosen.times(weights.decoderWeight, width: inputs, into: &estimate)
        } else {
            auxCodes = [Float](repeating: 0, count: rows * latents)
            chosen.forEachEntry { index, entry in auxCodes[index] = chosen.block.values[entry] }
            BLAS.multiply(auxCodes, weights.decoderWeight, into: &estimate, m: rows, k: latents, n: inputs)
        }
        var total = 0.0
        var dEstimate = [Float](repeating: 0, count: rows * inputs)
        let scale = 2 * weight / Float(rows * inputs)
        for index in estimate.indices {
            let difference = estimate[index] - (x[index] - reconstruction[index])
            total += Double(difference * difference)
            dEstimate[index] = scale * difference
        }
        if sparse {
            chosen.transposeTimes(dEstimate, width: inputs, into: &decoderGradient)
            let dots = chosen.rowDots(dEstimate, weights.decoderWeight, width: inputs)
            chosen.forEachEntry { index, entry in preGradient[index] += dots[entry] }
        } else {
            BLAS.multiply(auxCodes, dEstimate, into: &decoderGradient, m: latents, k: rows, n: inputs, transposeA: true, beta: 1)
            var dAux = [Float](repeating: 0, count: rows * latents)
            BLAS.multiply(dEstimate, weights.decoderWeight, into: &dAux, m: rows, k: inputs, n: latents, transposeB: true)
            chosen.forEachEntry { index, _ in preGradient[index] += dAux[index] }
        }
        return Double(weight) * total / Double(rows * inputs)
    }

    /// AuxK's choice: in each row the k largest pre-activations among the
    /// dead latents (in increasing order; ties: lower latent first), as compressed rows holding
    /// those pre-activations, zeros and negatives included. With k at least
    /// the dead count (k is at most half the input width) every dead latent
    /// is chosen in every row, and nothing is ranked.
    static func auxiliaryChoice(_ k: Int, of pre: [Float], dead deadLatents: [Int], latents: Int, rows: Int) -> CSRBlock {
        let count = deadLatents.count
        var picked = [Bool](repeating: k >= count, count: rows * count)
        if k < count {
            // The dead latents' pre-activations side by side, in latent order, so ranks break ties alike.
            var candidates = [Float](repeating: 0, count: rows * count)
            pre.withUnsafeBufferPointer { pre in
                for row in 0..<rows {
                    for (slot, latent) in deadLatents.enumerated() { candidates[row * count + slot] = pre[row * latents + latent] }
                }
            }
            candidates.withUnsafeBufferPointer { candidates in
                picked.withUnsafeMutableBufferPointer { picked in
                    TopK.forEachKept(k, ofEachOf: rows, rowsOf: candidates, width: count) { picked[$0] = true }
                }
            }
        }
        var offsets = [0]
        var indices = [Int32]()
        var values = [Float]()
        indices.reserveCapacity(rows * min(k, count))
        values.reserveCapacity(rows * min(k, count))
        for row in 0..<rows {
            for (slot, latent) in deadLatents.enumerated() where picked[row * count + slot] {
                indices.append(Int32(latent))
                values.append(pre[row * latents + latent])
            }
            offsets.append(indices.count)
        }
        return CSRBlock(width: latents, offsets: offsets, indices: indices, values: values)
    }

    /// JumpReLU's L0 penalty and the straight-through gradient of log θ
    /// (SAELens's JumpReLU and Step backward, with its rectangle kernel).
    func jumpThresholdTerms(pre: [Float], dz: [Float], rows: Int) -> (Double, [Float]) {
        let latents = weights.latentWidth
        let epsilon = objective.bandwidth
        let lambda = objective.l0Coefficient
        var active = 0
        var gradient = [Float](repeating: 0, count: latents)
        let thresholds = logThreshold.map { exp($0) }
        for row in 0..<rows {
            for latent in 0..<latents {
                let index = row * latents + latent
                let theta = thresholds[latent]
                if pre[index] > theta { active += 1 }
                let u = (pre[index] - theta) / epsilon
                guard u > -0.5 && u < 0.5 else { continue }
                gradient[latent] += -(theta / epsilon) * dz[index] - (1 / epsilon) * lambda / Float(rows)
            }
        }
        // d/d log θ = θ · d/dθ.
        for latent in 0..<latents { gradient[latent] *= thresholds[latent] }
        return (Double(lambda) * Double(active) / Double(rows), gradient)
    }

    /// The same as `lossGradientsAndCodes` to rounding, from the batch's two
    /// halves side by side (`BatchHalves`): every term of the loss is a mean
    /// over rows. BatchTopK chooses its codes over the whole batch: the
    /// halves' pre-activations first, then the choice, then the rest of each.
    /// Each half counts its codes' activity on its own thread.
    func lossGradientsAndActivityInHalves(_ x: [Float], rows: Int) -> (Float, [[Float]], CodeActivity) {
        let latents = weights.latentWidth
        guard rows >= 2 else {
            let (loss, gradients, codes) = lossGradientsAndCodes(x, rows: rows)
            return (loss, gradients, CodeActivity(codes, rows: rows, width: latents))
        }
        var forward: [(pre: [Float], codes: [Float])]?
        if objective.architecture == .batchTopK {
            let (top, bottom) = BatchHalves.run(x, rows: rows, width: weights.inputWidth) { half, range in
                weights.preActivations(half, rows: range.count)
            }
            let codes = trainingCodes(top + bottom, rows: rows)
            forward = [(top, Array(codes[..<top.count])), (bottom, Array(codes[top.count...]))]
        }
        let ((firstLoss, firstGradients, activity), second) = BatchHalves.run(x, rows: rows, width: weights.inputWidth) { half, range in
            let (loss, gradients, codes) = lossGradientsAndCodes(half, rows: range.count, forward: forward?[range.lowerBound == 0 ? 0 : 1])
            return (loss, gradients, CodeActivity(codes, rows: range.count, width: latents))
        }
        // Consumed, so the gradients have one owner and are combined in place.
        var batch = (loss: firstLoss, tensors: consume firstGradients)
        let loss = BatchHalves.mean(&batch, (second.0, second.1), rows: rows)
        var merged = activity
        merged.merge(second.2)
        return (loss, batch.tensors, merged)
    }

    /// One step: gradients, Adam, unit decoder rows, then the state the
    /// architecture keeps. Returns the batch loss.
    public mutating func trainStep(_ x: [Float], rows: Int, optimizer: inout Adam) -> Float {
        if !started { start(on: x, rows: rows) }
        let (loss, gradients, activity) = lossGradientsAndActivityInHalves(x, rows: rows)
        // Moved out, not shared, so the update writes them in place instead of copying each.
        var parameters = [weights.encoderWeight, weights.encoderBias, weights.decoderWeight, weights.decoderBias]
        (weights.encoderWeight, weights.encoderBias, weights.decoderWeight, weights.decoderBias) = ([], [], [], [])
        if objective.architecture == .jumpReLU {
            parameters.append(logThreshold)
            logThreshold = []
        }
        optimizer.update(&parameters, gradients: gradients, scales: [1, 1, 1, 1, objective.thresholdLearningRateScale])
        weights.encoderWeight = parameters[0]
        weights.encoderBias = parameters[1]
        weights.decoderWeight = parameters[2]
        weights.decoderBias = parameters[3]
        if objective.architecture == .jumpReLU { logThreshold = parameters[4] }
        parameters = []  // the weights' only owner again, so normalizing writes in place
        weights.activation = trainingActivation
        normalizeDecoder()
        observe(activity, rows: rows)
        return loss
    }

    /// What the first batch sets: jumprelu's thresholds where its target L0
    /// would be reached on that batch (a short training cannot move them
    /// there from a fixed start), and batchtopk's threshold.
    mutating func start(on x: [Float], rows: Int) {
        started = true
        let pre = weights.preActivations(x, rows: rows)
        switch objective.architecture {
        case .jumpReLU:
            guard let target = objective.l0Target else { return }
            // Each latent fires on target/F of the batch: every one alive, L0 on target.
            let latents = weights.latentWidth
            let rank = max(0, min(rows - 1, Int((target / Double(latents) * Double(rows)).rounded(.down))))
            for latent in 0..<latents {
                let column = (0..<rows).map { pre[$0 * latents + latent] }.sorted(by: >)
                logThreshold[latent] = log(max(column[rank], Float(1e-4)))
            }
            weights.activation = trainingActivation
        case .batchTopK:
            let codes = trainingCodes(pre, rows: rows)
            batchThreshold = Double(codes.filter { $0 > 0 }.min() ?? 0)
        case .reluL1, .topK:
            break
        }
    }

    /// Dead-latent counters and batchtopk's threshold, from a batch's codes' activity.
    mutating func observe(_ activity: CodeActivity, rows: Int) {
        let latents = weights.latentWidth
        precondition(activity.fired.count == latents, "activity of another width")
        for latent in 0..<latents { rowsSinceFired[latent] = activity.fired[latent] != 0 ? 0 : rowsSinceFired[latent] + rows }
        if objective.architecture == .jumpReLU {
            // A threshold above every pre-activation gets no gradient at all:
            // a dead latent's threshold decays until it fires again.
            for latent in 0..<latents where rowsSinceFired[latent] >= objective.deadWindowRows {
                logThreshold[latent] += log(Self.deadThresholdDecay)
            }
        }
        if objective.architecture == .batchTopK, activity.smallest.isFinite {
            batchThreshold = (1 - objective.thresholdRate) * batchThreshold + objective.thresholdRate * Double(activity.smallest)
        }
        if objective.architecture == .jumpReLU, let target = objective.l0Target, target > 0 {
            // Toward the target L0: λ grows while codes are denser than asked.
            let l0 = Double(activity.positives) / Double(max(rows, 1))
            let step = Self.l0ControllerRate * max(-1, min(1, (l0 - target) / target))
            // Bounded: Adam is blind to a gradient's scale, so past the point
            // where the penalty dominates the thresholds a larger λ does nothing.
            objective.l0Coefficient = Float(min(1, max(1e-7, Double(objective.l0Coefficient) * exp(step))))
        }
    }

    /// Per step, a dead jumprelu latent's threshold shrinks by this factor.
    static let deadThresholdDecay: Float = 0.9

    /// How fast jumprelu's L0 coefficient follows its target, per step.
    static let l0ControllerRate = 0.01

    /// Turns an SAE trained on x/σ into the same SAE on x: both biases and
    /// every threshold scale by σ (each activation is positively
    /// homogeneous), so codes come out σ times larger.
    public mutating func rescaleInputs(by scale: Float) {
        weights.encoderBias = weights.encoderBias.map { $0 * scale }
        weights.decoderBias = weights.decoderBias.map { $0 * scale }
        logThreshold = logThreshold.map { $0 + log(scale) }
        batchThreshold *= Double(scale)
        weights.activation = trainingActivation
    }
}
