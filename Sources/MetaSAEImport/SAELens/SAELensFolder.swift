import ArrayFiles
import Foundation
import MetaSAEStore

/// One SAELens SAE folder (cfg.json and sae_weights.safetensors), checked
/// as `SAE.load_from_disk` would load it: the tensors its architecture
/// names, in their shapes, and nothing else.
public struct SAELensFolder: Sendable {
    public static let configName = "cfg.json"
    public static let weightsName = "sae_weights.safetensors"

    public let path: String
    public let config: SAELensConfig
    public let tensors: SafeTensorsFile

    /// Whether `path` looks like a SAELens SAE folder.
    public static func holdsSAE(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(configName))
    }

    public init(path: String) throws {
        self.path = path
        let configPath = (path as NSString).appendingPathComponent(Self.configName)
        let file = try MappedFile(path: configPath)
        guard file.count <= SAELensConfig.maximumBytes else {
            throw ArrayFileError(.layout, configPath, "\(file.count) bytes is not a cfg.json (at most \(SAELensConfig.maximumBytes))")
        }
        config = try SAELensConfig.parse(Data(file.bytes(0..<file.count)), path: configPath)
        tensors = try SafeTensorsFile(path: (path as NSString).appendingPathComponent(Self.weightsName))
    }

    /// The tensors the architecture needs, by name, with their shapes.
    var expected: [String: [Int]] {
        var shapes = ["W_enc": [config.dIn, config.dSAE], "W_dec": [config.dSAE, config.dIn],
                      "b_enc": [config.dSAE], "b_dec": [config.dIn]]
        if config.batchTopKCheckpoint {
            shapes["topk_threshold"] = []
        } else if config.activation == .jumpReLU {
            shapes["threshold"] = [config.dSAE]
        }
        return shapes
    }

    /// The SAE in the canonical orientation (SAELens's), every tensor
    /// rounded to the cfg dtype first, as SAELens casts on load, and what
    /// the import did that a reader should know (folds, casts).
    public func read() throws -> (weights: SAEWeights, notes: [String]) {
        var notes: [String] = []
        let weightsPath = tensors.path
        let expected = expected
        let missing = expected.keys.filter { tensors.tensors[$0] == nil }.sorted()
        guard missing.isEmpty else {
            throw ArrayFileError(.layout, weightsPath, "lacks \(missing.joined(separator: ", ")) for a \(config.architecture) SAE")
        }
        for (name, shape) in expected where tensors.tensors[name]!.shape != shape {
            throw ArrayFileError(.layout, weightsPath, "\(name) is \(tensors.tensors[name]!.shape), cfg.json (d_in \(config.dIn), d_sae \(config.dSAE)) says \(shape)")
        }
        var extra = Set(tensors.order).subtracting(expected.keys)
        if extra.contains("scaling_factor") {
            // SAELens drops an all-ones scaling factor and cannot load any other.
            guard try tensors.floats("scaling_factor").allSatisfy({ $0 == 1 }) else {
                throw ArrayFileError(.unsupported, weightsPath, "scaling_factor is not all ones (SAELens 6 cannot load it either)")
            }
            extra.remove("scaling_factor")
        }
        guard extra.isEmpty else {
            throw ArrayFileError(.layout, weightsPath, "tensors \(extra.sorted().joined(separator: ", ")) are not part of a \(config.architecture) SAE")
        }
        func load(_ name: String) throws -> [Float] { SAELensCast.round(try tensors.floats(name), to: config.dtype) }
        var encoder = try load("W_enc")
        var encoderBias = try load("b_enc")
        var decoder = try load("W_dec")
        let activation: SAEActivation
        switch config.activation {
        case .relu: activation = .relu
        case .topK: activation = .topK(config.k ?? 100)
        case .jumpReLU:
            if config.batchTopKCheckpoint {
                let value = try load("topk_threshold")[0]
                activation = .jumpReLU(threshold: [Float](repeating: value, count: config.dSAE))
                notes.append("a BatchTopK training checkpoint: its topk_threshold \(value) becomes every latent's JumpReLU threshold, as SAELens saves it")
            } else {
                activation = .jumpReLU(threshold: try load("threshold"))
            }
        }
        if config.rescaleByDecoderNorm && config.activation == .topK {
            SAELensCast.foldDecoderNorms(encoder: &encoder, encoderBias: &encoderBias, decoder: &decoder, dIn: config.dIn, dSAE: config.dSAE)
            notes.append("rescale_acts_by_decoder_norm folded into the weights (decoder rows unit norm), as SAELens does on save")
        }
        if config.normalizeActivations == "expected_average_only_in" {
            notes.append("normalize_activations = expected_average_only_in is the identity at inference in SAELens; any norm factor of a pretrained release is not in the folder")
        }
        if config.dtype != "float32" { notes.append("tensors rounded to \(config.dtype) as SAELens loads them; the analysis computes in float32") }
        let weights = SAEWeights(inputWidth: config.dIn, latentWidth: config.dSAE, encoderWeight: encoder, encoderBias: encoderBias,
                                 decoderWeight: decoder, decoderBias: try load("b_dec"), activation: activation,
                                 subtractsDecoderBias: config.applyDecoderBias)
        return (weights, notes)
    }
}

/// The value conversions SAELens applies on load and save.
enum SAELensCast {
    /// Values as `tensor.to(dtype)` leaves them (round to nearest even).
    static func round(_ values: [Float], to dtype: String) -> [Float] {
        switch dtype {
        case "float16": return values.map { Float(Float16($0)) }
        case "bfloat16": return values.map(bfloat16)
        default: return values
        }
    }

    static func bfloat16(_ value: Float) -> Float {
        guard value.isFinite else { return value }
        let bits = value.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return Float(bitPattern: rounded & 0xFFFF_0000)
    }

    /// SAELens's `_fold_norm_topk`: b_enc·n, W_enc columns·n, W_dec rows / n,
    /// with n the decoder rows' norms; codes and reconstructions unchanged.
    static func foldDecoderNorms(encoder: inout [Float], encoderBias: inout [Float], decoder: inout [Float], dIn: Int, dSAE: Int) {
        for latent in 0..<dSAE {
            var sum: Float = 0
            for input in 0..<dIn { sum += decoder[latent * dIn + input] * decoder[latent * dIn + input] }
            let norm = sum.squareRoot()
            guard norm > 0, norm.isFinite else { continue }
            encoderBias[latent] *= norm
            for input in 0..<dIn {
                encoder[input * dSAE + latent] *= norm
                decoder[latent * dIn + input] /= norm
            }
        }
    }
}
