import AtomicityMetrics
import CVectorKernels
import Foundation
import LinearAlgebra
import MetaSAEStore

/// A sparse autoencoder in SAELens orientation (no b_dec shift) being
/// trained: `pre = x · W_enc + b_enc`, codes by its architecture,
/// `x̂ = z · W_dec + b_dec`. Decoder rows are kept at unit norm, so no
/// penalty can be dodged by shrinking z. `weights` is the SAE as stored.
public struct SparseAutoencoder: Sendable {
    public var weights: SAEWeights
    public var objective: SAEObjective
    /// jumprelu: the trained parameter, log θ per latent.
    var logThreshold: [Float]
    /// batchtopk: the inference threshold, a moving average of the smallest
    /// code each batch keeps.
    var batchThreshold = 0.0
    /// Training rows since each latent last fired (AuxK's dead mask).
    var rowsSinceFired: [Int]
    /// Whether the first batch has set what it sets (see `start`).
    var started = false

    /// Encoder init as `nn.Linear(D, F)`; decoder as its transpose, rows
    /// normalised (a common, stable start).
    public init(inputWidth: Int, latentWidth: Int, objective: SAEObjective, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let bound = 1 / Float(inputWidth).squareRoot()
        let encoder = (0..<(inputWidth * latentWidth)).map { _ in generator.uniform(-bound, bound) }
        var decoder = [Float](repeating: 0, count: latentWidth * inputWidth)
        for input in 0..<inputWidth {
            for latent in 0..<latentWidth { decoder[latent * inputWidth + input] = encoder[input * latentWidth + latent] }
        }
        self.objective = objective
        logThreshold = [Float](repeating: log(objective.initialThreshold), count: latentWidth)
        rowsSinceFired = [Int](repeating: 0, count: latentWidth)
        weights = SAEWeights(
            inputWidth: inputWidth, latentWidth: latentWidth, encoderWeight: encoder,
            encoderBias: [Float](repeating: 0, count: latentWidth), decoderWeight: decoder,
            decoderBias: [Float](repeating: 0, count: inputWidth))
        weights.activation = trainingActivation
        normalizeDecoder()
    }

    /// The legacy ReLU-L1 SAE.
    public init(inputWidth: Int, latentWidth: Int, l1Coefficient: Float, seed: UInt64) {
        var objective = SAEObjective(architecture: .reluL1)
        objective.l1Coefficient = l1Coefficient
        self.init(inputWidth: inputWidth, latentWidth: latentWidth, objective: objective, seed: seed)
    }

    /// The activation the training forward pass applies row by row
    /// (batchtopk's batch selection is applied on top of ReLU).
    var trainingActivation: SAEActivation {
        switch objective.architecture {
        case .reluL1, .batchTopK: return .relu
        case .topK: return .topK(objective.k)
        case .jumpReLU: return .jumpReLU(threshold: logThreshold.map { exp($0) })
        }
    }

    /// The SAE as stored and used at inference: batchtopk becomes a JumpReLU
    /// with its one threshold repeated, as SAELens saves it.
    public var inferenceWeights: SAEWeights {
        var stored = weights
        if objective.architecture == .batchTopK {
            stored.activation = .jumpReLU(threshold: [Float](repeating: Float(batchThreshold), count: weights.latentWidth))
        } else {
            stored.activation = trainingActivation
        }
        return stored
    }

    public func encode(_ x: [Float], rows: Int, reusing storage: consuming [Float] = []) -> [Float] {
        inferenceWeights.encode(x, rows: rows, reusing: consume storage)
    }

    public func decode(_ z: [Float], rows: Int) -> [Float] {
        weights.decode(z, rows: rows)
    }

    /// z · W_dec + b_dec, through compressed rows when `sparse` holds z's
    /// non-zeros (k·D a row instead of F·D).
    func decode(_ z: [Float], rows: Int, sparse: SparseCodes?) -> [Float] {
        guard let sparse else { return decode(z, rows: rows) }
        var output = [Float](repeating: 0, count: rows * weights.inputWidth)
        SAEWeights.add(weights.decoderBias, toEachOf: rows, rowsOf: &output)
        sparse.times(weights.decoderWeight, width: weights.inputWidth, into: &output)
        return output
    }

    /// Latents that have not fired for the dead window.
    var deadMask: [Bool] { rowsSinceFired.map { $0 >= objective.deadWindowRows } }

    /// The training codes of a batch: batchtopk keeps the k·B largest ReLU'd
    /// pre-activations over the whole batch (ties to the lower index).
    func trainingCodes(_ pre: [Float], rows: Int) -> [Float] {
        var codes = weights.activate(pre, rows: rows)
        if objective.architecture == .batchTopK {
            codes = TopK.keep(objective.k * rows, ofEachOf: 1, rowsOf: codes, width: codes.count)
        }
        return codes
    }

    /// Each decoder row to unit length (in C: eight rows' sums overlap).
    mutating func normalizeDecoder() {
        let (inputs, latents) = (weights.inputWidth, weights.latentWidth)
        guard inputs > 0 else { return }
        // Each row its own: the two halves of the rows side by side.
        weights.decoderWeight.withUnsafeMutableBufferPointer { decoder in
            SideBySide.halves(latents, minimum: Adam.halvedCount / inputs) { rows in
                metasae_unit_rows(decoder.baseAddress! + rows.lowerBound * inputs, Int64(rows.count), Int64(inputs))
            }
        }
    }
}

extension SparseAutoencoder {
    /// The hyper-parameters stored beside the SAE's weights.
    func trainingAttributes(_ config: TrainingConfiguration, seed: UInt64, scale: Float) -> [String: FileAttribute] {
        var attributes: [String: FileAttribute] = [
            "architecture": .string(objective.architecture.rawValue),
            "learning_rate": .double(Double(config.saeLearningRate)),
            "epochs": .integer(Int64(config.saeEpochs)),
            "batch_size": .integer(Int64(config.saeBatchSize)),
            "seed": .integer(Int64(truncatingIfNeeded: seed)),
            "input_scale": .double(Double(scale)),
            "init": .string("encoder nn.Linear default, decoder = encoderᵀ with unit-norm rows"),
        ]
        switch objective.architecture {
        case .reluL1:
            attributes["l1_coefficient"] = .double(Double(objective.l1Coefficient))
        case .topK, .batchTopK:
            if objective.architecture == .batchTopK { attributes["batch_k"] = .integer(Int64(objective.k)) }
            attributes["auxk_coefficient"] = .double(objective.auxK ? Double(objective.auxKCoefficient) : 0)
        case .jumpReLU:
            attributes["l0_coefficient"] = .double(Double(objective.l0Coefficient))
            if let target = objective.l0Target { attributes["l0_target"] = .double(target) }
            attributes["bandwidth"] = .double(Double(objective.bandwidth))
        }
        return attributes
    }
}
